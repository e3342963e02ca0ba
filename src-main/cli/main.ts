import { Command, CommanderError } from 'commander';
import { SshError } from '../ssh/index.js';
import { AuditUnavailable, isAuditError } from '../audit/index.js';
import { CliError, EXIT } from './exit-codes.js';
import { c } from './output.js';
import type { GlobalOpts } from './context.js';
import { applyOptionKinds } from './option-kinds.js';

declare const __GAMEDAY_VERSION__: string | undefined;
const VERSION = typeof __GAMEDAY_VERSION__ === 'string' ? __GAMEDAY_VERSION__ : '0.0.0-dev';

/** Build the `gameday` command tree. Each action resolves to an exit code (see exit-codes.ts). */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('gameday')
    .description('Game-day console: run chaos-engineering game days on lab and staging nodes over SSH, safely.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('  hint: run the command with --help for its usage')
    .enablePositionalOptions()
    .exitOverride();
  globals(program);

  let current: Command | undefined;
  program.hook('preAction', (_root, action) => {
    current = action;
  });
  const g = (): GlobalOpts => ({ ...program.opts<GlobalOpts>(), ...(current ? pickGlobals(current.opts()) : {}) });
  const run = (fn: () => Promise<number> | number) => async () => setExit(await fn());
  /** A sub-command that also accepts the global options after its name (`gameday inventory check --json`). */
  const sub = (parent: Command, spec: string, description: string): Command => globals(parent.command(spec).description(description));

  const inv = program.command('inventory').description('show, check and import inventories');
  sub(inv, 'show [selector]', 'list the nodes a selector picks, as they resolve (no network)').action((selector?: string) =>
    run(async () => (await import('./commands/inventory.js')).inventoryShow(selector, g()))(),
  );
  sub(inv, 'check [selector]', 'connect to each node: reachability, auth, host key, root/sudo, OS, tools')
    .option('--workspace <dir>', 'workspace whose live console or run lends its open connections (default: the usual one)')
    .action((selector: string | undefined, o: { workspace?: string }) =>
    run(async () => (await import('./commands/inventory.js')).inventoryCheck(selector, { ...g(), ...o }))(),
  );
  sub(inv, 'import <file>', 'print a gameday inventory made from an Ansible inventory (INI or YAML) or an ssh_config file')
    .option('--from <kind>', 'ansible | ssh-config (default: guessed from the file)')
    .action((file: string, o: { from?: string }) => run(async () => (await import('./commands/inventory-import.js')).inventoryImport(file, o))());

  sub(program, 'exec <selector> [command...]', 'run a command on the selected nodes, output streamed and prefixed by node name')
    .option('-t, --timeout <seconds>', 'kill the remote command (its whole process group) after this long', '600')
    .option('--sudo', 'run as root through sudo -n when the login user is not root')
    .option('-c, --concurrency <n>', 'nodes in flight at once', '64')
    .option('--workspace <dir>', 'workspace whose live console or run lends its open connections (default: the usual one)')
    .passThroughOptions()
    .action((selector: string, words: string[], o: Record<string, string | boolean>) =>
      run(async () => (await import('./commands/exec.js')).execCommand(selector, words, { ...g(), ...o }))(),
    );

  sub(program, 'validate <files...>', 'check runbooks: every problem with file:line:col, the field and a fix hint (exit 3 when invalid)').action((files: string[]) =>
    run(async () => (await import('./commands/validate.js')).validateCommand(files, { json: g().json, inventory: g().inventory }))(),
  );
  sub(program, 'run <scenario>', 'run a game day headless: phases, steps, probes, recovery timers; Ctrl-C or `gameday stop` = STOP')
    .option('--approver <name>', 'second person approving high-risk steps and gates (recorded); without it a terminal prompt asks')
    .option('--commander <name>', 'who runs the game day (default: roles.commander in the runbook, else $USER)')
    .option('--dry-run', 'walk the whole runbook printing every command per node; send nothing')
    .option('--mode <mode>', 'gameday (default) or rehearsal (tabletop: nothing sent, each step\'s scripted outcome printed); drills run in `gameday console`')
    .option('-y, --yes', 'rehearsal: go on after each outcome without asking')
    .option('--junit <file>', 'write a JUnit XML report (steps and SLOs as test cases) for CI')
    .option('--skip-preflight', 'do not run preflight first (not recommended)')
    .option('--workspace <dir>', 'workspace (audit file, control sockets)')
    .action((file: string, o: Record<string, unknown>) => run(async () => (await import('./commands/run.js')).runCommand(file, { ...g(), ...o }))());
  sub(program, 'report [runId]', 'write the post-mortem of a run (the latest by default) from the audit: Markdown, HTML, PDF, JSON')
    .option('-f, --format <formats>', 'md,html,json (default), pdf, or all')
    .option('-o, --output <dir>', 'folder for the files (default: the workspace\'s reports folder, where the console exports too)')
    .option('--exact', 'read every raw sample instead of the 10 s rollups (exact p95 on big runs, slower)')
    .option('--workspace <dir>', 'workspace')
    .action((runId: string | undefined, o: Record<string, string>) => run(async () => (await import('./commands/report.js')).reportCommand(runId, { ...o, json: g().json }))());
  sub(program, 'console', 'open the console UI in a browser: serves it on 127.0.0.1 with a random token (commander and observer URLs)')
    .option('--port <n>', 'port (default: random)')
    .option('--host <addr>', 'bind address; anything but loopback exposes the console to the network (explicit consent)')
    .option('--observer', 'open the read-only observer view')
    .option('--open', 'open the URL in the default browser')
    .option('--workspace <dir>', 'workspace')
    .action((o: Record<string, string | boolean>) => run(async () => (await import('./commands/console.js')).consoleCommand({ ...o, inventory: g().inventory, sim: g().sim }))());
  sub(program, 'faults', 'the fault catalog: risk, what each needs, which cannot be reverted').action(() =>
    run(async () => (await import('./commands/faults.js')).faultsCommand({ json: g().json }))(),
  );
  const collect = (v: string, prev: string[] = []) => [...prev, v];
  sub(program, 'inject <fault> <selector>', 'inject one fault (with its dead-man lease) on the selected nodes, hold it, then revert and verify')
    .option('--intensity <level>', 'low | medium | high preset')
    .option('-p, --param <name=value>', 'a fault parameter (value parsed as JSON when it can be); repeatable', collect)
    .option('--params-json <json>', 'all parameters as one JSON object')
    .option('-d, --duration <time>', 'how long to hold the fault before reverting (e.g. 30s, 2m)', '60s')
    .option('--lease-ttl <time>', 'dead-man lease: the node reverts by itself if not renewed for this long', '30s')
    .option('--approver <name>', 'second person approving a high-risk fault or prod targets (recorded in the audit)')
    .option('--commander <name>', 'who runs this (default: $USER)')
    .option('--allow-prod', 'allow targets tagged env: prod (still needs --approver)')
    .option('--max-nodes <n>', 'blast radius: refuse if the selector picks more nodes than this', '10')
    .option('--protect <selector>', 'a node name/glob/tag:x no fault may touch; repeatable', collect)
    .option('--workspace <dir>', 'workspace (audit file, control sockets)')
    .action((fault: string, selector: string, o: Record<string, unknown>) => run(async () => (await import('./commands/inject.js')).injectCommand(fault, selector, { ...g(), ...o }))());
  sub(program, 'stop', 'press STOP: revert every fault of the running runs of this workspace, from any terminal')
    .option('--run <id>', 'only this run')
    .option('--reason <text>', 'recorded in the audit', 'gameday stop')
    .option('--workspace <dir>', 'workspace')
    .action((o: { run?: string; reason?: string; workspace?: string }) => run(async () => (await import('./commands/stop.js')).stopCommand({ ...o, json: g().json }))());
  sub(program, 'cleanup [selector]', 'revert faults left by a console that died (from the audit); --scan also sweeps nodes for any trace and removes labelled Chaos Mesh objects')
    .option('--scan', 'also find and remove every trace this tool leaves on the nodes, known to the audit or not')
    .option('--dry-run', 'list what would be reverted or removed; change nothing')
    .option('--run <id>', 'only faults of this run')
    .option('--force-live', 'also remove runs whose leases are still being renewed (another console\'s live run); needs --approver')
    .option('--force-finalizer', 'Kubernetes: drop Chaos Mesh\'s finalizer on objects it cannot recover (ABANDONS their faults on the pods); needs --approver')
    .option('--approver <name>', 'second person approving --force-live or --force-finalizer (recorded in the audit)')
    .option('--workspace <dir>', 'workspace')
    .action((selector: string | undefined, o: Record<string, unknown>) => run(async () => (await import('./commands/cleanup.js')).cleanupCommand(selector, { ...g(), ...o }))());
  sub(program, 'preflight <selector>', 'check that the nodes can take the given faults: tools, root, kernel features, GPUs, disk, clock')
    .option('-f, --fault <kinds>', 'fault ids, comma-separated or repeated', collect)
    .option('--workspace <dir>', 'workspace whose live console or run lends its open connections (default: the usual one)')
    .action((selector: string, o: { fault?: string[]; workspace?: string }) => run(async () => (await import('./commands/preflight.js')).preflightCommand(selector, { ...g(), ...o }))());
  const audit = program.command('audit').description('the tamper-evident audit trail');
  sub(audit, 'verify', 'check the audit: hash chain, every event\'s HMAC, every row against the chain, the anchor (truncation, re-chaining); names what it checked')
    .option('--workspace <dir>', 'workspace')
    .option('--file <audit.sqlite>', 'a specific audit file (never created)')
    .option('--expect-head <seq:hash>', 'a head kept from the end of a run: it must still be in the chain, unchanged')
    .option('--key <file>', 'another user\'s audit key file, for the events they wrote; repeatable', collect)
    .option('--reanchor', 'accept the file as it is now when only the anchor disagrees (a backup restored on purpose); recorded in the audit')
    .action((o: { workspace?: string; file?: string; expectHead?: string; key?: string[]; reanchor?: boolean }) => run(async () => (await import('./commands/audit.js')).auditVerifyCommand({ ...o, json: g().json }))());
  sub(audit, 'export', 'write every event as JSON lines')
    .option('--workspace <dir>', 'workspace')
    .option('--file <audit.sqlite>', 'a specific audit file')
    .option('--run <id>', 'only this run')
    .option('-o, --output <file>', 'write here instead of stdout')
    .action((o: Record<string, string>) => run(async () => (await import('./commands/audit.js')).auditExportCommand(o))());

  const lab = program.command('lab').description('a local lab of SSH nodes in network namespaces (needs root)');
  sub(lab, 'up', 'create a lab: N nodes with real sshd, an HTTP service and GPU tool simulators')
    .option('-n, --nodes <n>', 'number of nodes', '4')
    .option('--id <id>', 'lab id, 5 characters [a-z0-9] (default: random)')
    .option('--bastion', 'add a bastion node for ProxyJump')
    .option('--inner <k>', 'add K nodes reachable only through the bastion')
    .action((o: { nodes?: string; id?: string; bastion?: boolean; inner?: string }) => run(async () => (await import('./commands/lab.js')).labUpCommand({ ...o, json: g().json }))());
  sub(lab, 'down [id]', 'remove a lab and everything it made')
    .option('--all', 'remove every lab')
    .action((id: string | undefined, o: { all?: boolean }) => run(async () => (await import('./commands/lab.js')).labDownCommand(id, o))());
  sub(lab, 'sim', 'the embedded SIMULATED lab: no root, no nodes; real SSH into simulated nodes until Ctrl-C')
    .option('--dir <dir>', 'lab folder (default: <workspace>/simlab)')
    .option('--seed <n>', 'seed of the simulated randomness')
    .action((o: { dir?: string; seed?: string }) => run(async () => (await import('./commands/simlab.js')).simlabCommand({ ...o, json: g().json }))());
  sub(lab, 'status', 'list labs that are up').action(() => run(async () => (await import('./commands/lab.js')).labStatusCommand({ json: g().json }))());

  // Every option's and argument's value is checked while argv is parsed (option-kinds.ts).
  return applyOptionKinds(program);
}

function globals(cmd: Command): Command {
  return cmd
    .option('-i, --inventory <file>', 'a gameday inventory, or an Ansible inventory (INI or YAML) as `ansible -i` takes (default: $GAMEDAY_INVENTORY, ./inventory.yaml, or the lab that is up)')
    .option('--sim', 'use the SIMULATED lab running for this workspace (`npm start`, `gameday lab sim`); `console --sim` starts one when none runs')
    .option('--ssh-config <file>', 'also read Host settings from this ssh_config file')
    .option('--trust-new', 'trust-on-first-use: accept and record host keys not yet in known_hosts (changed keys are still refused)')
    .option('--json', 'machine-readable output');
}

function pickGlobals(o: Record<string, unknown>): GlobalOpts {
  const out: GlobalOpts = {};
  if (typeof o.inventory === 'string') out.inventory = o.inventory;
  if (typeof o.sshConfig === 'string') out.sshConfig = o.sshConfig;
  if (o.trustNew === true) out.trustNew = true;
  if (o.json === true) out.json = true;
  if (o.sim === true) out.sim = true;
  return out;
}

/**
 * Entry point: parse argv, run, print expected failures plainly, return the exit code. `build` is
 * the program factory (tests wrap buildProgram to stop before an action runs).
 */
export async function main(argv: string[], build: typeof buildProgram = buildProgram): Promise<number> {
  let code: number = EXIT.OK;
  const program = build((c2) => (code = c2));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.INVALID_INPUT;
    if (e instanceof CliError) {
      process.stderr.write(`${c.red('error:')} ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
      return e.exitCode;
    }
    if (e instanceof SshError) {
      process.stderr.write(`${c.red('error:')} ${e.toPlain()}\n`);
      return EXIT.FAILED;
    }
    if (isAuditError(e)) {
      // A storage problem of this machine (audit locked, key unreadable, not an audit file): never a node's.
      process.stderr.write(`${c.red('error:')} ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
      return e instanceof AuditUnavailable ? EXIT.FAILED : EXIT.INVALID_INPUT;
    }
    const named = e as { name?: string; message?: string; hint?: string };
    if (named?.name === 'LabError' || named?.name === 'InventoryError' || named?.name === 'ControlDirError') {
      process.stderr.write(`${c.red('error:')} ${named.message}\n${named.hint ? `  hint: ${named.hint}\n` : ''}`);
      return EXIT.INVALID_INPUT;
    }
    process.stderr.write(`${c.red('internal error (a bug — please report it):')}\n${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.INTERNAL;
  }
}
