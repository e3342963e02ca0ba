/**
 * What a sandboxed simulated node sees (pure, apart from looking at how the host lays out /bin and
 * /lib): read-only system tools, a generated /etc, the lab's simulated tools at fixed /opt paths,
 * and its own folders at their natural places (/root, /tmp, /run, /var, /proc/loadavg ...). Nothing
 * else of the host is mounted: not the workspace, the repository, the home folder, the audit or
 * another node. Host paths never appear inside, so a node cannot even learn where they are.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Fixed in-sandbox paths of the lab-wide parts (the same in every node). The node-side programs
 * (simulated tools, GPU simulators, the labs' shared lock) sit under /opt/gameday/lab exactly as under
 * src-main/lab on the host, so their relative imports (../../shared/lock.mjs) resolve in both places.
 */
export const INSIDE = {
  sim: '/opt/gameday/sim',
  bin: '/opt/gameday/sim/bin',
  libexec: '/opt/gameday/sim/libexec',
  prelude: '/opt/gameday/sim/prelude.sh',
  etc: '/opt/gameday/sim/etc',
  tools: '/opt/gameday/lab/sim/tools',
  gpuSim: '/opt/gameday/lab/gpu-sim',
  shared: '/opt/gameday/lab/shared',
  nodeDir: '/opt/gameday/node',
  /** The node's simulated-kernel state (iptables.json, tc.json ...). */
  state: '/opt/gameday/state',
  home: '/root',
  tmp: '/tmp',
} as const;

/** One bwrap mount operation. `src` is a host path (or, for root, a path in the staging namespace). */
export type Mount =
  | { kind: 'ro' | 'rw' | 'ro-try'; src: string; dest: string }
  | { kind: 'symlink'; target: string; dest: string }
  | { kind: 'proc' | 'dev'; dest: string };

/** Host paths of the lab-wide parts a node needs. */
export interface LabSources {
  /** The lab's sim/ folder: bin/, libexec/, prelude.sh, etc/. */
  sim: string;
  /** src-main/lab/sim/tools (cli.mjs and lib/). */
  tools: string;
  /** src-main/lab/gpu-sim (bin/ and lib/ of the GPU simulators), when shipped. */
  gpuSim: string | null;
  /** src-main/lab/shared (plain Node modules both import, e.g. the lock). */
  shared: string;
  /** The Node binary that runs the tools (process.execPath). */
  nodeBinary: string;
}

/** Host paths of one node's own folders and files. */
export interface NodeSources {
  home: string;
  tmp: string;
  run: string;
  var: string;
  loadavg: string;
  meminfo: string;
  state: string;
}

/**
 * Plain Node is one file; anything else (Electron run as Node) needs the files beside it. Only
 * what the binary needs is mounted: the file, or its own folder.
 */
export function nodeBinaryMount(nodeBinary: string): { src: string; dest: string; inside: string } {
  const name = basename(nodeBinary);
  if (/^node(js)?$/.test(name)) return { src: nodeBinary, dest: `${INSIDE.nodeDir}/${name}`, inside: `${INSIDE.nodeDir}/${name}` };
  return { src: dirname(nodeBinary), dest: INSIDE.nodeDir, inside: `${INSIDE.nodeDir}/${name}` };
}

/** Top-level folders of a Linux root that hold programs and libraries: a symlink into /usr (merged /usr) or a folder. */
const SYSTEM_TOPS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

/**
 * Host /etc entries a node's programs read (dynamic loader, awk & co. via alternatives, time zone,
 * TLS roots, name-service switch). Users, groups and hosts come from the lab's own etc/ instead.
 */
const ETC_READ = ['alternatives', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'nsswitch.conf', 'resolv.conf', 'host.conf', 'gai.conf', 'protocols', 'services', 'ssl', 'ca-certificates', 'terminfo', 'os-release', 'mime.types', 'inputrc'];
/** Generated per lab (bin-dir.ts): a node's own identity files. */
export const ETC_OWN = ['passwd', 'group', 'hosts'];

/** /usr read-only, /bin /lib ... as on the host, a private /proc and a minimal /dev. */
export function systemMounts(root = '/'): Mount[] {
  const out: Mount[] = [{ kind: 'ro', src: '/usr', dest: '/usr' }];
  for (const top of SYSTEM_TOPS) {
    const p = `${root}${top}`;
    try {
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.push({ kind: 'symlink', target: readlinkSync(p), dest: `/${top}` });
      else if (st.isDirectory()) out.push({ kind: 'ro', src: `/${top}`, dest: `/${top}` });
    } catch {
      /* not on this system */
    }
  }
  for (const e of ETC_READ) out.push({ kind: 'ro-try', src: `/etc/${e}`, dest: `/etc/${e}` });
  out.push({ kind: 'proc', dest: '/proc' }, { kind: 'dev', dest: '/dev' });
  return out;
}

/** The lab-wide parts, read-only, at their INSIDE paths. */
export function labMounts(s: LabSources): Mount[] {
  const nb = nodeBinaryMount(s.nodeBinary);
  const out: Mount[] = [
    { kind: 'ro', src: s.sim, dest: INSIDE.sim },
    { kind: 'ro', src: s.tools, dest: INSIDE.tools },
    { kind: 'ro', src: s.shared, dest: INSIDE.shared },
    { kind: 'ro', src: nb.src, dest: nb.dest },
  ];
  if (s.gpuSim) out.push({ kind: 'ro', src: s.gpuSim, dest: INSIDE.gpuSim });
  for (const e of ETC_OWN) out.push({ kind: 'ro', src: `${s.sim}/etc/${e}`, dest: `/etc/${e}` });
  return out;
}

/**
 * The node's own folders, writable, where a real machine has them. /proc/loadavg and /proc/meminfo
 * are the simulated ones (read-only files over the private /proc), so `uptime`, `free` and a
 * trainee's `cat /proc/loadavg` see the node's load, not the laptop's.
 */
export function nodeMounts(s: NodeSources): Mount[] {
  return [
    { kind: 'rw', src: s.home, dest: INSIDE.home },
    { kind: 'rw', src: s.tmp, dest: INSIDE.tmp },
    { kind: 'rw', src: s.run, dest: '/run' },
    { kind: 'rw', src: s.var, dest: '/var' },
    { kind: 'rw', src: s.state, dest: INSIDE.state },
    { kind: 'ro', src: s.loadavg, dest: '/proc/loadavg' },
    { kind: 'ro', src: s.meminfo, dest: '/proc/meminfo' },
  ];
}

const BIND_OPT = { rw: '--bind', ro: '--ro-bind', 'ro-try': '--ro-bind-try' } as const;

/** bwrap options for a mount list (order matters: /proc before the files bound over it). */
export function bwrapMountArgs(mounts: Mount[]): string[] {
  const a: string[] = [];
  for (const m of mounts) {
    if (m.kind === 'symlink') a.push('--symlink', m.target, m.dest);
    else if ('src' in m) a.push(BIND_OPT[m.kind], m.src, m.dest);
    else a.push(`--${m.kind}`, m.dest);
  }
  return a;
}
