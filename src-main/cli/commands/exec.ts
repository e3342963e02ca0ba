import { basename } from 'node:path';
import { existsSync } from 'node:fs';
import { fanOutShared, fanOutSharedSelector, sharedPools, SharedSelectorError, type FanOutResult } from '../../ssh/index.js';
import { Shell } from '../../shell/index.js';
import { controlPath, findInventory, workspacePath } from '../workspace.js';
import { c, LineSplitter, nodeColor } from '../output.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { GlobalOpts } from '../context.js';

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
  const command = words.join(' ');
  const splitters = new Map<string, { out: LineSplitter; err: LineSplitter }>();
  /** The node tags, padded to the longest name: known once the nodes are (here or in the live console). */
  const onNodes = (names: string[]): void => {
    const width = Math.max(...names.map((n) => n.length));
    for (const name of names) {
      const tag = nodeColor(name)(name.padEnd(width));
      splitters.set(name, {
        out: new LineSplitter((line) => !opts.json && process.stdout.write(`${tag} | ${line}\n`)),
        err: new LineSplitter((line) => !opts.json && process.stdout.write(`${tag} ${c.red('!')} ${line}\n`)),
      });
    }
  };
  const fan = { concurrency, timeoutMs: timeoutSec * 1000, sudo: opts.sudo, onNodes, onStdout: (n: string, b: Buffer) => splitters.get(n)?.out.push(b), onStderr: (n: string, b: Buffer) => splitters.get(n)?.err.push(b) };
  const dir = controlPath(workspacePath(opts.workspace));
  const mayShare = process.env.GAMEDAY_SHARED_POOL !== '0';
  const failedShared = (e: Error): never => {
    if (e instanceof SharedSelectorError) throw new CliError(e.message, EXIT.INVALID_INPUT, e.hint);
    throw new CliError(e.message, EXIT.FAILED, 'the command may have run on some nodes; GAMEDAY_SHARED_POOL=0 makes gameday exec open its own connections');
  };
  // A console or run live in this workspace lends its open connections and its loaded inventory
  // (ssh/pool-share.ts): the selector goes there as typed, so this process reads no inventory and
  // loads no YAML or schema code. --ssh-config changes the specs, so it is resolved here.
  let shared: { via: string; results: FanOutResult[] } | undefined;
  let ownConnections = !mayShare;
  if (mayShare && !opts.sshConfig && sharedPools(dir).length > 0) {
    const inventory = chosenInventory(opts);
    const r = await fanOutSharedSelector(dir, { selector, inventory, command, timeoutMs: fan.timeoutMs, sudo: opts.sudo, concurrency }, fan).catch(failedShared);
    if (r && 'otherInventory' in r) {
      ownConnections = true;
      process.stderr.write(`${c.dim(`(${basename(r.via, '.pool')} has ${r.otherInventory} open, not ${inventory}: opening connections of our own)`)}\n`);
    } else shared = r;
  }
  let own: Awaited<ReturnType<typeof import('../new-pool.js').newPool>> | undefined;
  try {
    if (!shared) {
      // The inventory, YAML and schema code are loaded only here, when this process selects the nodes itself.
      const l = (await import('../context.js')).load(opts);
      const targets = l.select(selector);
      onNodes(targets.map((t) => t.node.name));
      const specs = targets.map((t) => t.spec);
      if (!ownConnections) shared = await fanOutShared(dir, { specs, command, timeoutMs: fan.timeoutMs, sudo: opts.sudo, concurrency }, fan).catch(failedShared);
      // ssh2 is loaded only here, when this command opens connections of its own.
      if (!shared) own = (await import('../new-pool.js')).newPool(l);
      if (own) shared = { via: '', results: await own.fanOut(specs, Shell.raw(command), fan) };
    }
    if (shared!.via && !opts.json) process.stderr.write(`${c.dim(`(through the open connections of ${basename(shared!.via, '.pool')})`)}\n`);
    const results = shared!.results;
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
    await own?.dispose();
  }
}

/**
 * The inventory this command must use when a live console resolves the selector: the one the user
 * chose (--inventory, --sim, $GAMEDAY_INVENTORY, ./inventory.yaml), or none, and the console's own
 * (the lab it was started on). Found without reading the file.
 */
function chosenInventory(opts: GlobalOpts): string | undefined {
  if (opts.inventory || opts.sim || process.env.GAMEDAY_INVENTORY || existsSync('inventory.yaml')) return findInventory(opts);
  return undefined;
}
