/**
 * The on-disk layout of a simulated lab, the path mapping that gives each node its own /run/gameday,
 * data disk and /proc/loadavg, and the environment every simulated session gets.
 *
 * Commands from the console are real POSIX sh, run by the real /bin/sh; they are never parsed. A
 * confined node (sandbox/) has its folders mounted where the scripts expect them, so only /bin/sh
 * is mapped (to the shim that sources the prelude). An unconfined node (the fallback without
 * bubblewrap) gets a handful of absolute paths the fault scripts hard-code mapped into its folder
 * by plain text substitution of whole path words (see SANDBOXED); everything else it touches is
 * the real filesystem.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DATA_REL } from './tools/lib/disk.mjs';
import type { NodeSight } from './types.js';
import { SimLabError } from './types.js';

/** Paths that are safe unquoted in sh and in the substituted command text. */
const PLAIN = /^\/[A-Za-z0-9_.\/+-]*$/;

/**
 * Absolute paths the node-side scripts use that must be per node: the run dirs (leases,
 * watchdogs), the lab data disk, systemd's "booted" marker, the simulated /proc files, and
 * /bin/sh (so nested shells get the node's confined `kill`, see bin-dir.ts).
 */
const SANDBOXED = ['/run/gameday', '/tmp/gameday', '/var/lib/gameday-lab', '/run/systemd/system', '/proc/loadavg', '/proc/meminfo', '/bin/sh'];
const SANDBOX_RE = new RegExp(`(^|[^A-Za-z0-9_./-])(${SANDBOXED.map((p) => p.replace(/[./-]/g, '\\$&')).join('|')})(?![A-Za-z0-9_.-])`, 'g');

export interface LabLayout {
  /** The workspace folder as given. */
  dir: string;
  /** A plain (unquoted-safe) path to the same folder: itself, or a symlink in the temp folder. */
  base: string;
  /** Short id of this lab folder: marks its processes (GAMEDAY_SIM_LAB) without naming the folder. */
  id: string;
  /** sim/: bin/, libexec/, prelude.sh and etc/, shared read-only by every node. */
  sim: string;
  /** sim/etc: the nodes' passwd, group and hosts. */
  etc: string;
  bin: string;
  libexec: string;
  prelude: string;
  keys: string;
  inventory: string;
  knownHosts: string;
  clientKey: string;
}

export interface NodeLayout {
  root: string;
  state: string;
  home: string;
  tmp: string;
  data: string;
}

/** LabLayout.id of a lab folder (by its real path; the path as given once the folder is gone). */
export function labIdOf(dir: string): string {
  let real = resolve(dir);
  try {
    real = realpathSync(dir);
  } catch {
    /* removed already */
  }
  return createHash('sha256').update(real).digest('hex').slice(0, 16);
}

/** Lay out (and create) the workspace; a folder whose path needs quoting is reached through a plain symlink. */
export function labLayout(dir: string): LabLayout {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new SimLabError('BAD_DIR', `cannot create the simulated lab folder ${dir}: ${(e as Error).message}`);
  }
  const real = realpathSync(dir);
  let base = real;
  if (!PLAIN.test(real)) {
    const tmp = realpathSync(tmpdir());
    base = join(tmp, `gameday-sim-${createHash('sha256').update(real).digest('hex').slice(0, 12)}`);
    if (!PLAIN.test(base)) throw new SimLabError('BAD_DIR', `neither ${real} nor the temp folder ${tmp} is a plain path`, 'choose a folder whose path has only letters, digits and ._+-/');
    if (!existsSync(base) || !lstatSync(base).isSymbolicLink() || realpathSync(base) !== real) {
      rmSync(base, { force: true, recursive: false });
      symlinkSync(real, base);
    }
  }
  const sim = join(base, 'sim');
  return {
    dir,
    base,
    id: labIdOf(real),
    sim,
    etc: join(sim, 'etc'),
    bin: join(sim, 'bin'),
    libexec: join(sim, 'libexec'),
    prelude: join(sim, 'prelude.sh'),
    keys: join(base, 'keys'),
    inventory: join(real, 'inventory.yaml'),
    knownHosts: join(real, 'known_hosts'),
    clientKey: join(real, 'id_ed25519'),
  };
}

/**
 * A node's sandbox, "booted": run dirs, temp dirs and /proc files start empty (like tmpfs after a
 * reboot); the data disk and home survive restarts like a real disk.
 */
export function bootNode(lab: LabLayout, name: string): NodeLayout {
  const root = join(lab.base, 'nodes', name, 'root');
  const state = join(lab.base, 'nodes', name, 'state');
  for (const volatile of ['run', 'tmp', 'proc']) rmSync(join(root, volatile), { recursive: true, force: true });
  rmSync(state, { recursive: true, force: true });
  const n: NodeLayout = { root, state, home: join(root, 'root'), tmp: join(root, 'tmp'), data: join(root, DATA_REL) };
  for (const d of [state, n.home, n.tmp, n.data, join(root, 'run', 'systemd', 'system'), join(root, 'proc')]) mkdirSync(d, { recursive: true, mode: 0o755 });
  // The simulated /proc files exist from boot on (a confined node mounts them); the supervisor fills them.
  for (const f of ['loadavg', 'meminfo']) writeFileSync(join(root, 'proc', f), '');
  return n;
}

/**
 * Map the sandboxed absolute paths in a command to the node's own (whole path words only). For a
 * confined node (root "/") only /bin/sh changes: everything else already is where the command says.
 */
export function sandboxPaths(cmd: string, node: Pick<NodeLayout, 'root'>, lab: Pick<LabLayout, 'bin'>): string {
  return cmd.replace(SANDBOX_RE, (_m, pre: string, path: string) => `${pre}${path === '/bin/sh' ? join(lab.bin, 'sh') : join(node.root, path)}`);
}

export interface SessionInfo {
  name: string;
  ip: string;
  sshPort: number;
  gpu: 'amd' | 'nvidia' | 'none';
  /** Unique per node and lab run: marks every process the node starts (see tools/lib/procs.mjs). */
  token: string;
  client: { ip: string; port: number };
  /** LabLayout.id: lets a later start of the same lab find processes a crashed run left. */
  labId: string;
}

/**
 * The environment of every simulated session. Deliberately not the lab process's own: a node is
 * another machine, and the host user's PATH, HOME and secrets stay out of it.
 */
export function sessionEnv(sight: NodeSight, s: SessionInfo): Record<string, string> {
  return {
    PATH: `${sight.bin}:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin`,
    HOME: sight.home,
    TMPDIR: sight.tmp,
    USER: 'root',
    LOGNAME: 'root',
    SHELL: '/bin/sh',
    LANG: 'C.UTF-8',
    SSH_CONNECTION: `${s.client.ip} ${s.client.port} ${s.ip} ${s.sshPort}`,
    GAMEDAY_SIM: '1',
    GAMEDAY_SIM_NODE: s.token,
    GAMEDAY_SIM_NAME: s.name,
    GAMEDAY_SIM_IP: s.ip,
    GAMEDAY_SIM_LAB: `${s.labId}/${s.name}`,
    GAMEDAY_SIM_ROOT: sight.root,
    GAMEDAY_SIM_STATE: sight.state,
    GAMEDAY_SIM_BIN: sight.bin,
    GAMEDAY_SIM_PRELUDE: sight.prelude,
    GAMEDAY_SIM_TOOLS: sight.tools,
    GAMEDAY_SIM_NODE_BIN: sight.node,
    // The GPU simulators' state and vendor (src-main/lab/gpu-sim/README.md).
    GAMEDAY_LAB_NODE: s.name,
    GAMEDAY_LAB_STATE: sight.state,
    GAMEDAY_LAB_GPU: s.gpu,
    // Under Electron, process.execPath is the app binary: this makes it behave as plain Node.
    ELECTRON_RUN_AS_NODE: '1',
  };
}
