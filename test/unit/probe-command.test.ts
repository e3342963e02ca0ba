import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCommandProbe, extractNumber } from '../../src-main/probes/command.js';
import { createGpuProbe, pickGpuMetric } from '../../src-main/probes/gpu.js';
import type { CommandProbeSpec, GpuProbeSpec, ProbeTarget } from '../../src-main/probes/types.js';
import { SshPool } from '../../src-main/ssh/index.js';
import { startTestServer, type TestServer } from '../helpers/ssh-server.js';

let srv: TestServer;
let pool: SshPool;
let target: ProbeTarget;
const simBin = resolve(__dirname, '../../src-main/lab/gpu-sim/bin');
const simState = mkdtempSync(join(tmpdir(), 'gd-gpu-sim-'));
const savedEnv = { ...process.env };

beforeAll(async () => {
  // The in-process SSH server runs commands in /bin/sh with this process's environment: put the lab's
  // GPU simulators on PATH and make this "node" an AMD one, like a lab node.
  process.env.PATH = `${simBin}:${process.env.PATH}`;
  process.env.GAMEDAY_LAB_GPU = 'amd';
  process.env.GAMEDAY_LAB_STATE = simState;
  srv = await startTestServer();
  pool = new SshPool();
  const ssh = { name: 'local', host: '127.0.0.1', port: srv.port, user: 'root', identityFiles: [srv.clientKeyFile], knownHostsFiles: [srv.knownHostsFile] };
  target = { series: 'local', node: { name: 'local', host: '127.0.0.1', port: srv.port, gpu: 'amd', ssh } };
});
afterAll(async () => {
  await pool.dispose();
  await srv.close();
  process.env = savedEnv;
  rmSync(simState, { recursive: true, force: true });
});

const cmd = (over: Partial<CommandProbeSpec>): CommandProbeSpec => ({ id: 'c', kind: 'command', target: 'db', command: 'echo ok', intervalMs: 2000, timeoutMs: 1500, ...over });
const sig = () => AbortSignal.timeout(1500);

describe('extractNumber', () => {
  it('takes the first number, or the extract group', () => {
    expect(extractNumber('lag 4.5s of 10')).toBe(4.5);
    expect(extractNumber('-3e2 x')).toBe(-300);
    expect(extractNumber('none')).toBeNull();
    expect(extractNumber('a=1 lag=7 b=2', /lag=(\d+)/)).toBe(7);
    expect(extractNumber('replica lag: 12.5 seconds', /lag: (\S+)/)).toBe(12.5);
    expect(extractNumber('lag=7', /nothing (\d)/)).toBeNull();
  });
});

describe('command probe over SSH', () => {
  it('is healthy on exit 0 + match + number within bounds, with the number as value', async () => {
    const p = createCommandProbe(cmd({ command: 'printf "ok lag=%s\\n" 3', expect: { exitCode: 0, match: '^ok', number: { below: 5 }, extract: 'lag=(\\d+)' } }), pool);
    const s = await p.run(target, sig());
    expect(s).toMatchObject({ probeId: 'c', series: 'local', healthy: true, value: 3 });
    expect(s.latencyMs).toBeGreaterThan(0);
  });

  it('reports the broken expectation: exit code (with stderr), regex, bounds', async () => {
    const cases: Array<[Partial<CommandProbeSpec>, RegExp]> = [
      [{ command: 'echo boom >&2; exit 3' }, /^exit 3, expected 0: boom$/],
      [{ command: 'echo fine', expect: { match: '^ok' } }, /does not match \/\^ok\//],
      [{ command: 'echo 9', expect: { number: { below: 5 } } }, /^9 is not below 5$/],
      [{ command: 'echo 2', expect: { number: { above: 5 } } }, /^2 is not above 5$/],
      [{ command: 'echo none', expect: { number: { above: 5 } } }, /no number/],
    ];
    for (const [over, re] of cases) {
      const s = await createCommandProbe(cmd(over), pool).run(target, sig());
      expect(s.healthy, over.command).toBe(false);
      expect(s.error, over.command).toMatch(re);
    }
    expect((await createCommandProbe(cmd({ command: 'exit 2', expect: { exitCode: 2 } }), pool).run(target, sig())).healthy).toBe(true);
  });

  it('substitutes {name}/{host} shell-quoted', async () => {
    const s = await createCommandProbe(cmd({ command: 'test {name} = local && test {host} = 127.0.0.1 && echo 1' }), pool).run(target, sig());
    expect(s).toMatchObject({ healthy: true, value: 1 });
  });

  it('times out a hung command and reports an unreachable node as an unhealthy sample', async () => {
    const p = createCommandProbe(cmd({ command: 'sleep 5', timeoutMs: 300 }), pool);
    const t0 = performance.now();
    const s = await p.run(target, AbortSignal.timeout(300));
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(s).toMatchObject({ healthy: false, error: 'no answer within the 300 ms timeout' });
    const gone = { ...target, node: { ...target.node!, ssh: { ...target.node!.ssh!, port: 1, connectTimeoutMs: 500 } } };
    const u = await p.run(gone, sig());
    expect(u.healthy).toBe(false);
    expect(u.error).toMatch(/^SSH REFUSED/);
  });
});

describe('gpu probe over SSH (lab GPU simulator)', () => {
  const gpu = (over: Partial<GpuProbeSpec>): GpuProbeSpec => ({ id: 'g', kind: 'gpu', target: 'gpu', metric: 'powerW', tool: 'auto', intervalMs: 2000, timeoutMs: 1900, ...over });

  it('reads a metric through rocm-smi: max over GPUs, or one device, against bounds', async () => {
    execFileSync(join(simBin, 'gpu-sim-ctl'), ['load', '--gpu', '1', '--pct', '90'], { env: process.env });
    const all = await createGpuProbe(gpu({ metric: 'utilPct', expect: { below: 50 } }), pool).run(target, AbortSignal.timeout(5000));
    expect(all).toMatchObject({ healthy: false, value: 90, error: 'utilPct 90 is not below 50' });
    const dev0 = await createGpuProbe(gpu({ metric: 'utilPct', device: 0, expect: { below: 50 } }), pool).run(target, AbortSignal.timeout(5000));
    expect(dev0).toMatchObject({ healthy: true, value: 0 });
    const power = await createGpuProbe(gpu({ metric: 'powerW', expect: { above: 10 } }), pool).run(target, AbortSignal.timeout(5000));
    expect(power.healthy).toBe(true);
    expect(power.value).toBeGreaterThan(36);
  });

  it('is unhealthy with the reason on a node without a GPU', async () => {
    const none = { ...target, node: { ...target.node!, gpu: 'none' as const } };
    const s = await createGpuProbe(gpu({}), pool).run(none, AbortSignal.timeout(5000));
    expect(s.healthy).toBe(false);
    expect(s.error).toMatch(/no GPU/);
  });

  it('picks the metric ignoring GPUs that report N/A', () => {
    const g = (gpu: number, powerW: number | null) => ({ gpu, tempC: null, powerW, utilPct: null, vramUsedB: null, vramTotalB: null });
    expect(pickGpuMetric([g(0, 100), g(1, null), g(2, 250)], 'powerW')).toBe(250);
    expect(pickGpuMetric([g(0, 100), g(2, 250)], 'powerW', 0)).toBe(100);
    expect(pickGpuMetric([g(0, null)], 'powerW')).toBeNull();
    expect(pickGpuMetric([g(0, 1)], 'powerW', 5)).toBeNull();
  });
});
