/**
 * One simulated node confined by bubblewrap. At start an "init" sandbox creates the node's user,
 * PID, IPC and UTS namespaces (its pid 1 is bwrap's reaper, so orphans such as lease watchdogs are
 * reaped like on a real machine); every later command of the node (SSH exec, interactive shell, the
 * lab's own service starts) is a new bwrap that joins those user and PID namespaces and mounts the
 * same view (mounts.ts). So all of a node's processes see each other and nothing else, as uid 0 of
 * the node's user namespace: on the host that is the console's own uid, or nobody when the console
 * is root (stage.ts), with every capability dropped.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { NodeProcs } from '../node-procs.js';
import { bwrapMountArgs, INSIDE, type Mount } from './mounts.js';
import type { Stage } from './stage.js';

/** How long bwrap may take to set a node up (a few dozen mounts; seconds only on a loaded machine). */
const START_MS = 20_000;

/** How long a node may take to go down (pid 1 waits for every process of the node to be reaped; longer on a loaded machine). */
const SHUTDOWN_MS = 5000;

/** Close every descriptor above stderr the launch chain used (bwrap's args/info fds, the namespace fds), then run. */
const CLOSE_FDS = 'exec 3<&- 4<&- 5<&- 6<&- 7<&- 8<&- 9<&-; exec "$@"';

export interface NodeSandboxOptions {
  bwrap: string;
  /** Root only: the staging namespace to start bwrap in, as nobody. */
  stage: Stage | null;
  /** The node's view (stage paths as sources when staged). */
  mounts: Mount[];
  hostname: string;
  /** The init's environment (carries the node's process token, so host-side scans find it). */
  env: Record<string, string>;
  /** The init's command inside (sleeps for the node's lifetime). */
  initArgv: string[];
}

export interface SandboxSpawnOptions {
  env: Record<string, string>;
  stdio?: ['pipe' | 'ignore', 'pipe' | 'ignore', 'pipe' | 'ignore'];
}

/** A command started in the node; `hostPid` resolves once bwrap reported it (undefined if it failed first). */
export interface SandboxedChild {
  child: ChildProcess;
  hostPid: Promise<number | undefined>;
}

interface Launched {
  child: ChildProcess;
  info: Promise<{ 'child-pid'?: number } | null>;
}

export class NodeSandbox {
  private disposed = false;
  readonly procs: NodeProcs;

  private constructor(
    private readonly o: NodeSandboxOptions,
    private readonly init: ChildProcess,
    /** Host pid of the node's pid 1. */
    readonly initPid: number,
    private readonly userns: number,
    private readonly pidns: number,
  ) {
    this.procs = new SandboxProcs(initPid, readlinkSync(`/proc/${initPid}/ns/pid`));
  }

  static async start(o: NodeSandboxOptions): Promise<NodeSandbox> {
    const opts = ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', ...common(o)];
    const { child, info } = launch(o, opts, o.initArgv, o.env, ['ignore', 'ignore', 'pipe'], []);
    let err = '';
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    let timer: NodeJS.Timeout | undefined;
    const i = await Promise.race([info, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), START_MS)))]);
    clearTimeout(timer);
    const pid = i?.['child-pid'];
    if (!pid) {
      child.kill('SIGKILL');
      throw new Error(`bwrap could not start node ${o.hostname}: ${err.trim() || 'no answer'}`);
    }
    const userns = openSync(`/proc/${pid}/ns/user`, 'r');
    const pidns = openSync(`/proc/${pid}/ns/pid`, 'r');
    return new NodeSandbox(o, child, pid, userns, pidns);
  }

  /** Run argv (a path inside the node) in the node's namespaces with its view. */
  spawn(argv: string[], so: SandboxSpawnOptions): SandboxedChild {
    if (this.disposed) throw new Error(`node ${this.o.hostname} is shut down`);
    const opts = ['--userns', '5', '--pidns', '6', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', ...common(this.o)];
    const { child, info } = launch(this.o, opts, ['/bin/sh', '-c', CLOSE_FDS, 'sh', ...argv], so.env, so.stdio ?? ['pipe', 'pipe', 'pipe'], [this.userns, this.pidns]);
    return { child, hostPid: info.then((i) => i?.['child-pid']) };
  }

  /** Is the node still up (its pid 1 alive)? */
  get alive(): boolean {
    return !this.disposed && this.init.exitCode === null && this.init.signalCode === null;
  }

  /**
   * Power off: pid 1 dies, and the kernel kills every process of the node's PID namespace with it
   * (pid 1 is reaped only after all of them are). Its parent, the bwrap launcher, then exits and
   * this process reaps it. Resolves once it has, or after SHUTDOWN_MS (then the launcher is killed).
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const exited = this.init.exitCode !== null || this.init.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => this.init.once('exit', () => r()));
    try {
      process.kill(this.initPid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    for (const fd of [this.userns, this.pidns]) closeSync(fd);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, SHUTDOWN_MS)))]);
    clearTimeout(timer);
    this.init.kill('SIGKILL');
  }
}

/** Options both the init and every command get. */
function common(o: NodeSandboxOptions): string[] {
  return ['--hostname', o.hostname, '--uid', '0', '--gid', '0', '--cap-drop', 'ALL', '--cap-add', 'CAP_SYS_TIME', '--die-with-parent', '--new-session', '--info-fd', '4', ...bwrapMountArgs(o.mounts), '--chdir', INSIDE.home];
}

/**
 * Start bwrap (through the staging prefix when root). Options go through --args (fd 3) so the
 * node's `ps` never shows host paths; bwrap writes the command's host pid to fd 4; fds 5 and 6 are
 * the node's user and PID namespaces for commands that join them.
 */
function launch(o: NodeSandboxOptions, opts: string[], argv: string[], env: Record<string, string>, std: Array<'pipe' | 'ignore'>, nsFds: number[]): Launched {
  const cmd = [...(o.stage?.prefix() ?? []), o.bwrap, '--args', '3', '--', ...argv];
  const stdio: StdioOptions = [...std, 'pipe', 'pipe', ...nsFds];
  const child = spawn(cmd[0]!, cmd.slice(1), { env, stdio });
  const args = child.stdio[3] as Writable;
  args.on('error', () => undefined);
  args.end(`${opts.join('\0')}\0`);
  const infoStream = child.stdio[4] as Readable;
  const info = new Promise<{ 'child-pid'?: number } | null>((resolve) => {
    let text = '';
    infoStream.on('data', (b: Buffer) => (text += b.toString()));
    infoStream.on('error', () => resolve(null));
    infoStream.on('close', () => {
      try {
        resolve(JSON.parse(text) as { 'child-pid'?: number });
      } catch {
        resolve(null);
      }
    });
  });
  child.on('error', () => undefined);
  return { child, info };
}

/** The pid a host process has in its own (innermost) PID namespace, from its NSpid line. */
export function nodePidOf(hostPid: number): number | undefined {
  try {
    const ns = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${hostPid}/status`, 'utf8'))?.[1]?.trim().split(/\s+/);
    const last = Number(ns?.[ns.length - 1]);
    return last > 0 ? last : undefined;
  } catch {
    return undefined;
  }
}

/** A sandboxed node's pids, read through its own /proc (its pid 1's root), as the host. */
class SandboxProcs implements NodeProcs {
  constructor(
    private readonly initPid: number,
    private readonly pidns: string,
  ) {}

  state(pid: number): string {
    if (!Number.isInteger(pid) || pid <= 0) return '';
    try {
      const st = readFileSync(`/proc/${this.initPid}/root/proc/${pid}/stat`, 'utf8');
      return st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3);
    } catch {
      return '';
    }
  }

  alive(pid: number): boolean {
    const s = this.state(pid);
    return s !== '' && s !== 'Z' && s !== 'X';
  }

  /** Every process in the node's PID namespace is the node's. */
  mine(pid: number): boolean {
    return this.alive(pid);
  }

  kill(pid: number, signal: NodeJS.Signals): boolean {
    const host = this.hostPid(pid);
    if (!host) return false;
    try {
      process.kill(host, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** The host pid of the node's pid (its NSpid line names both), or 0. */
  private hostPid(pid: number): number {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (readlinkSync(`/proc/${d}/ns/pid`) === this.pidns && nodePidOf(Number(d)) === pid) return Number(d);
      } catch {
        /* exited meanwhile */
      }
    }
    return 0;
  }
}
