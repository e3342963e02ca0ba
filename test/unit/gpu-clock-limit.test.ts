// gpu-clock-limit end to end against the simulators (AMD perf determinism and level masks, NVIDIA -lgc).
import { describe, expect, it } from 'vitest';
import { gpuClockLimit } from '../../src-main/faults/gpu-clock-limit.js';
import type { Intensity } from '../../src-main/faults/types.js';
import { labCtx } from '../lab/gpu-sim/harness.js';
import { SLOW, labPerTest, lifecycle } from '../lab/gpu-sim/lifecycle.js';

const INTENSITIES: Intensity[] = ['low', 'medium', 'high'];
const setup = labPerTest();

describe('gpu-clock-limit', () => {
  for (const intensity of INTENSITIES) {
    it(`${intensity}: rocm-smi perf determinism`, () => {
      const { lab, ctx } = setup('amd');
      lab.tool('gpu-sim-ctl', 'load', '--gpu', '0', '--pct', '100');
      lifecycle(gpuClockLimit, gpuClockLimit.params.parse(gpuClockLimit.presets[intensity]), lab, ctx);
    }, SLOW);
    it(`${intensity}: amd-smi perf determinism`, () => {
      const { lab, ctx } = setup('amd');
      lifecycle(gpuClockLimit, gpuClockLimit.params.parse({ ...gpuClockLimit.presets[intensity], tool: 'amd-smi' }), lab, ctx);
    }, SLOW);
    it(`${intensity}: nvidia-smi -lgc (gpu-nvidia-clock-lock)`, () => {
      const { lab, ctx } = setup('nvidia');
      lifecycle(gpuClockLimit, gpuClockLimit.params.parse(gpuClockLimit.presets[intensity]), lab, ctx);
    }, SLOW);
  }
  it('rocm-smi --setsclk/--setmclk level masks, reverted with --resetclocks', () => {
    const { lab, ctx } = setup('amd');
    lab.tool('gpu-sim-ctl', 'load', '--gpu', '0', '--pct', '100');
    const p = gpuClockLimit.params.parse({ sclkLevels: [0, 1, 2], mclkLevels: [0] });
    lifecycle(gpuClockLimit, p, lab, ctx);
    expect(gpuClockLimit.inject(p, ctx).text).toContain('--setsclk 0 1 2 --autorespond y');
  }, SLOW);
  it('the limit really lowers the busy clock', () => {
    const { lab, ctx } = setup('amd');
    lab.tool('gpu-sim-ctl', 'load', '--gpu', '0', '--pct', '100');
    const p = gpuClockLimit.params.parse({ maxMHz: 900 });
    const clk = (): number => Number(/\((\d+)Mhz\)/.exec(lab.tool('rocm-smi', '-d', '0', '-c', '--json').split('"sclk clock speed:": "')[1] ?? '')?.[1]);
    expect(clk()).toBe(1502);
    expect(lab.run(gpuClockLimit.inject(p, ctx)).code).toBe(0);
    expect(clk()).toBeLessThanOrEqual(900);
  });
  it('refuses level masks on NVIDIA and with amd-smi', () => {
    expect(gpuClockLimit.guard?.(gpuClockLimit.params.parse({ sclkLevels: [0] }), labCtx('nvidia'))).toMatch(/AMD/);
    expect(gpuClockLimit.guard?.(gpuClockLimit.params.parse({ sclkLevels: [0], tool: 'amd-smi' }), labCtx('amd'))).toMatch(/amd-smi/);
  });
});

