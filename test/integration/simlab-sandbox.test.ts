/**
 * A simulated node is a simulated node, not the console's machine (issue 11 §2). From a trainee's
 * interactive shell (through the real bridge and console service) and from the exec path every fault
 * script takes, on the embedded simulated lab:
 *
 * - the runbook files, the workspace and its audit, the lab's SSH key, the console user's $HOME,
 *   another node's state and the console's processes cannot be read; a write to /tmp lands in the
 *   node's own /tmp, never the host's;
 * - seen from the host (its own /proc, not the product's word): every process of the node, the
 *   fault's stress-ng and lease watchdog included, runs in the node's own PID namespace as nobody
 *   (the console here is root), and the fault still injects and reverts;
 * - run as an ordinary user (useradd), the lab is confined the same way and its nodes run as that
 *   user, never root;
 * - without bubblewrap (forced with GAMEDAY_SIM_SANDBOX=off) the lab says why, interactive shells
 *   are refused with a plain message, and faults still run.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../src-main/bridge/index.js';
import { consoleServiceOptions } from '../../src-main/console/index.js';
import { FaultManager } from '../../src-main/engine/fault-manager.js';
import { createConsoleService, type ConsoleService } from '../../src-main/console/console-service.js';
import { loadInventory, toConnectSpec } from '../../src-main/inventory/index.js';
import { labProcesses, startSimLab, type SimLab } from '../../src-main/lab/index.js';
import { SshPool } from '../../src-main/ssh/index.js';
import { Shell } from '../../src-main/shell/index.js';
import { openClient, type TestClient } from '../helpers/bridge-client.js';
import { BIN } from './helpers/engine-cli.js';

const RUNBOOK = 'drill-api-mystery-loss.yaml';
const REPO = process.cwd();
const NOBODY_UID = 65534;
const BWRAP = '/usr/bin/bwrap';

/** Paths of the console's machine a node must not reach, by name. */
interface Secrets {
  runbook: string;
  scenarios: string;
  workspace: string;
  audit: string;
  labKey: string;
  home: string;
  otherNode: string;
  consolePid: number;
  /** A word in that process's command line (and in no process of a node). */
  consoleMark: string;
  hostTmp: string;
}

/**
 * One line per attempt: `name=denied` when it failed, `name=LEAK` when it worked. Each is one
 * interactive-shell line too. The last writes /tmp inside (it works: the node's own /tmp); the
 * host's /tmp is checked from outside.
 */
function probeLines(s: Secrets): string[] {
  return [
    `r() { if eval "$2" >/dev/null 2>&1; then echo "$1=LEAK"; else echo "$1=denied"; fi; }`,
    `r runbook "cat '${s.runbook}'"`,
    `r answer "grep -rq answer '${s.scenarios}'"`,
    `r workspace "ls '${s.workspace}'"`,
    `r audit "head -c 16 '${s.audit}'"`,
    `r labkey "cat '${s.labKey}'"`,
    `r home "cat '${s.home}'"`,
    `r othernode "cat '${s.otherNode}'"`,
    // The mark is spelled with an octal escape: the probe's own command line must not contain it.
    `mark=$(printf '\\${s.consoleMark.charCodeAt(0).toString(8)}%s' '${s.consoleMark.slice(1)}')`,
    `r consoleproc 'tr "\\0" " " < /proc/${s.consolePid}/cmdline | grep -q "$mark"'`,
    // (ps into a string first: a grep in the pipe would list its own argument.)
    `r consoleps 'case "$(ps -eo args)" in *"$mark"*) true ;; *) false ;; esac'`,
    `r hostroot "test -e /etc/shadow"`,
    `echo x > '${s.hostTmp}' && echo tmpinside=written`,
  ];
}
const PROBE_NAMES = ['runbook', 'answer', 'workspace', 'audit', 'labkey', 'home', 'othernode', 'consoleproc', 'consoleps', 'hostroot'];

function parseProbe(out: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const m of out.replace(/\r/g, '').matchAll(/^(\w+)=(denied|LEAK)$/gm)) r[m[1]!] = m[2]!;
  return r;
}

const allDenied = Object.fromEntries(PROBE_NAMES.map((n) => [n, 'denied']));

/** Host view of a process: its uid and whether it shares the host's PID namespace. */
function hostView(pid: number): { uid: number; hostPidns: boolean } | null {
  try {
    const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    return { uid, hostPidns: readlinkSync(`/proc/${pid}/ns/pid`) === readlinkSync('/proc/self/ns/pid') };
  } catch {
    return null;
  }
}

/** The host views of every live process of one node of the lab in dir (by its GAMEDAY_SIM_LAB marker). */
function nodeProcs(dir: string, node: string): Array<{ pid: number; cmd: string; uid: number; hostPidns: boolean }> {
  return labProcesses(dir)
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').some((e) => e.startsWith('GAMEDAY_SIM_LAB=') && e.endsWith(`/${node}`));
      } catch {
        return false;
      }
    })
    .flatMap((pid) => {
      const v = hostView(pid);
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        return [];
      }
      return v ? [{ pid, cmd, ...v }] : [];
    });
}

/**
 * Every process of the node runs as `uid` and, except the bwrap launchers themselves (outside, by
 * design: they set the sandbox up), in a PID namespace that is not the host's.
 */
function expectConfined(procs: ReturnType<typeof nodeProcs>, uid: number): void {
  const inside = procs.filter((p) => !p.cmd.startsWith(`${BWRAP} `));
  expect(inside.length).toBeGreaterThan(0);
  for (const p of procs) expect(p, p.cmd).toMatchObject({ uid });
  for (const p of inside) expect(p, p.cmd).toMatchObject({ hostPidns: false });
}

function secretsFor(lab: SimLab, workspace: string, labDir: string, home: string): Secrets {
  return {
    runbook: join(REPO, 'scenarios', RUNBOOK),
    scenarios: join(REPO, 'scenarios'),
    workspace,
    audit: join(workspace, 'audit.sqlite'),
    labKey: join(labDir, 'id_ed25519'),
    home,
    otherNode: join(lab.nodes.find((n) => n.name === 'node02')!.stateDir, 'node.json'),
    consolePid: process.pid,
    consoleMark: 'vitest',
    hostTmp: join('/tmp', `gd-sandbox-${randomBytes(6).toString('hex')}`),
  };
}

describe('confined simulated nodes (console as root)', () => {
  let workspace: string;
  let labDir: string;
  let sim: SimLab;
  let service: ConsoleService;
  let bridge: Bridge;
  let trainee: TestClient;
  let pool: SshPool;
  let secrets: Secrets;
  const homeFile = join(homedir(), `.gd-sandbox-probe-${randomBytes(6).toString('hex')}`);
  const spec = (name: string) => {
    const inv = loadInventory(sim.inventoryPath);
    return toConnectSpec(inv, inv.nodes.find((n) => n.name === name)!);
  };

  beforeAll(async () => {
    expect(process.getuid?.()).toBe(0);
    workspace = mkdtempSync(join(tmpdir(), 'gd-sandbox-'));
    const scenariosDir = join(workspace, 'scenarios');
    mkdirSync(scenariosDir);
    copyFileSync(join(REPO, 'scenarios', RUNBOOK), join(scenariosDir, RUNBOOK));
    writeFileSync(homeFile, 'console user secret\n');
    labDir = join(workspace, 'simlab');
    sim = await startSimLab({ dir: labDir });
    service = createConsoleService(consoleServiceOptions({ workspace, inventory: sim.inventoryPath, scenariosDir, simulated: true }));
    bridge = await startBridge({ backend: service });
    trainee = await openClient(bridge.port, new URL(bridge.traineeUrl).searchParams.get('token')!);
    pool = new SshPool();
    secrets = secretsFor(sim, workspace, labDir, homeFile);
    expect(existsSync(secrets.audit)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    trainee?.close();
    await pool?.dispose();
    await bridge?.close();
    await service?.dispose();
    await sim?.close();
    rmSync(homeFile, { force: true });
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('the lab says its nodes are confined', () => {
    expect(sim.confined).toBe(true);
    expect(sim.warnings).toEqual([]);
    expect(sim.nodes.every((n) => n.confined)).toBe(true);
  });

  it("a trainee's shell on node01 reaches nothing of the console's machine, and runs as nobody in the node's own PID namespace", async () => {
    const opened = (await trainee.call('shell.open', { node: 'node01', cols: 200, rows: 50 })) as { ok: boolean; value: { shellId: string } };
    expect(opened.ok).toBe(true);
    const id = opened.value.shellId;
    const output = () => trainee.events.filter((e) => e.type === 'shell.output' && e.shellId === id).map((e) => (e as { data: string }).data).join('');
    // One line at a time, each finished before the next is typed (no echo mixed into the answers).
    const lines = [...probeLines(secrets), 'id -u; hostname'];
    for (const [i, line] of lines.entries()) {
      const done = trainee.nextEvent((e) => e.type === 'shell.output' && e.shellId === id && output().includes(`step-${i}-done`));
      await trainee.call('shell.input', { shellId: id, data: `${line}; echo step-${i}-"done"\n` });
      await done;
    }
    // While the shell is open, look at its processes from the host.
    const procs = nodeProcs(labDir, 'node01');
    const shells = procs.filter((p) => / -i\b/.test(p.cmd));
    expect(shells.length).toBeGreaterThan(0);
    expectConfined(procs, NOBODY_UID);
    await trainee.call('shell.close', { shellId: id });
    expect(parseProbe(output())).toEqual(allDenied);
    expect(output()).toMatch(/^0\r?$/m); // root of its own user namespace ...
    expect(output()).toMatch(/^node01\r?$/m);
    expect(output()).toMatch(/^tmpinside=written\r?$/m); // ... whose /tmp is the node's:
    expect(existsSync(secrets.hostTmp)).toBe(false);
  }, 60_000);

  it('the exec path of every fault script is confined the same way; a real fault still injects and reverts', async () => {
    const r = await pool.exec(spec('node01'), Shell.raw(`${probeLines(secrets).join('\n')}\nls /proc | grep -c '^[0-9]'`));
    expect(parseProbe(r.stdout)).toEqual(allDenied);
    expect(r.stdout).toMatch(/^tmpinside=written$/m);
    expect(Number(r.stdout.trim().split('\n').pop())).toBeLessThan(30); // its own /proc: a handful of processes, not the host's
    expect(existsSync(secrets.hostTmp)).toBe(false);
    const fm = new FaultManager(pool, undefined, 'sandbox-fault', 30);
    try {
      const [out] = await fm.inject({ kind: 'cpu-stress', params: { workers: 1, loadPercent: 50 }, approver: 'dee', targets: [{ name: 'node01', host: sim.nodes[0]!.host, env: 'lab', tags: ['lab'], gpu: 'none', spec: spec('node01') }] });
      expect(out, JSON.stringify(out)).toMatchObject({ ok: true });
      // The fault's own processes (stress-ng, the lease watchdog), seen from the host.
      const procs = nodeProcs(labDir, 'node01');
      expect(procs.some((p) => /stress-ng/.test(p.cmd)), procs.map((p) => p.cmd).join('\n')).toBe(true);
      expectConfined(procs, NOBODY_UID);
      for (const f of fm.live()) await fm.revertOne(f);
      expect([...fm.faults.values()].map((f) => f.state)).toEqual(['reverted']);
      await expect.poll(() => nodeProcs(labDir, 'node01').filter((p) => /stress-ng/.test(p.cmd)).length, { timeout: 10_000 }).toBe(0);
    } finally {
      fm.dispose();
    }
  }, 60_000);
});

describe('confined simulated nodes (console as an ordinary user)', () => {
  const USER = 'gdsandbox';
  let uid: number;
  let gid: number;
  let home: string;
  let dir: string;
  let child: ChildProcess | undefined;
  let info: SimLab & { inventoryPath: string };
  let pool: SshPool;

  beforeAll(async () => {
    try {
      execFileSync('id', ['-u', USER], { stdio: 'ignore' });
    } catch {
      execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', USER]);
    }
    uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
    home = execFileSync('sh', ['-c', `getent passwd ${USER} | cut -d: -f6`], { encoding: 'utf8' }).trim();
    writeFileSync(join(home, '.gd-secret'), 'user secret\n');
    chownSync(join(home, '.gd-secret'), uid, gid);
    dir = mkdtempSync(join(tmpdir(), 'gd-sandbox-user-'));
    chownSync(dir, uid, gid);
    child = spawn('node', [BIN, 'lab', 'sim', '--dir', join(dir, 'lab'), '--json'], { uid, gid, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    info = await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`lab as ${USER} did not start: ${out}\n${err}`)), 60_000);
      child!.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        try {
          resolve(JSON.parse(out) as SimLab);
          clearTimeout(t);
        } catch {
          /* not complete yet */
        }
      });
      child!.on('close', (code) => reject(new Error(`lab as ${USER} exited ${code}: ${err}`)));
    });
    pool = new SshPool();
  }, 120_000);

  afterAll(async () => {
    await pool?.dispose();
    if (child && child.exitCode === null) {
      const closed = new Promise((r) => child!.once('close', r));
      child.kill('SIGTERM');
      await closed;
    }
    if (dir) expect(labProcesses(join(dir, 'lab'))).toEqual([]);
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (home) rmSync(join(home, '.gd-secret'), { force: true });
  });

  it("its nodes run as that user in their own namespaces and cannot read the user's files", async () => {
    expect(info.warnings).toEqual([]);
    expect(info.nodes.every((n) => n.confined)).toBe(true);
    const inv = loadInventory(info.inventoryPath);
    const node = (n: string) => toConnectSpec(inv, inv.nodes.find((x) => x.name === n)!);
    const s: Secrets = {
      runbook: join(REPO, 'scenarios', RUNBOOK),
      scenarios: join(REPO, 'scenarios'),
      workspace: dir,
      audit: join(dir, 'lab', 'inventory.yaml'), // a workspace file (this lab has no console, so no audit)
      labKey: join(dir, 'lab', 'id_ed25519'),
      home: join(home, '.gd-secret'),
      otherNode: join(info.nodes.find((n) => n.name === 'node02')!.stateDir, 'node.json'),
      consolePid: child!.pid!,
      consoleMark: 'gameday.mjs',
      hostTmp: join('/tmp', `gd-sandbox-${randomBytes(6).toString('hex')}`),
    };
    const r = await pool.exec(node('node01'), Shell.raw(`${probeLines(s).join('\n')}\nid -u; sleep 2 & wait`));
    expect(parseProbe(r.stdout)).toEqual(allDenied);
    expect(r.stdout).toMatch(/^0$/m);
    expect(existsSync(s.hostTmp)).toBe(false);
    const procs = nodeProcs(join(dir, 'lab'), 'node01');
    expect(procs.length).toBeGreaterThan(0);
    expectConfined(procs, uid);
    // The shipped runbooks' tools work there: a fault's simulated iptables, as the user.
    expect((await pool.exec(node('node03'), Shell.raw('iptables -A INPUT -j DROP && iptables -S INPUT && iptables -F INPUT'))).stdout).toBe('-P INPUT ACCEPT\n-A INPUT -j DROP\n');
  }, 60_000);
});

describe('without bubblewrap (GAMEDAY_SIM_SANDBOX=off)', () => {
  let dir: string;
  let sim: SimLab;
  let pool: SshPool;

  beforeAll(async () => {
    process.env.GAMEDAY_SIM_SANDBOX = 'off';
    try {
      dir = mkdtempSync(join(tmpdir(), 'gd-sandbox-off-'));
      sim = await startSimLab({ dir });
    } finally {
      delete process.env.GAMEDAY_SIM_SANDBOX;
    }
    pool = new SshPool();
  }, 60_000);

  afterAll(async () => {
    await pool?.dispose();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says why, refuses interactive shells with a plain message, and still runs commands', async () => {
    expect(sim.confined).toBe(false);
    expect(sim.warnings.join('\n')).toMatch(/GAMEDAY_SIM_SANDBOX=off.*Interactive shells on simulated nodes are off; faults and runbook commands still run/s);
    const inv = loadInventory(sim.inventoryPath);
    const node = toConnectSpec(inv, inv.nodes.find((n) => n.name === 'node01')!);
    const ch = await pool.shell(node, { cols: 80, rows: 24 });
    let text = '';
    ch.on('data', (b: Buffer) => (text += b.toString()));
    ch.stderr.on('data', (b: Buffer) => (text += b.toString()));
    const code = await new Promise<number | null>((r) => ch.on('exit', (c: number | null) => r(c)));
    expect(code).toBe(1);
    expect(text).toMatch(/^Interactive shells on simulated nodes need the node sandbox \(bubblewrap\), which is not available here/);
    expect(text).toMatch(/Faults and runbook commands still run on this node\./);
    expect((await pool.exec(node, Shell.raw('iptables -S INPUT'))).stdout).toBe('-P INPUT ACCEPT\n');
  }, 30_000);
});
