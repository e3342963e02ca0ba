/**
 * Exports the console writes into the workspace, and the copy it hands a browser: in the browser UI
 * an export is downloaded (the page gets the bytes) and also kept in the workspace (the page shows
 * the path). Only files this module names, under the workspace, are ever read back.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { ApiFailure } from '../api/index.js';
import type { AuditStore } from '../audit/index.js';
import { markedAuditLines } from './run-list.js';

/** Largest file sent to a browser in one message (a report PDF is a few MB; an audit of a long game day tens). */
export const MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.jsonl': 'application/x-ndjson',
};

/** The file an export just wrote, as a browser download (name, type, base64 bytes). */
export function exportedFile(path: string): { name: string; mime: string; base64: string } {
  const size = statSync(path).size;
  if (size > MAX_DOWNLOAD_BYTES) throw new ApiFailure('TOO_LARGE', `${basename(path)} is ${Math.round(size / 1e6)} MB, too large to download through the browser`, `it is kept in the workspace: ${path}`);
  return { name: basename(path), mime: MIME[extname(path)] ?? 'application/octet-stream', base64: readFileSync(path).toString('base64') };
}

/** The audit (one run or all) as marked JSON lines in `dir`; the file name says which and when. */
export function writeAuditExport(audit: AuditStore, dir: string, runId?: string): { path: string; events: number } {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const path = join(dir, `audit-${(runId ?? 'all').replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}.jsonl`);
  const lines = [...markedAuditLines(audit, runId)];
  writeFileSync(path, lines.length ? `${lines.join('\n')}\n` : '');
  return { path, events: lines.length };
}
