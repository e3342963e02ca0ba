import { sendStop } from '../../engine/index.js';
import { EXIT } from '../exit-codes.js';
import { c } from '../output.js';
import { printStopReport } from '../stop-report-text.js';
import { controlDir, workspaceDir } from '../workspace.js';

/** `gameday stop [--run ID]`: press STOP on every run of this workspace (or one), from any terminal. */
export async function stopCommand(o: { run?: string; reason?: string; workspace?: string; json?: boolean }): Promise<number> {
  const results = await sendStop(controlDir(workspaceDir(o.workspace)), { cmd: 'stop', reason: o.reason ?? 'gameday stop', actor: process.env.USER ?? 'cli' }, o.run);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else if (results.length === 0) {
    process.stdout.write('no run is active in this workspace\n');
  } else {
    for (const r of results) {
      process.stdout.write(`${c.bold(r.runId)}\n`);
      if (r.report) printStopReport(r.report);
      else process.stdout.write(`  ${r.error}\n`);
    }
  }
  return results.every((r) => !r.report || r.report.clean) ? EXIT.OK : EXIT.FAILED;
}
