/**
 * Every fault kind against a simulated node, driven with the exact scripts the console sends
 * (buildInject / verify / buildRevert from src-main/faults, so tools and modules cannot drift):
 * inject succeeds and verifies → the simulated tool state shows the fault → revert says clean →
 * verify fails and the state is clean again. No SSH here (simlab-lab tests that path); the commands
 * run exactly as the node's SSH server runs them (local-node.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInject, buildRevert, getFault, parseStatus, resolveParams } from '../../src-main/faults/index.js';
import type { FaultContext } from '../../src-main/faults/types.js';
import { localLab, type LocalLab, type LocalNode } from '../../src-main/simlab/local-node.js';
import type { SimNodeSpec } from '../../src-main/simlab/types.js';

const RUN = 'simlab-unit';
let dir: string;
let lab: LocalLab;
const nodes: LocalNode[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gd-simlab-faults-'));
  lab = await localLab(dir);
});

afterAll(() => {
  for (const n of nodes) n.close();
  rmSync(dir, { recursive: true, force: true });
});

const json = (n: LocalNode, name: string): any => {
  try {
    return JSON.parse(readFileSync(join(n.layout.state, `${name}.json`), 'utf8'));
  } catch {
    return null;
  }
};
const chains = (n: LocalNode) => Object.keys(json(n, 'iptables')?.chains ?? {}).filter((c) => c.startsWith('GD-'));
const hooks = (n: LocalNode) => ['INPUT', 'OUTPUT'].flatMap((h) => (json(n, 'iptables')?.chains?.[h]?.rules ?? []).map((r: { j: string }) => r.j));
/** The custom root qdisc on any simulated interface (eth0 or lo). */
const tcRoot = (n: LocalNode) => Object.values(json(n, 'tc')?.devs ?? {}).flatMap((d: any) => d.qdiscs).find((q: { parent: string }) => q.parent === 'root');
const alive = (pid: number) => {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
};
const liveStress = (n: LocalNode) => (json(n, 'stress')?.procs ?? []).filter((p: { pid: number }) => alive(p.pid));
const procState = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];

interface Case {
  kind: string;
  params?: Record<string, unknown>;
  intensity?: 'low' | 'medium' | 'high';
  spec?: Partial<SimNodeSpec>;
  /** Prepare the node; may return a value the checks get (e.g. a pid). */
  setup?: (n: LocalNode) => Promise<number | void>;
  /** The fault is visible in the simulated tools' state. */
  active: (n: LocalNode, x: number | void) => void;
  /** ... and gone again after the revert. */
  clean: (n: LocalNode, x: number | void) => void;
}

/** A stand-in daemon started by the node itself (so it carries the node's token): comm "api-server". */
async function startDaemon(n: LocalNode): Promise<number> {
  const r = await n.run(`setsid "${n.lab.libexec}/api-server" 300 </dev/null >/dev/null 2>&1 & echo $!`);
  const pid = Number(r.stdout.trim());
  await new Promise((res) => setTimeout(res, 200));
  return pid;
}

const chainCase = (kind: string, params: Record<string, unknown>, extra: Partial<Case> = {}): Case => ({
  kind,
  params,
  active: (n) => {
    expect(chains(n)).toHaveLength(1);
    expect(hooks(n)).toContain(chains(n)[0]);
  },
  clean: (n) => {
    expect(chains(n)).toEqual([]);
    expect(hooks(n).filter((j: string) => j.startsWith('GD-'))).toEqual([]);
  },
  ...extra,
});

const tcCase = (kind: string, params: Record<string, unknown>, leaf: string): Case => ({
  kind,
  params,
  active: (n) => {
    expect(tcRoot(n)?.kind).toBe('htb');
    expect(json(n, 'tc').devs.eth0.qdiscs.map((q: { kind: string }) => q.kind)).toContain(leaf);
    expect(tcRoot(n)).toEqual(json(n, 'tc').devs.eth0.qdiscs[0]);
  },
  clean: (n) => expect(tcRoot(n)).toBeUndefined(),
});

const stressCase = (kind: string, params: Record<string, unknown>, field: string): Case => ({
  kind,
  params,
  active: (n) => {
    const live = liveStress(n);
    expect(live).toHaveLength(1);
    expect(live[0][field]).toBeGreaterThan(0);
    expect(readFileSync(`/proc/${live[0].pid}/comm`, 'utf8').trim()).toBe('stress-ng');
  },
  clean: (n) => expect(liveStress(n)).toEqual([]),
});

const CASES: Case[] = [
  chainCase('network-partition', {}),
  chainCase('network-loss', { percent: 20, direction: 'both' }),
  chainCase('dns-failure', { mode: 'drop' }),
  chainCase('port-block', { port: 8080, protocol: 'both' }),
  chainCase('dependency-block', { host: '127.0.0.1', port: 6432, mode: 'reject' }),
  tcCase('network-bandwidth', { iface: 'eth0', rateKbit: 1000 }, 'tbf'),
  tcCase('network-latency', { iface: 'eth0', delayMs: 200, jitterMs: 50 }, 'netem'),
  tcCase('network-corrupt', { iface: 'eth0', percent: 5 }, 'netem'),
  tcCase('network-duplicate', { iface: 'eth0', percent: 5, peers: ['127.150.0.7'] }, 'netem'),
  tcCase('dependency-slow', { host: '127.150.0.7', port: 5432, rateKbit: 500 }, 'tbf'),
  stressCase('cpu-stress', { workers: 2, loadPercent: 90 }, 'cpu'),
  stressCase('memory-pressure', { percent: 40 }, 'vm'),
  stressCase('io-stress', { mode: 'hdd', workers: 1, path: '/tmp', hddMb: 64 }, 'hdd'),
  {
    kind: 'disk-fill',
    params: { path: '/var/lib/gameday-lab/data', targetPercent: 95, keepFreePercent: 3 },
    active: (n) => {
      const files = readdirSync(n.layout.data).filter((f) => f.startsWith('.gameday-fill-'));
      expect(files).toHaveLength(1);
      // A marker claiming gigabytes, not gigabytes on the real disk.
      expect(readFileSync(join(n.layout.data, files[0]!), 'utf8')).toMatch(/^gameday-sim-ballast \d{10,}\n$/);
    },
    clean: (n) => expect(readdirSync(n.layout.data).filter((f) => f.startsWith('.gameday-fill-'))).toEqual([]),
  },
  {
    kind: 'process-kill',
    params: { name: 'api-server', signal: 'KILL', everySec: 2, durationSec: 60 },
    setup: startDaemon,
    active: (n, pid) => expect(alive(pid as number)).toBe(false),
    clean: (n) => expect(readdirSync(join(n.layout.root, 'run/gameday', RUN)).filter((f) => f.endsWith('.pid') && !f.endsWith('watchdog.pid'))).toEqual([]),
  },
  {
    kind: 'process-pause',
    params: { name: 'api-server' },
    setup: startDaemon,
    active: (_n, pid) => expect(procState(pid as number)).toBe('T'),
    clean: (_n, pid) => expect(procState(pid as number)).not.toBe('T'),
  },
  {
    kind: 'service-stop',
    params: { unit: 'api-server.service' },
    setup: async (n) => {
      expect((await n.run('systemctl start api-server.service 2>&1; true')).code).toBe(0);
      // The node's unit is normally written by the lab's supervisor; here by hand.
      const { updateJson } = await import('../../src-main/simlab/tools/lib/env.mjs');
      updateJson(n.layout.state, 'systemd', { units: {} as Record<string, unknown> }, (s: { units: Record<string, unknown> }) => void (s.units['api-server.service'] = { active: true }));
    },
    active: (n) => expect(json(n, 'systemd').units['api-server.service'].active).toBe(false),
    clean: (n) => expect(json(n, 'systemd').units['api-server.service'].active).toBe(true),
  },
  {
    kind: 'clock-skew',
    params: { offsetSec: 600 },
    // `date -s "@$(( $(date +%s) + 600 ))"` loses the fraction of the current second, as on a real node.
    active: (n) => expect(Math.abs(json(n, 'clock').offsetSec - 600)).toBeLessThan(1.5),
    clean: (n) => expect(Math.abs(json(n, 'clock').offsetSec)).toBeLessThan(3),
  },
  {
    kind: 'gpu-power-cap',
    params: { percent: 60, device: 'all' },
    spec: { role: 'gpu', gpu: 'amd' },
    active: (n) => expect(json(n, 'gpu-state').gpus.map((g: { powerCapW: number }) => g.powerCapW)).toEqual([174, 174]),
    clean: (n) => expect(json(n, 'gpu-state').gpus.map((g: { powerCapW: number }) => g.powerCapW)).toEqual([290, 290]),
  },
  {
    kind: 'gpu-perf-level',
    params: { level: 'low', device: 'all' },
    spec: { role: 'gpu', gpu: 'amd' },
    active: (n) => expect(json(n, 'gpu-state').gpus.map((g: { perfLevel: string }) => g.perfLevel)).toEqual(['low', 'low']),
    clean: (n) => expect(json(n, 'gpu-state').gpus.map((g: { perfLevel: string }) => g.perfLevel)).toEqual(['auto', 'auto']),
  },
];

const isRoot = process.getuid?.() === 0;

describe.concurrent('every fault kind on a simulated node: inject → state → revert → clean', () => {
  for (const [i, c] of CASES.entries()) {
    const label = `${c.kind} ${JSON.stringify(c.params ?? c.intensity)}`;
    // clock-skew needs CAP_SYS_TIME to pass its own check (it refuses as "unsupported" otherwise, which is right).
    const maybe = c.kind === 'clock-skew' && !isRoot ? it.skip : it;
    maybe(label, async () => {
      const n = lab.node({ name: `n${i}`, role: 'api', ...c.spec }, { ip: `127.150.0.${20 + i}` });
      nodes.push(n);
      const mod = getFault(c.kind);
      const params = resolveParams(mod, { intensity: c.intensity, params: c.params });
      const ctx: FaultContext = { runId: RUN, faultId: `f-${i}`, node: { name: `n${i}`, host: '127.0.0.1', gpu: c.spec?.gpu ?? 'none' }, leaseTtlSec: 60, maxDurationSec: 120 };
      const x = await c.setup?.(n);

      const inj = await n.run(buildInject(mod, params, ctx));
      expect(parseStatus(inj.stdout), `${inj.stdout}\n${inj.stderr}`).toMatchObject({ inject: 'ok', verify: 'ok' });
      expect(inj.code).toBe(0);
      if (c.kind === 'process-kill') await new Promise((r) => setTimeout(r, 500));
      c.active(n, x);
      expect((await n.run(mod.verify(params, ctx))).code).toBe(0);
      // The lease watchdog is armed and alive.
      const wd = Number(readFileSync(join(n.layout.root, 'run/gameday', RUN, `f-${i}.watchdog.pid`), 'utf8'));
      expect(alive(wd)).toBe(true);

      const rev = await n.run(buildRevert(mod, params, ctx));
      expect(parseStatus(rev.stdout), `${rev.stdout}\n${rev.stderr}`).toMatchObject({ revert: 'ok', clean: 'yes' });
      expect((await n.run(mod.verify(params, ctx))).code).not.toBe(0);
      c.clean(n, x);
      await new Promise((r) => setTimeout(r, 300));
      expect(alive(wd)).toBe(false);
      expect(existsSync(join(n.layout.root, 'run/gameday', RUN, `f-${i}.lease`))).toBe(false);
    }, 60_000);
  }
});
