import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditStore } from '../audit/index.js';
import { buildReportModel } from './model.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderPdf, type PdfPrinter } from './pdf.js';

/**
 * Reports as the console service needs them (preview, export one format to a folder). The PDF
 * printer is injectable: Chromium through playwright-core by default, Electron's printToPDF on the
 * desktop.
 */
export function reportService(printer?: PdfPrinter) {
  return {
    async preview(audit: AuditStore, runId: string): Promise<{ markdown: string; html: string }> {
      const m = buildReportModel(audit, runId);
      return { markdown: renderMarkdown(m), html: renderHtml(m) };
    },
    async export(audit: AuditStore, runId: string, format: 'md' | 'html' | 'pdf' | 'json', dir: string): Promise<string> {
      const m = buildReportModel(audit, runId);
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${runId}.${format}`);
      const content = format === 'md' ? renderMarkdown(m) : format === 'html' ? renderHtml(m) : format === 'json' ? renderJson(m) : await renderPdf(renderHtml(m), printer);
      writeFileSync(path, content);
      return path;
    },
  };
}
