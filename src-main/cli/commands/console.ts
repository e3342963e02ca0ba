/**
 * `gameday console`: the console UI in a browser. Starts the console service (the same engine the
 * desktop app uses) behind the loopback bridge and prints two URLs — the commander's and a
 * read-only observer's for the projector or the rest of the room — and a trainee URL for drills (hidden faults
 * redacted; trainees declare, take notes and use shells). Ctrl+C stops: an active run is
 * STOPped (every fault reverted) before the process exits.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { certHosts, isLoopback, startBridge, TlsError, workspaceTls, type BridgeTls } from '../../bridge/index.js';
import { consoleServiceOptions, createConsoleService } from '../../console/index.js';
import { reportService, type PdfPrinter } from '../../report/index.js';
import { findInventory } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { recordSimLab, runningSimLabs } from '../../lab/index.js';
import { packageRoot } from '../../package/index.js';
import { c } from '../output.js';
import { auditFile, newRunId, workspaceDir } from '../workspace.js';

export interface ConsoleCmdOpts {
  port?: string;
  host?: string;
  /** Open (and list first) the read-only observer URL instead of the commander's. */
  observer?: boolean;
  /** Open the URL in the default browser. */
  open?: boolean;
  workspace?: string;
  inventory?: string;
  /** Start the embedded simulated lab and use it as the inventory. */
  sim?: boolean;
}

/** Open a URL in the default browser without a shell (the token must not end up in a shell string). */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`could not start ${cmd}; open the URL yourself\n`));
  child.unref();
}

function parsePort(p: string | undefined): number {
  if (p === undefined) return 0;
  const n = Number(p);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`--port must be 0..65535, got ${p}`, EXIT.INVALID_INPUT);
  return n;
}

export async function consoleCommand(opts: ConsoleCmdOpts): Promise<number> {
  const host = opts.host ?? '127.0.0.1';
  const port = parsePort(opts.port);
  const remote = !isLoopback(host);
  let sim: Awaited<ReturnType<typeof import('../../lab/index.js').startSimLab>> | undefined;
  let simInventory: string | undefined;
  let unrecord: (() => void) | undefined;
  if (opts.sim) {
    if (opts.inventory) throw new CliError('--sim and --inventory both name an inventory', EXIT.INVALID_INPUT, 'keep one of them');
    const ws = workspaceDir(opts.workspace);
    const running = runningSimLabs(ws);
    if (running.length > 0) {
      // A second lab in the same folder would reboot (kill) the first one's nodes: share it instead.
      simInventory = running[0]!.inventory;
      process.stdout.write(`${c.yellow('SIMULATED')} lab already running (pid ${running[0]!.pid}, ${running[0]!.by}); using its inventory ${simInventory}\n`);
    } else {
      const { startSimLab } = await import('../../lab/index.js');
      const dir = join(ws, 'simlab');
      sim = await startSimLab({ dir });
      simInventory = sim.inventoryPath;
      unrecord = recordSimLab(ws, { inventory: sim.inventoryPath, dir, by: 'console --sim' });
      for (const w of sim.warnings ?? []) process.stdout.write(`${c.yellow('warning')} ${w}\n`);
      process.stdout.write(`${c.yellow('SIMULATED')} lab: ${sim.nodes.length} simulated nodes (real SSH, simulated tools); inventory ${sim.inventoryPath}\n`);
      process.stdout.write(`  other terminals: \`gameday …\` uses this lab while it runs (or say --sim)\n`);
    }
  }
  // Beyond loopback only over TLS, with the workspace's own certificate (made once, then reused).
  let tls: BridgeTls | undefined;
  if (remote) {
    try {
      tls = workspaceTls(join(workspaceDir(opts.workspace), 'tls'), certHosts(host));
    } catch (e) {
      await sim?.close();
      unrecord?.();
      if (e instanceof TlsError) throw new CliError(e.message, EXIT.FAILED, e.hint);
      throw e;
    }
  }
  const service = createConsoleService(consoleServiceOptions(simInventory ? { ...opts, inventory: simInventory, simulated: true } : opts));
  const rendererDir = join(packageRoot(), 'out', 'renderer');
  const built = existsSync(join(rendererDir, 'index.html'));
  let bridge;
  try {
    // --host with a non-loopback address is the explicit consent the bridge requires.
    bridge = await startBridge({ backend: service, rendererDir: built ? rendererDir : undefined, host, port, allowRemote: remote, tls });
  } catch (e) {
    await service.dispose();
    await sim?.close();
    unrecord?.();
    const err = e as Error & { code?: string };
    if (err.code === 'EADDRINUSE') throw new CliError(`port ${port} is in use`, EXIT.INVALID_INPUT, 'omit --port for a random free one');
    throw e;
  }
  // Ctrl-C handlers go in before the URLs are printed: whoever reads them may press it at once.
  const out = process.stdout;
  const stopped = new Promise<number>((done) => {
    let closing = false;
    const shutdown = (signal: string): void => {
      if (closing) return;
      closing = true;
      out.write(`\n${signal}: stopping…\n`);
      void (async () => {
        await bridge.close();
        await service.dispose();
        await sim?.close();
        unrecord?.();
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        done(EXIT.OK);
      })();
    };
    const onInt = (): void => shutdown('SIGINT');
    const onTerm = (): void => shutdown('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  if (!built) out.write(`${c.yellow('warning')} the UI is not built (out/renderer): run \`npx electron-vite build\`; serving the API only\n`);
  if (remote) out.write(`${c.yellow('warning')} listening on ${host}: anyone who can reach it and has a URL below can use it. Share only the observer URL.\n`);
  const lines = [`${c.bold('Commander')} (full control):  ${bridge.url}`, `${c.bold('Observer')}  (read-only):     ${bridge.observerUrl}`, `${c.bold('Trainee')}   (drills, faults hidden): ${bridge.traineeUrl}`];
  if (bridge.fingerprint) lines.push(`${c.bold('TLS')}       self-signed; check the browser shows SHA-256 fingerprint\n            ${bridge.fingerprint}`);
  out.write(`Game-day console\n  ${(opts.observer ? [lines[1]!, lines[0]!, ...lines.slice(2)] : lines).join('\n  ')}\n  Ctrl+C to quit (an active run is STOPped first).\n`);
  if (opts.open) openBrowser(opts.observer ? bridge.observerUrl : bridge.url);

  return stopped;
}
