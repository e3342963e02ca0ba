/**
 * A node of its own, for whole-node sweeps (`cleanup NODE --scan` with no --run). The shared lab's
 * nodes share the host's /proc and /run/gameday with each other and with every other test, so a
 * node-wide sweep there would reach other runs; this node shares only the lab bridge:
 *  - its own network namespace (a veth on the lab bridge, an address of the lab subnet), named with
 *    the lab's prefix so `labDown` removes it (and kills its processes) if a test dies;
 *  - its own pid namespace, sshd its PID 1 (it reaps orphans): its /proc shows its processes only;
 *  - its own mounts: empty tmpfs at /run/gameday, /tmp and the lab data dir (a 16 MB "data disk").
 * Sessions log in as gdlab, a non-root user with passwordless `sudo -n` (the lab's sudoers drop-in),
 * as on a node the project did not set up. Host key, authorized_keys and home live in a folder
 * outside /tmp (which the node does not see).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run } from '../../../src-main/lab/netns/exec.js';
import { labPath, SUDO_USER } from '../../../src-main/lab/netns/files.js';
import { nsPrefix } from '../../../src-main/lab/netns/plan.js';
import type { LabInfo } from '../../../src-main/lab/index.js';

/** A running isolated node. */
export interface IsoNode {
  name: string;
  ns: string;
  ip: string;
  /** Inventory with this one node (user gdlab, the lab's key, its own known_hosts). */
  inventoryPath: string;
  /** Host pid of the node's sshd (its PID 1): nsenter -t <it> sees the node as it sees itself. */
  sshdPid(): number;
  /** A command inside the node (its network, pid and mount namespaces), as root. */
  exec(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Shell text run by sh inside the node. */
  sh(script: string): Promise<string>;
  close(): Promise<void>;
}

const waitPort = async (ns: string, ip: string, port: number, ms: number) => {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect({ host: ip, port });
      const done = (v: boolean) => (s.destroy(), res(v));
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
      s.setTimeout(1000, () => done(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`iso node ${ns}: nothing on ${ip}:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** The one child of `pid` (unshare --fork's child is the namespace's PID 1). */
function childOf(pid: number): number | undefined {
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(st.slice(st.lastIndexOf(') ') + 2).split(' ')[1]) === pid) return Number(d);
    } catch {
      /* gone */
    }
  }
  return undefined;
}

/** Bring up an isolated node on `lab`'s bridge; `close()` kills everything in it and removes it. */
export async function startIsoNode(lab: LabInfo, name = 'iso'): Promise<IsoNode> {
  const tag = randomBytes(2).toString('hex');
  const ns = `${nsPrefix(lab.id)}iso${tag}`;
  const veth = `gdi${lab.id.slice(0, 5)}${tag}`.slice(0, 15);
  const ip = lab.subnet.replace(/\.0\/24$/, `.${200 + (parseInt(tag, 16) % 50)}`);
  const dir = `/var/tmp/gd-iso-${lab.id}-${tag}`;
  mkdirSync(join(dir, 'home'), { recursive: true });
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'home'), 0o1777);
  copyFileSync(join(lab.dir, 'authorized_keys'), join(dir, 'authorized_keys'));
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `gameday-iso ${name}`, '-f', join(dir, 'host_key')]);
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `ListenAddress ${ip}:22`,
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no', 'UsePAM no', 'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes', 'PrintMotd no', 'PrintLastLog no',
      `SetEnv PATH=${labPath(lab.repoDir)} HOME=${join(dir, 'home')}`,
      '',
    ].join('\n'),
  );
  await run('ip', ['netns', 'add', ns]);
  await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await run('ip', ['link', 'set', veth, 'master', lab.bridge, 'up']);
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  await run('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
  await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  const boot = [
    'set -e',
    'mount -t tmpfs -o mode=0755 gdiso-run /run/gameday',
    'mount -t tmpfs -o mode=1777 gdiso-tmp /tmp',
    'mount -t tmpfs -o size=16m,mode=1777 gdiso-data /var/lib/gameday-lab/data',
    `exec /usr/sbin/sshd -D -f ${dir}/sshd_config -E ${dir}/sshd.log`,
  ].join('\n');
  mkdirSync('/var/lib/gameday-lab/data', { recursive: true });
  const child: ChildProcess = spawn('ip', ['netns', 'exec', ns, 'unshare', '--pid', '--fork', '--mount-proc', '--mount', '--propagation', 'private', 'sh', '-c', boot], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  try {
    await waitPort(ns, ip, 22, 20_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}: ${err}`);
  }
  const hostKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `${ip} ${hostKey}\n`);
  const inventoryPath = join(dir, 'inventory.yaml');
  writeFileSync(
    inventoryPath,
    stringify({
      version: 1,
      ssh: { config: false, knownHosts: join(dir, 'known_hosts'), trustOnFirstUse: false },
      defaults: { user: SUDO_USER, port: 22, identity: lab.keyPath, env: 'lab', gpu: 'none' },
      nodes: [{ name, host: ip, tags: ['lab', 'iso'] }],
    }),
  );
  const sshdPid = () => {
    const p = childOf(child.pid!);
    if (!p) throw new Error(`iso node ${name}: sshd is gone (${err})`);
    return p;
  };
  const exec = (cmd: string, args: string[]) => run('nsenter', ['-t', String(sshdPid()), '-n', '-p', '-m', cmd, ...args], { allowFail: true });
  return {
    name,
    ns,
    ip,
    inventoryPath,
    sshdPid,
    exec,
    sh: async (script) => (await exec('sh', ['-c', script])).stdout,
    async close() {
      // SIGKILL to a pid namespace's init kills every process in it.
      try {
        process.kill(sshdPid(), 'SIGKILL');
      } catch {
        /* already gone */
      }
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
      await run('ip', ['netns', 'del', ns], { allowFail: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
