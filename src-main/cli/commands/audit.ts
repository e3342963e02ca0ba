import { createWriteStream } from 'node:fs';
import { AuditStore, parseHead, readKey, type VerifyReport } from '../../audit/index.js';
import { markedAuditLines } from '../../engine/index.js';
import { printAuditOpenNotes } from '../audit-notes.js';
import { CliError, EXIT } from '../exit-codes.js';
import { c } from '../output.js';
import { auditFile, workspacePath } from '../workspace.js';

export interface VerifyOpts {
  workspace?: string;
  file?: string;
  json?: boolean;
  /** A head kept from the end of a run: SEQ:HASH or HASH. */
  expectHead?: string;
  /** Other users' key files, for events they wrote. */
  key?: string[];
  /** Accept the file as it is now when only the anchor disagrees (a backup restored on purpose). */
  reanchor?: boolean;
}

/**
 * `gameday audit verify`: the chain (links, hashes), every event's HMAC, every covered row, the
 * anchor, and a head the user kept — each named with what it looked at. Exit 0 intact, 1 not,
 * 3 when the file is missing or not an audit (never created).
 */
export function auditVerifyCommand(o: VerifyOpts): number {
  let expectHead;
  if (o.expectHead !== undefined) {
    expectHead = parseHead(o.expectHead);
    if (!expectHead) throw new CliError(`--expect-head must be SEQ:HASH or a 64-hex HASH, got ${JSON.stringify(o.expectHead.slice(0, 80))}`, EXIT.INVALID_INPUT, 'use the head printed at the end of a run ("audit head: event 57, sha256 …"): --expect-head 57:<hash>');
  }
  const keys = (o.key ?? []).map((k) => readKey(k));
  const a = AuditStore.open(o.file ?? auditFile(workspacePath(o.workspace)), { mustExist: true });
  try {
    printAuditOpenNotes(a, true);
    let v = a.verify({ expectHead, keys });
    let reanchored;
    if (o.reanchor) {
      const onlyAnchor = v.checks.every((x) => x.ok || x.name === 'anchor');
      if (!onlyAnchor) throw new CliError('--reanchor refused: more than the anchor is wrong (see `gameday audit verify`)', EXIT.FAILED);
      reanchored = a.reanchor(process.env.USER ?? 'cli');
      v = a.verify({ expectHead, keys });
    }
    if (o.json) process.stdout.write(`${JSON.stringify({ file: a.file, ...v, reanchored, replayed: a.replayed })}\n`);
    else printVerify(a.file, v, Boolean(reanchored));
    return v.ok ? EXIT.OK : EXIT.FAILED;
  } finally {
    a.close();
  }
}

function printVerify(file: string, v: VerifyReport, reanchored: boolean): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  if (v.ok) out(`${c.green('✓')} ${file}: ${v.checked} events, hash chain intact, authenticated, every row covered${reanchored ? ' (re-anchored at the current head, recorded in the audit)' : ''}`);
  else if (v.firstBroken) out(`${c.red('✗')} ${file}: chain broken at event ${v.firstBroken.seq}: ${v.firstBroken.reason} (${v.checked} events before it are intact)`);
  else out(`${c.red('✗')} ${file}: NOT intact: ${v.checks.filter((x) => !x.ok).map((x) => x.name).join(', ')}`);
  for (const ch of v.checks) out(`  ${ch.ok ? c.green('✓') : c.red('✗')} ${ch.name.padEnd(13)} ${ch.text}`);
  out(`  head          ${v.head ? `event ${v.head.seq}, sha256 ${v.head.hash}` : 'none (no events)'}`);
}

/** `gameday audit export [--run ID] [-o FILE]`: every event as JSON lines; rows of a DRY RUN, REHEARSAL or DRILL run carry `marker`. */
export async function auditExportCommand(o: { workspace?: string; file?: string; run?: string; output?: string }): Promise<number> {
  const a = AuditStore.open(o.file ?? auditFile(workspacePath(o.workspace)), { mustExist: true });
  const out = o.output ? createWriteStream(o.output) : process.stdout;
  try {
    for (const line of markedAuditLines(a, o.run)) {
      if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  } finally {
    a.close();
    if (o.output) await new Promise((r) => (out as ReturnType<typeof createWriteStream>).end(r));
  }
  return EXIT.OK;
}
