// Parameter schemas of the GPU faults: strict, presets valid, hostile strings refused everywhere;
// and command-shape rules (no sudo written by a module, --autorespond y on every rocm-smi set/reset).
import { describe, expect, it } from 'vitest';
import { FAULTS } from '../../src-main/faults/index.js';
import type { FaultModule } from '../../src-main/faults/types.js';
import { labCtx } from '../lab/gpu-sim/harness.js';

/** The GPU kinds of the closed catalog, in its order (AMD first, NVIDIA-only last). */
const gpuFaults = Object.values<FaultModule>(FAULTS).filter((m) => m.category === 'gpu');

const HOSTILE = [
  '; touch /tmp/pwned', '$(touch /tmp/pwned)', '`touch /tmp/pwned`', "it's", '"double"', 'a\nb', '-rf', '--help', '', ' ',
  '*', '~', '$HOME', '${IFS}', 'ünïcödé', '\\', '!', '#x', '&&', '|', '>', '<(x)', '0; reboot', 'all; reboot', 'low\n', '0x0;id',
];

/** Minimal valid params and every parameter key, per module. */
const BASE: Record<string, { ok: Record<string, unknown>; keys: string[] }> = {
  'gpu-perf-level': { ok: {}, keys: ['tool', 'device', 'level'] },
  'gpu-power-cap': { ok: { percent: 50 }, keys: ['tool', 'device', 'watts', 'percent'] },
  'gpu-clock-limit': { ok: { maxMHz: 900 }, keys: ['tool', 'device', 'maxMHz', 'minMHz', 'sclkLevels', 'mclkLevels'] },
  'gpu-fan': { ok: {}, keys: ['tool', 'device', 'percent'] },
  'gpu-kill-processes': { ok: {}, keys: ['tool', 'device', 'graceSec'] },
  'gpu-reset': { ok: { device: 0 }, keys: ['tool', 'device'] },
  'gpu-ras-inject': { ok: { device: 0, block: 'umc', error: 'ue' }, keys: ['device', 'block', 'error', 'subBlock', 'address', 'value', 'mask'] },
  'gpu-dcgm-inject': { ok: { value: 79 }, keys: ['device', 'field', 'value', 'healthyValue'] },
};

describe('GPU fault catalog', () => {
  it('has one entry per module, AMD first, NVIDIA-only last', () => {
    expect(gpuFaults.map((m) => m.id)).toEqual(Object.keys(BASE));
    for (const m of gpuFaults) expect(m.category).toBe('gpu');
  });
  it('labels the one-shot faults and gives them a caveat', () => {
    const oneShot = gpuFaults.filter((m) => m.oneShot).map((m) => m.id);
    expect(oneShot).toEqual(['gpu-kill-processes', 'gpu-reset', 'gpu-ras-inject']);
    for (const m of gpuFaults.filter((x) => x.oneShot)) expect(m.caveat).toBeTruthy();
    expect(gpuFaults.find((m) => m.id === 'gpu-ras-inject')?.risk).toBe('high');
    expect(gpuFaults.find((m) => m.id === 'gpu-reset')?.risk).toBe('high');
  });
});

for (const mod of gpuFaults as Array<FaultModule<Record<string, unknown>>>) {
  const base = BASE[mod.id]!;
  describe(`${mod.id} params`, () => {
    it('accepts the minimal params and every preset', () => {
      expect(mod.params.safeParse(base.ok).success).toBe(true);
      for (const level of ['low', 'medium', 'high'] as const) {
        const r = mod.params.safeParse({ ...base.ok, ...mod.presets[level] });
        expect(r.success, `${level}: ${JSON.stringify(r.error?.issues)}`).toBe(true);
      }
    });
    it('is strict: unknown keys are refused', () => {
      expect(mod.params.safeParse({ ...base.ok, extra: 1 }).success).toBe(false);
    });
    it.each(base.keys)('refuses every hostile string in %s (also inside arrays)', (key) => {
      for (const h of HOSTILE) {
        expect(mod.params.safeParse({ ...base.ok, [key]: h }).success, `${key}=${JSON.stringify(h)}`).toBe(false);
        expect(mod.params.safeParse({ ...base.ok, [key]: [h] }).success, `${key}=[${JSON.stringify(h)}]`).toBe(false);
      }
    });
    it('never writes sudo itself, and passes --autorespond y to every rocm-smi set/reset', () => {
      const p = mod.params.parse({ ...base.ok, ...mod.presets.high });
      const ctx = labCtx(mod.id === 'gpu-dcgm-inject' ? 'nvidia' : 'amd');
      for (const cmd of [mod.inject(p, ctx), mod.verify(p, ctx), mod.revert(p, ctx)]) {
        expect(cmd.text).not.toMatch(/\bsudo\b/);
        for (const line of cmd.text.split('\n').filter((l) => /rocm-smi .*--(set|reset|gpureset)/.test(l))) expect(line).toContain('--autorespond y');
      }
    });
    it('refuses unsafe run ids (they become paths on the node)', () => {
      const p = mod.params.parse({ ...base.ok, ...mod.presets.low });
      const ctx = { ...labCtx('amd'), runId: '../../etc' };
      if (mod.oneShot) expect(() => mod.inject(p, ctx)).toThrow();
      else expect(() => mod.revert(p, ctx)).toThrow();
    });
  });
}

describe('guards', () => {
  it('refuse a GPU-less node and a tool of the other vendor', () => {
    const pc = gpuFaults.find((m) => m.id === 'gpu-power-cap') as FaultModule<Record<string, unknown>>;
    const p = pc.params.parse({ percent: 50, tool: 'nvidia-smi' });
    expect(pc.guard?.(p, labCtx('none'))).toMatch(/no GPU/);
    expect(pc.guard?.(p, labCtx('amd'))).toMatch(/nvidia GPUs but node sim01 is listed with gpu: amd/);
    expect(pc.guard?.(p, labCtx('nvidia'))).toBeNull();
  });
  it('turn into a clean no-op revert (exit 0) and a failing inject on an unsupported node', () => {
    const fan = gpuFaults.find((m) => m.id === 'gpu-fan') as FaultModule<Record<string, unknown>>;
    const p = fan.params.parse({});
    expect(fan.revert(p, labCtx('nvidia')).text).toMatch(/nothing to revert.*exit 0/s);
    expect(fan.inject(p, labCtx('nvidia')).text).toMatch(/exit 4$/);
  });
});
