/**
 * Shell commands trainees ran during a drill, counted from the audit: the backend records a
 * `drill.shell` event when a trainee opens a shell, and the shell manager records every typed line
 * as `shell.input`; the count is the lines typed into trainees' shells.
 */
import type { AuditStore } from '../audit/index.js';

export function traineeCommands(audit: AuditStore, runId: string): number {
  const mine = new Set(audit.events({ runId, kind: 'drill.shell', limit: 100_000 }).map((e) => (JSON.parse(e.data) as { shellId?: string }).shellId));
  if (mine.size === 0) return 0;
  return audit.events({ runId, kind: 'shell.input', limit: 1_000_000 }).filter((e) => {
    const d = JSON.parse(e.data) as { shellId?: string; text?: string };
    return mine.has(d.shellId) && typeof d.text === 'string' && d.text.trim() !== '';
  }).length;
}
