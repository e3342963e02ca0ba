import { createWriteStream } from 'node:fs';
import { AuditStore } from '../../audit/index.js';
import { markedAuditLines } from '../../engine/run-list.js';
import { EXIT } from '../exit-codes.js';
import { c } from '../output.js';
import { auditFile, workspaceDir } from '../workspace.js';

/** `gameday audit verify`: walk the hash chain; name the first broken row. */
export function auditVerifyCommand(o: { workspace?: string; file?: string; json?: boolean }): number {
  const a = AuditStore.open(o.file ?? auditFile(workspaceDir(o.workspace)));
  try {
    const v = a.verify();
    if (o.json) process.stdout.write(`${JSON.stringify({ file: a.file, ...v })}\n`);
    else if (v.ok) process.stdout.write(`${c.green('✓')} ${a.file}: ${v.checked} events, hash chain intact\n`);
    else process.stdout.write(`${c.red('✗')} ${a.file}: chain broken at event ${v.firstBroken!.seq}: ${v.firstBroken!.reason} (${v.checked} events before it are intact)\n`);
    return v.ok ? EXIT.OK : EXIT.FAILED;
  } finally {
    a.close();
  }
}

/** `gameday audit export [--run ID] [-o FILE]`: every event as JSON lines; rows of a DRY RUN, REHEARSAL or DRILL run carry `marker`. */
export async function auditExportCommand(o: { workspace?: string; file?: string; run?: string; output?: string }): Promise<number> {
  const a = AuditStore.open(o.file ?? auditFile(workspaceDir(o.workspace)));
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
