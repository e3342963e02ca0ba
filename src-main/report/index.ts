/**
 * Post-mortem reports: one model built from the audit (buildReportModel), four renderers
 * (Markdown, self-contained HTML with inline SVG charts, JSON, PDF via Chromium's print).
 */
export * from './types.js';
export { buildReportModel, type BuildOptions } from './model.js';
export { findRun, ReportError } from '../audit/index.js';
export { renderMarkdown } from './markdown.js';
export { renderHtml } from './html.js';
export { renderJson } from './json.js';
export { renderPdf, chromiumPrinter, CHROMIUM_ARGS, DEFAULT_CHROMIUM, type PdfPrinter } from './pdf.js';
export { resilienceScore, SCORE_FORMULA, SCORE_WEIGHTS, type ScoreInputs } from './score.js';
export { escHtml, escMd } from './escape.js';
export { reportService } from './adapter.js';
export { buildDebrief } from './debrief.js';
