/**
 * What the CLI says about the audit around a run: journal records replayed at open, an anchor that
 * disagrees with the file, the head at the end (to keep, and to pass to `audit verify
 * --expect-head`), and records that could not be written. Loud on stderr, so they are not missed.
 */
import type { AuditStore, Head } from '../audit/index.js';
import { c } from './output.js';

/** After open: journal replayed, anchor problem. */
export function printAuditOpenNotes(audit: AuditStore, json = false): void {
  const out = (s: string) => process.stderr.write(`${s}\n`);
  const r = audit.replayed;
  if (r) {
    out(`${c.yellow('audit:')} replayed ${r.records} record(s) that a STOP could not write at the time (from ${r.files.map((f) => f.split('/').pop()).join(', ')}) into ${audit.file}`);
    for (const x of r.rejected) out(`  ${c.red('rejected')} ${x.file} line ${x.line}: ${x.why}`);
    for (const x of r.skipped) out(`  ${c.red('skipped')} ${x.id}: ${x.why}`);
  }
  if (audit.anchorProblem && !json) out(`${c.red('audit warning:')} ${audit.anchorProblem}; the anchor is left as it was — run \`gameday audit verify\``);
}

/** One line naming the head of a run (or of the file), and how to check it later. */
export function headLine(head: Head | undefined, anchorFile: string): string {
  if (!head) return 'audit head: none (nothing was written)';
  return `audit head: event ${head.seq}, sha256 ${head.hash} (anchored in ${anchorFile}; check later: gameday audit verify --expect-head ${head.seq}:${head.hash})`;
}

/** The records this process could not put into the database, still waiting in the journal or lost. */
export function auditProblemText(audit: AuditStore): string | undefined {
  const p = audit.auditProblem();
  if (!p) return undefined;
  const parts = [p.journaled ? `${p.journaled} record(s) are kept in ${p.journal} and will be added to the audit at its next open (any gameday command on this workspace, or \`gameday audit verify\`)` : '', p.lost ? `${p.lost} record(s) could be written nowhere` : ''];
  return `the audit ${audit.file} could not be written (${p.why}): ${parts.filter(Boolean).join('; ')}`;
}
