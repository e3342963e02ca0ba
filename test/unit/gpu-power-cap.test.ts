// gpu-power-cap end to end against the simulators: the original cap is recorded before injecting and
// restored per tool (recorded original for amd-smi, default for nvidia-smi, --resetpoweroverdrive for rocm-smi).
import { afterEach, describe, expect, it } from 'vitest';
import { gpuPowerCap } from '../../src-main/faults/gpu-power-cap.js';
import { parseObserveOutput } from '../../src-main/faults/gpu-observe.js';
import { Shell } from '../../src-main/shell/index.js';
import type { FaultContext, Intensity } from '../../src-main/faults/types.js';
import { cleanRunDirs, gpuSettings, labCtx, makeLab, type Lab } from '../lab/gpu-sim/harness.js';

const SLOW = 90_000;
const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});
function setup(vendor: 'amd' | 'nvidia', opts: Parameters<typeof makeLab>[1] = {}): { lab: Lab; ctx: FaultContext } {
  const lab = makeLab(vendor, opts);
  const ctx = labCtx(vendor);
  cleanups.push(() => { cleanRunDirs(ctx); lab.dispose(); });
  return { lab, ctx };
}
const show = (r: { code: number; stdout: string; stderr: string }): string => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
const caps = (lab: Lab): unknown[] => gpuSettings(lab).map((g) => g.powerCapW);

function cycle(lab: Lab, ctx: FaultContext, raw: Record<string, unknown>, expectInjected: number[], expectAfter: number[]): void {
  const p = gpuPowerCap.params.parse(raw);
  const pre = lab.run(gpuPowerCap.verify(p, ctx));
  expect(pre.code, show(pre)).not.toBe(0);
  const inj = lab.run(gpuPowerCap.inject(p, ctx));
  expect(inj.code, show(inj)).toBe(0);
  expect(caps(lab)).toEqual(expectInjected);
  const v = lab.run(gpuPowerCap.verify(p, ctx));
  expect(v.code, show(v)).toBe(0);
  const rv = lab.run(gpuPowerCap.revert(p, ctx));
  expect(rv.code, show(rv)).toBe(0);
  expect(caps(lab)).toEqual(expectAfter);
  const post = lab.run(gpuPowerCap.verify(p, ctx));
  expect(post.code, show(post)).not.toBe(0);
  const again = lab.run(gpuPowerCap.revert(p, ctx));
  expect(again.code, show(again)).toBe(0);
  expect(caps(lab)).toEqual(expectAfter);
}

// Percent presets: 80/60/40 of the reference cap (MI100 sim: 290 W current for rocm-smi, 300 W max
// for amd-smi; A100 sim: 250 W default). `high` covers both GPUs.
const EXPECT: Record<Intensity, { rocm: number; amd: number; nv: number; both: boolean }> = {
  low: { rocm: 232, amd: 240, nv: 200, both: false },
  medium: { rocm: 174, amd: 180, nv: 150, both: false },
  high: { rocm: 116, amd: 120, nv: 100, both: true },
};

describe('gpu-power-cap presets', () => {
  for (const intensity of ['low', 'medium', 'high'] as const) {
    const e = EXPECT[intensity];
    const pair = (v: number, orig: number): number[] => (e.both ? [v, v] : [v, orig]);
    it(`${intensity}: rocm-smi`, () => {
      const { lab, ctx } = setup('amd');
      cycle(lab, ctx, gpuPowerCap.presets[intensity], pair(e.rocm, 290), [290, 290]);
    }, SLOW);
    it(`${intensity}: amd-smi`, () => {
      const { lab, ctx } = setup('amd');
      cycle(lab, ctx, { ...gpuPowerCap.presets[intensity], tool: 'amd-smi' }, pair(e.amd, 290), [290, 290]);
    }, SLOW);
    it(`${intensity}: nvidia-smi (gpu-nvidia-power-limit)`, () => {
      const { lab, ctx } = setup('nvidia');
      cycle(lab, ctx, gpuPowerCap.presets[intensity], pair(e.nv, 250), [250, 250]);
    }, SLOW);
  }
});

describe('gpu-power-cap revert semantics', () => {
  it('amd-smi restores the recorded original, not the max that `amd-smi reset -o` would give', () => {
    const { lab, ctx } = setup('amd', { only: ['amd-smi', 'gpu-sim-ctl'] });
    lab.tool('amd-smi', 'set', '-g', '0', '-o', '250');
    cycle(lab, ctx, { percent: 60 }, [180, 290], [250, 290]);
    lab.tool('amd-smi', 'reset', '-g', '0', '-o');
    expect(caps(lab)[0]).toBe(300);
  }, SLOW);
  it('nvidia-smi restores power.default_limit, read at revert time', () => {
    const { lab, ctx } = setup('nvidia');
    lab.tool('nvidia-smi', '-i', '0', '-pl', '200');
    cycle(lab, ctx, { watts: 150 }, [150, 250], [250, 250]);
  }, SLOW);
  it('rocm-smi falls back to the recorded cap when --resetpoweroverdrive is refused (min cap above 0)', () => {
    const { lab, ctx } = setup('amd', { model: 'mi300x' });
    cycle(lab, ctx, { percent: 60, device: 'all' }, [450, 450], [750, 750]);
  }, SLOW);
  it('a second inject keeps the first recorded original', () => {
    const { lab, ctx } = setup('amd', { only: ['amd-smi', 'gpu-sim-ctl'] });
    const p = gpuPowerCap.params.parse({ watts: 200 });
    expect(lab.run(gpuPowerCap.inject(p, ctx)).code).toBe(0);
    expect(lab.run(gpuPowerCap.inject(p, ctx)).code).toBe(0);
    expect(lab.run(gpuPowerCap.revert(p, ctx)).code).toBe(0);
    expect(caps(lab)).toEqual([290, 290]);
  }, SLOW);
  it('a percentage below the board minimum is raised to the minimum', () => {
    const { lab, ctx } = setup('nvidia');
    const p = gpuPowerCap.params.parse({ percent: 20 });
    const r = lab.run(gpuPowerCap.inject(p, ctx));
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/below the minimum/);
    expect(caps(lab)).toEqual([100, 250]);
    expect(lab.run(gpuPowerCap.verify(p, ctx)).code).toBe(0);
  }, SLOW);
  it('an explicit wattage outside the range fails loudly and leaves nothing to undo wrongly', () => {
    const { lab, ctx } = setup('nvidia');
    const p = gpuPowerCap.params.parse({ watts: 50 });
    expect(lab.run(gpuPowerCap.inject(p, ctx)).code).not.toBe(0);
    expect(lab.run(gpuPowerCap.verify(p, ctx)).code).not.toBe(0);
    expect(lab.run(gpuPowerCap.revert(p, ctx)).code).toBe(0);
    expect(caps(lab)).toEqual([250, 250]);
  }, SLOW);
  it('an explicit watts laid over a percent preset wins', () => {
    const { lab, ctx } = setup('nvidia');
    const p = gpuPowerCap.params.parse({ ...gpuPowerCap.presets.medium, watts: 222 });
    expect(lab.run(gpuPowerCap.inject(p, ctx)).code).toBe(0);
    expect(caps(lab)).toEqual([222, 250]);
    expect(gpuPowerCap.params.safeParse({ device: 0 }).success).toBe(false);
  }, SLOW);
  it('records the original in the run directory, named by the fault id', () => {
    const { lab, ctx } = setup('amd');
    const p = gpuPowerCap.params.parse({ watts: 200 });
    expect(lab.run(gpuPowerCap.inject(p, ctx)).code).toBe(0);
    const st = lab.run(Shell.raw(`cat /run/gameday/${ctx.runId}/${ctx.faultId}.gpu.state 2>/dev/null || cat /tmp/gameday/${ctx.runId}/${ctx.faultId}.gpu.state`));
    expect(st.stdout.trim()).toBe('0 rocm-smi 290.0 200');
  }, SLOW);
});

describe('power readings under a cap', () => {
  for (const [vendor, tool] of [['amd', 'rocm-smi'], ['amd', 'amd-smi'], ['nvidia', 'nvidia-smi']] as const) {
    it(`${tool}: a busy GPU draws at most the cap, runs cooler`, () => {
      const { lab, ctx } = setup(vendor);
      lab.tool('gpu-sim-ctl', 'load', '--gpu', '0', '--pct', '100');
      const p = gpuPowerCap.params.parse({ tool, percent: 40 });
      const read = () => parseObserveOutput(lab.run(gpuPowerCap.observe!(p, ctx)).stdout);
      const before = read();
      expect(before.tool).toBe(tool);
      const b0 = before.gpus.find((g) => g.gpu === 0)!;
      expect(b0.utilPct).toBe(100);
      expect(lab.run(gpuPowerCap.inject(p, ctx)).code).toBe(0);
      const after = read().gpus.find((g) => g.gpu === 0)!;
      const cap = caps(lab)[0] as number;
      expect(after.powerW!).toBeLessThanOrEqual(cap);
      expect(after.powerW!).toBeLessThan(b0.powerW!);
      expect(after.tempC!).toBeLessThan(b0.tempC!);
      expect(after.utilPct).toBe(100);
    }, SLOW);
  }
});
