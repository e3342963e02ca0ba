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
import { buildInject, buildRenew, buildRevert, getFault, isOneShot, listFaults, observeScript, parseObserveOutput, parseStatus, parseStatusLines, resolveParams } from '../../src-main/faults/index.js';
import { killRemoteCommand, wrapRemote } from '../../src-main/ssh/exec.js';
import { Shell } from '../../src-main/shell/index.js';
import type { FaultContext } from '../../src-main/faults/types.js';
import { localLab, type LocalLab, type LocalNode } from '../../src-main/lab/sim/local-node.js';
import type { SimNodeSpec } from '../../src-main/lab/sim/types.js';

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
/** The GPU simulators' state of a node (src-main/lab/gpu-sim). */
const gpus = (n: LocalNode): Array<Record<string, any>> => json(n, 'gpu-state').gpus;
const dcgmValue = (n: LocalNode, gpu: number, field: number): number | undefined => {
  const hit = (json(n, 'gpu-state').dcgm as Array<Record<string, number>>).filter((d) => (d.gpu ?? d.gpuId) === gpu && (d.field ?? d.fieldId) === field).at(-1);
  return hit?.value;
};
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
      const { updateJson } = await import('../../src-main/lab/sim/tools/lib/env.mjs');
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
    kind: 'gpu-clock-limit',
    intensity: 'medium',
    spec: { role: 'gpu', gpu: 'amd' },
    active: (n) => expect(gpus(n).map((g) => [g.perfLevel, g.determinismMHz])).toEqual([['determinism', 900], ['auto', null]]),
    clean: (n) => expect(gpus(n).map((g) => [g.perfLevel, g.determinismMHz])).toEqual([['auto', null], ['auto', null]]),
  },
  {
    kind: 'gpu-fan',
    intensity: 'medium',
    spec: { role: 'gpu', gpu: 'amd' },
    active: (n) => expect(gpus(n)[0]!.fanLevel).toBeGreaterThan(0),
    clean: (n) => expect(gpus(n).map((g) => g.fanLevel)).toEqual([null, null]),
  },
  {
    kind: 'gpu-dcgm-inject',
    intensity: 'medium',
    spec: { role: 'gpu', gpu: 'nvidia' },
    active: (n) => expect(dcgmValue(n, 0, 230)).toBe(48),
    clean: (n) => expect(dcgmValue(n, 0, 230) ?? 0).toBe(0),
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
      // process-kill's contract is "killed at least every everySec": on a loaded machine the daemon
      // started by setup may exec its final name only after the inject's first sweep, so wait for
      // one period (plus a second) rather than a fixed 500 ms.
      if (c.kind === 'process-kill') {
        const until = Date.now() + (Number((c.params as { everySec?: number }).everySec ?? 2) + 1) * 1000;
        while (alive(x as number) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      }
      c.active(n, x);
      expect((await n.run(mod.verify(params, ctx))).code).toBe(0);
      // The lease watchdog is armed and alive.
      const wd = Number(readFileSync(join(n.layout.root, 'run/gameday', RUN, `f-${i}.watchdog.pid`), 'utf8'));
      expect(alive(wd)).toBe(true);
      // The console's lease renewal (buildRenew) finds the lease and its live watchdog.
      const renew = await n.run(buildRenew(RUN, [`f-${i}`]));
      expect(renew.code, renew.stdout + renew.stderr).toBe(0);
      expect(parseStatusLines(renew.stdout)).toContainEqual(expect.objectContaining({ lease: `f-${i}`, renewed: 'yes', watchdog: 'alive' }));

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

/**
 * Faults that cannot be undone (one-shot): the inject runs with no lease; the "revert" only clears
 * our own traces. gpu-ras-inject needs debugfs, which a simulated node does not have: it must be
 * refused as unsupported (exit 4) with nothing written, as on a real node without debugfs.
 */
interface OneShotCase {
  kind: string;
  params?: Record<string, unknown>;
  gpu: 'amd' | 'nvidia';
  setup?: (n: LocalNode) => Promise<number | void>;
  /** Expected inject status fields. */
  inject: Record<string, string>;
  after: (n: LocalNode, x: number | void) => void;
}

const ONE_SHOT: OneShotCase[] = [
  { kind: 'gpu-reset', params: { device: 0 }, gpu: 'amd', inject: { inject: 'ok', verify: 'ok' }, after: (n) => expect(gpus(n).map((g) => g.resetCount)).toEqual([1, 0]) },
  {
    kind: 'gpu-kill-processes',
    params: { device: 0, graceSec: 1 },
    gpu: 'amd',
    setup: async (n) => Number((await n.run('gpu-sim-ctl spawn --gpu 0')).stdout.trim()),
    inject: { inject: 'ok', verify: 'ok' },
    after: (_n, pid) => {
      expect(pid).toBeGreaterThan(0);
      expect(alive(pid as number)).toBe(false);
    },
  },
  { kind: 'gpu-ras-inject', params: { device: 0, block: 'umc', error: 'ue' }, gpu: 'amd', inject: { inject: 'fail', code: '4' }, after: (n) => expect(readdirSync(n.layout.root)).not.toContain('sys') },
];

describe.concurrent('one-shot faults on a simulated GPU node', () => {
  for (const [i, c] of ONE_SHOT.entries()) {
    it(`${c.kind} ${JSON.stringify(c.params)}`, async () => {
      const n = lab.node({ name: `o${i}`, role: 'gpu', gpu: c.gpu }, { ip: `127.150.1.${20 + i}` });
      nodes.push(n);
      const mod = getFault(c.kind);
      const params = resolveParams(mod, { params: c.params });
      expect(isOneShot(mod, params)).toBe(true);
      const ctx: FaultContext = { runId: RUN, faultId: `o-${i}`, node: { name: `o${i}`, host: '127.0.0.1', gpu: c.gpu }, leaseTtlSec: 60, maxDurationSec: 120 };
      const x = await c.setup?.(n);
      const inj = await n.run(buildInject(mod, params, ctx));
      expect(parseStatus(inj.stdout), `${inj.stdout}\n${inj.stderr}`).toMatchObject({ lease: 'none', oneshot: 'yes', ...c.inject });
      c.after(n, x);
      const rev = await n.run(buildRevert(mod, params, ctx));
      expect(parseStatus(rev.stdout), `${rev.stdout}\n${rev.stderr}`).toMatchObject({ revert: 'ok', clean: 'yes', oneshot: 'yes' });
      expect(existsSync(join(n.layout.root, 'run/gameday', RUN, `o-${i}.watchdog.pid`))).toBe(false);
    }, 60_000);
  }
});

describe('coverage: what the console sends', () => {
  it('every registered fault kind has a case above (a new kind fails here until it is covered)', () => {
    const covered = new Set([...CASES.map((c) => c.kind), ...ONE_SHOT.map((c) => c.kind)]);
    expect(listFaults().map((m) => m.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each([
    ['amd', 'auto', 'rocm-smi'],
    ['amd', 'rocm-smi', 'rocm-smi'],
    ['amd', 'amd-smi', 'amd-smi'],
    ['nvidia', 'auto', 'nvidia-smi'],
    ['nvidia', 'nvidia-smi', 'nvidia-smi'],
  ] as const)('the GPU probe (observeScript) on a simulated %s node, tool %s, reads every GPU through %s', async (gpu, tool, used) => {
    const n = lab.node({ name: `obs-${gpu}-${tool}`, role: 'gpu', gpu }, { ip: '127.150.2.1' });
    nodes.push(n);
    const ctx: FaultContext = { runId: RUN, faultId: 'obs', node: { name: n.env.GAMEDAY_SIM_NAME!, host: '127.0.0.1', gpu }, leaseTtlSec: 60, maxDurationSec: 120 };
    const r = await n.run(observeScript(ctx, tool, 'all'));
    expect(r.code, r.stderr).toBe(0);
    const parsed = parseObserveOutput(r.stdout);
    expect(parsed.tool).toBe(used);
    expect(parsed.gpus.map((g) => g.gpu)).toEqual([0, 1]);
    for (const g of parsed.gpus) {
      expect(g.powerW).toBeGreaterThan(0);
      expect(g.tempC).toBeGreaterThan(0);
      expect(g.vramTotalB).toBeGreaterThan(0);
    }
    // The cap it reports is the simulator's own (amd-smi's metric view has no cap, like the real one).
    expect(parsed.gpus.map((g) => g.powerCapW)).toEqual(used === 'amd-smi' ? [undefined, undefined] : gpus(n).map((x) => x.powerCapW));
  }, 60_000);

  it('every SSH exec is wrapped (wrapRemote: timeout -k in its own group); killRemoteCommand ends it from a second exec', async () => {
    const n = lab.node({ name: 'wrap', role: 'api' }, { ip: '127.150.2.2' });
    nodes.push(n);
    const quick = await n.run(wrapRemote(Shell.raw('echo "$0"; exit 3'), { timeoutMs: 10_000, sudo: false, execId: 'abc123' }));
    expect([quick.code, quick.stdout]).toEqual([3, 'gdexec=abc123\n']);
    const late = await n.run(wrapRemote(Shell.raw('sleep 30; echo late'), { timeoutMs: 500, sudo: false, execId: 'abc124' }));
    expect([late.code, late.stdout]).toEqual([124, '']);
    const long = n.run(wrapRemote(Shell.raw('sleep 60; echo never'), { timeoutMs: 120_000, sudo: false, execId: 'abc125' }));
    await new Promise((r) => setTimeout(r, 500));
    expect((await n.run(killRemoteCommand('abc125', false))).code).toBe(0);
    const ended = await long;
    expect(ended.stdout).toBe('');
    expect(ended.code === 143 || ended.code === 137 || ended.signal !== null).toBe(true);
  }, 60_000);
});
