/** The report model as JSON: stable keys, `schemaVersion` first, two-space indent, newline-terminated. */
import type { ReportModel } from './types.js';

export function renderJson(m: ReportModel): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}
