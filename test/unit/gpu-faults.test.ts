// Revertible GPU faults (perf level, fan, DCGM injection; clock limit in gpu-clock-limit.test.ts) run end to end against the
// simulators: every command comes from the module's own builders and runs under /bin/sh.
import { describe, expect, it } from 'vitest';
import { gpuDcgmInject } from '../../src-main/faults/gpu-dcgm-inject.js';
import { gpuFan } from '../../src-main/faults/gpu-fan.js';
import { gpuPerfLevel } from '../../src-main/faults/gpu-perf-level.js';
import type { Intensity } from '../../src-main/faults/types.js';
import { labCtx, type Lab } from '../lab/gpu-sim/harness.js';
import { SLOW, labPerTest, lifecycle } from '../lab/gpu-sim/lifecycle.js';

const INTENSITIES: Intensity[] = ['low', 'medium', 'high'];
const setup = labPerTest();

describe('gpu-perf-level', () => {
  for (const intensity of INTENSITIES) {
    it(`${intensity}: rocm-smi (auto)`, () => {
      const { lab, ctx } = setup('amd');
      lifecycle(gpuPerfLevel, gpuPerfLevel.params.parse(gpuPerfLevel.presets[intensity]), lab, ctx);
    }, SLOW);
    it(`${intensity}: amd-smi (auto, no rocm-smi on the node)`, () => {
      const { lab, ctx } = setup('amd', { only: ['amd-smi', 'gpu-sim-ctl'] });
      lifecycle(gpuPerfLevel, gpuPerfLevel.params.parse(gpuPerfLevel.presets[intensity]), lab, ctx);
    }, SLOW);
  }
  it('uses --autorespond y on every rocm-smi set, and never writes sudo itself', () => {
    const ctx = labCtx('amd');
    const p = gpuPerfLevel.params.parse({});
    for (const cmd of [gpuPerfLevel.inject(p, ctx), gpuPerfLevel.revert(p, ctx)]) {
      for (const line of cmd.text.split('\n').filter((l) => /rocm-smi .*--set/.test(l))) expect(line).toContain('--autorespond y');
      expect(cmd.text).not.toMatch(/\bsudo\b/);
    }
  });
  it('is refused on NVIDIA and GPU-less nodes', () => {
    const p = gpuPerfLevel.params.parse({});
    expect(gpuPerfLevel.guard?.(p, labCtx('nvidia'))).toMatch(/no nvidia implementation/);
    expect(gpuPerfLevel.guard?.(p, labCtx('none'))).toMatch(/no GPU/);
    expect(gpuPerfLevel.guard?.(p, labCtx('amd'))).toBeNull();
  });
});

describe('gpu-fan', () => {
  for (const intensity of INTENSITIES) {
    it(`${intensity}: rocm-smi`, () => {
      const { lab, ctx } = setup('amd');
      lifecycle(gpuFan, gpuFan.params.parse(gpuFan.presets[intensity]), lab, ctx);
    }, SLOW);
    it(`${intensity}: amd-smi`, () => {
      const { lab, ctx } = setup('amd');
      lifecycle(gpuFan, gpuFan.params.parse({ ...gpuFan.presets[intensity], tool: 'amd-smi' }), lab, ctx);
    }, SLOW);
  }
  it('a slower fan makes the GPU hotter', () => {
    const { lab, ctx } = setup('amd');
    lab.tool('gpu-sim-ctl', 'load', '--gpu', '0', '--pct', '100');
    const temp = (): number => Number(JSON.parse(lab.tool('rocm-smi', '-d', '0', '-t', '--json')).card0['Temperature (Sensor edge) (C)']);
    const before = temp();
    expect(lab.run(gpuFan.inject(gpuFan.params.parse({ percent: 20 }), ctx)).code).toBe(0);
    expect(temp()).toBeGreaterThan(before);
  });
});

describe('gpu-dcgm-inject', () => {
  // Settings: what DCGM reports for the field, read with the simulator's dcgmi.
  const xid = (lab: Lab): string => lab.tool('dcgmi', 'dmon', '-i', '0', '-e', '230', '-c', '1');
  for (const intensity of INTENSITIES) {
    it(`${intensity}: injects the XID and reverts to the healthy value`, () => {
      const { lab, ctx } = setup('nvidia');
      const p = gpuDcgmInject.params.parse(gpuDcgmInject.presets[intensity]);
      lifecycle(gpuDcgmInject, p, lab, ctx, (l) => xid(l));
      expect(gpuDcgmInject.inject(p, ctx).text).toMatch(/dcgmi test --inject --gpuid "\$dev"/);
    }, SLOW);
  }
  it('is invisible to nvidia-smi (DCGM cache only) and says so', () => {
    const { lab, ctx } = setup('nvidia');
    const before = lab.tool('nvidia-smi', '--query-gpu=index,temperature.gpu,power.draw', '--format=csv,noheader,nounits');
    expect(lab.run(gpuDcgmInject.inject(gpuDcgmInject.params.parse(gpuDcgmInject.presets.high), ctx)).code).toBe(0);
    expect(lab.tool('nvidia-smi', '--query-gpu=index,temperature.gpu,power.draw', '--format=csv,noheader,nounits')).toBe(before);
    expect(gpuDcgmInject.caveat).toMatch(/only reaches DCGM's cache: nvidia-smi\/NVML never see it; values expire/i);
  });
  it('an injected value expires from the cache', () => {
    const { lab, ctx } = setup('nvidia', { extraEnv: { GAMEDAY_LAB_DCGM_TTL_SEC: '0' } });
    expect(lab.run(gpuDcgmInject.inject(gpuDcgmInject.params.parse(gpuDcgmInject.presets.high), ctx)).code).not.toBe(0);
  });
});
