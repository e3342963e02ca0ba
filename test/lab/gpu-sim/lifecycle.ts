/**
 * Shared test steps for GPU faults run against the simulators (vitest only).
 */
import { afterEach, expect } from 'vitest';
import type { FaultContext, FaultModule } from '../../../src-main/faults/types.js';
import { cleanRunDirs, gpuSettings, labCtx, makeLab, type Lab } from './harness.js';

/** A lifecycle runs ~30 simulator processes (node + python3 each); on a busy 2-core box that takes a while. */
export const SLOW = 90_000;

/** Fresh lab + context per call, disposed after each test. Call once at the top of a test file. */
export function labPerTest(): (vendor: 'amd' | 'nvidia', opts?: Parameters<typeof makeLab>[1]) => { lab: Lab; ctx: FaultContext } {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()?.();
  });
  return (vendor, opts = {}) => {
    const lab = makeLab(vendor, opts);
    const ctx = labCtx(vendor);
    cleanups.push(() => {
      cleanRunDirs(ctx);
      lab.dispose();
    });
    return { lab, ctx };
  };
}

export const show = (r: { code: number; stdout: string; stderr: string }): string => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

/**
 * revert before inject is a clean no-op; verify fails; inject -> verify passes and settings change;
 * revert -> verify fails and the simulated GPUs are exactly as before; a second revert is fine.
 */
export function lifecycle<P>(mod: FaultModule<P>, p: P, lab: Lab, ctx: FaultContext, settings: (l: Lab) => unknown = gpuSettings): void {
  const before = settings(lab);
  expect(lab.run(mod.revert(p, ctx)).code, 'revert before any inject is a clean no-op').toBe(0);
  expect(settings(lab)).toEqual(before);
  const pre = lab.run(mod.verify(p, ctx));
  expect(pre.code, show(pre)).not.toBe(0);
  const inj = lab.run(mod.inject(p, ctx));
  expect(inj.code, show(inj)).toBe(0);
  const v = lab.run(mod.verify(p, ctx));
  expect(v.code, show(v)).toBe(0);
  expect(settings(lab)).not.toEqual(before);
  const rv = lab.run(mod.revert(p, ctx));
  expect(rv.code, show(rv)).toBe(0);
  const post = lab.run(mod.verify(p, ctx));
  expect(post.code, show(post)).not.toBe(0);
  expect(settings(lab)).toEqual(before);
  const again = lab.run(mod.revert(p, ctx));
  expect(again.code, show(again)).toBe(0);
}
