import { basename, join } from 'node:path';
import { fanOutShared } from '../../ssh/index.js';
import { Shell } from '../../shell/index.js';
import { workspacePath } from '../workspace.js';
import { c, LineSplitter, nodeColor } from '../output.js';
import { CliError, EXIT } from '../exit-codes.js';
import { load, type GlobalOpts } from '../context.js';

export interface ExecCmdOpts extends GlobalOpts {
  timeout?: string;
  sudo?: boolean;
  concurrency?: string;
}

/**
 * `gameday exec SELECTOR CMD…`: the operator's own command on many nodes (like pdsh), streamed line by
 * line with the node name in front, then one summary of exit codes. The command text is the user's
 * intent and is sent as written; it is audited like every other exec.
 */
export async function execCommand(selector: string, words: string[], opts: ExecCmdOpts): Promise<number> {
  if (words[0] === '--') words = words.slice(1);
  if (words.length === 0) throw new CliError('no command given: gameday exec SELECTOR -- COMMAND…');
  const timeoutSec = opts.timeout ? Number(opts.timeout) : 600;
  if (!(timeoutSec > 0)) throw new CliError(`--timeout must be a positive number of seconds, got "${opts.timeout}"`);
  const concurrency = opts.concurrency ? Number(opts.concurrency) : 64;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new CliError(`--concurrency must be a whole number ≥ 1, got "${opts.concurrency}"`);
  const l = load(opts);
  const targets = l.select(selector);
  const width = Math.max(...targets.map((t) => t.node.name.length));
  const splitters = new Map<string, { out: LineSplitter; err: LineSplitter }>();
  for (const { node } of targets) {
    const tag = nodeColor(node.name)(node.name.padEnd(width));
    splitters.set(node.name, {
      out: new LineSplitter((line) => !opts.json && process.stdout.write(`${tag} | ${line}\n`)),
      err: new LineSplitter((line) => !opts.json && process.stdout.write(`${tag} ${c.red('!')} ${line}\n`)),
    });
  }
  const specs = targets.map((t) => t.spec);
  const fan = { concurrency, timeoutMs: timeoutSec * 1000, sudo: opts.sudo, onStdout: (n: string, b: Buffer) => splitters.get(n)?.out.push(b), onStderr: (n: string, b: Buffer) => splitters.get(n)?.err.push(b) };
  // A console or run live in this workspace lends its open connections (ssh/pool-share.ts);
  // GAMEDAY_SHARED_POOL=0 opens our own, as does no live pool.
  const shared =
    process.env.GAMEDAY_SHARED_POOL === '0'
      ? undefined
      : await fanOutShared(join(workspacePath(opts.workspace), 'control'), { specs, command: words.join(' '), timeoutMs: fan.timeoutMs, sudo: opts.sudo, concurrency }, fan).catch((e: Error) => {
          throw new CliError(e.message, EXIT.FAILED, 'the command may have run on some nodes; GAMEDAY_SHARED_POOL=0 makes gameday exec open its own connections');
        });
  if (shared && !opts.json) process.stderr.write(`${c.dim(`(through the open connections of ${basename(shared.via, '.pool')})`)}\n`);
  // ssh2 is loaded only here, when this command opens connections of its own.
  const pool = shared ? undefined : (await import('../new-pool.js')).newPool(l);
  try {
    const results = shared ? shared.results : await pool!.fanOut(specs, Shell.raw(words.join(' ')), fan);
    for (const s of splitters.values()) {
      s.out.flush();
      s.err.flush();
    }
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify(
          results.map((r) => ({ node: r.node, ok: r.ok, code: r.result?.code ?? null, timedOut: r.result?.timedOut ?? false, stdout: r.result?.stdout, stderr: r.result?.stderr, error: r.error?.toJSON() })),
          null,
          2,
        )}\n`,
      );
    } else {
      const ok = results.filter((r) => r.ok).length;
      const bad = results.filter((r) => !r.ok);
      for (const r of bad) {
        const why = r.error ? r.error.toPlain() : r.result?.timedOut ? `timed out after ${timeoutSec}s (remote process group killed)` : `exit ${r.result?.code ?? `signal ${r.result?.signal}`}`;
        process.stderr.write(`${c.red('✗')} ${why.startsWith(r.node) ? why : `${r.node}: ${why}`}\n`);
      }
      process.stderr.write(`${ok === results.length ? c.green('✓') : c.yellow('!')} ${ok}/${results.length} nodes exited 0${bad.length ? `, ${bad.length} failed` : ''}\n`);
    }
    return results.every((r) => r.ok) ? EXIT.OK : EXIT.FAILED;
  } finally {
    await pool?.dispose();
  }
}
