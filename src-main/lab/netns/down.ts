/**
 * Taking a lab down, completely and idempotently: every process living in its namespaces (sshd,
 * HTTP service, sessions and whatever they started), the namespaces (and with them their veth ends
 * and iptables rules), the bridge and host veths, the host route to the inner subnet, the lab folder,
 * and the sudoers drop-in when no lab is left. Works from lab.json or, for a half-created lab, from
 * the id alone.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertRoot, run } from './exec.js';
import { removeSudoersIfUnused } from './host.js';
import { defaultBaseDir, nsPrefix } from './plan.js';
import { namespacesWithPrefix, resolveLab } from './store.js';
import { LabError, type LabInfo } from './types.js';

/** How long processes get to exit after SIGTERM before SIGKILL (sshd and Node exit in milliseconds). */
const TERM_GRACE_MS = 3_000;
/** How long to wait for SIGKILLed processes to disappear. */
const KILL_WAIT_MS = 3_000;
const POLL_MS = 50;

/** Alive and not a zombie (a zombie has released its namespaces and only waits to be reaped). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids whose network namespace is one of `namespaces`, found by comparing nsfs inodes in /proc. */
function pidsInNamespaces(namespaces: string[]): number[] {
  const inodes = new Set<number>();
  for (const ns of namespaces) {
    try {
      inodes.add(statSync(`/run/netns/${ns}`).ino);
    } catch {
      // namespace vanished meanwhile
    }
  }
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const m = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/ns/net`));
      if (m && inodes.has(Number(m[1]))) pids.push(Number(entry));
    } catch {
      // process exited meanwhile
    }
  }
  return pids;
}

/** Pids from the lab's pid files whose command line still names the lab dir (guards against pid reuse). */
function pidsFromPidFiles(labDir: string): number[] {
  const nodesDir = join(labDir, 'nodes');
  if (!existsSync(nodesDir)) return [];
  const pids: number[] = [];
  for (const node of readdirSync(nodesDir)) {
    for (const file of ['sshd.pid', 'http.pid']) {
      try {
        const pid = Number(readFileSync(join(nodesDir, node, file), 'utf8').trim());
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (pid > 1 && cmdline.includes(labDir)) pids.push(pid);
      } catch {
        // no pid file or no such process
      }
    }
  }
  return pids;
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    left = left.filter(alive);
  }
  return left;
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** TERM, then KILL, every process of the lab; returns pids that survived both (should be none). */
async function killLabProcesses(namespaces: string[], labDir: string | null): Promise<number[]> {
  const pids = [...new Set([...pidsInNamespaces(namespaces), ...(labDir ? pidsFromPidFiles(labDir) : [])])];
  if (pids.length === 0) return [];
  signal(pids, 'SIGTERM');
  const stubborn = await waitGone(pids, TERM_GRACE_MS);
  signal(stubborn, 'SIGKILL');
  return waitGone(stubborn, KILL_WAIT_MS);
}

/** Host links of a lab: bridge `gdb<id>` and veths `gdv<id>…` (ids are fixed-length, so a prefix is exact). */
export async function labLinks(id: string): Promise<string[]> {
  const res = await run('ip', ['-o', 'link', 'show'], { allowFail: true });
  const names = [...res.stdout.matchAll(/^\d+: ([^:@\s]+)/gm)].map((m) => m[1] ?? '');
  return names.filter((n) => n === `gdb${id}` || n.startsWith(`gdv${id}`));
}

/** Unreachable routes to 10.252.X.0/24 whose lab bridge (10.251.X.1) is gone: leftovers of a crash. */
async function orphanInnerRoutes(): Promise<string[]> {
  const routes = await run('ip', ['-4', '-o', 'route', 'show', 'type', 'unreachable'], { allowFail: true });
  const addrs = (await run('ip', ['-4', '-o', 'addr', 'show'], { allowFail: true })).stdout;
  const out: string[] = [];
  for (const m of routes.stdout.matchAll(/unreachable (10\.252\.(\d+)\.0\/24)/g)) {
    if (!addrs.includes(`10.251.${m[2]}.1/24`)) out.push(m[1] ?? '');
  }
  return out;
}

/**
 * Take a lab down. Accepts a LabInfo, a lab.json path, a lab dir or an id (looked up under
 * `baseDir`). Safe to call twice, and on a lab whose bring-up died half way.
 */
export async function labDown(idOrInfo: string | LabInfo, opts: { baseDir?: string } = {}): Promise<void> {
  assertRoot();
  const { id, info } = resolveLab(idOrInfo, opts.baseDir);
  const labDir = info?.dir ?? join(resolve(opts.baseDir ?? defaultBaseDir()), id);

  const namespaces = await namespacesWithPrefix(nsPrefix(id));
  const survivors = await killLabProcesses(namespaces, existsSync(labDir) ? labDir : null);

  if (namespaces.length > 0) {
    // -force: keep going past a namespace that vanished meanwhile.
    await run('ip', ['-force', '-batch', '-'], { input: namespaces.map((ns) => `netns del ${ns}\n`).join(''), allowFail: true });
  }
  for (const link of await labLinks(id)) await run('ip', ['link', 'del', link], { allowFail: true });

  const routes = info?.innerSubnet ? [info.innerSubnet] : [];
  for (const r of [...routes, ...(await orphanInnerRoutes())]) {
    await run('ip', ['route', 'del', 'unreachable', r], { allowFail: true });
  }

  rmSync(labDir, { recursive: true, force: true });
  await removeSudoersIfUnused();

  const leftNs = await namespacesWithPrefix(nsPrefix(id));
  const leftLinks = await labLinks(id);
  if (survivors.length + leftNs.length + leftLinks.length > 0) {
    throw new LabError(
      'COMMAND_FAILED',
      `lab ${id} not fully removed: pids [${survivors.join(' ')}], namespaces [${leftNs.join(' ')}], links [${leftLinks.join(' ')}]`,
      'run `gameday lab down` again; check `ip netns pids <ns>` for stuck processes',
    );
  }
}
