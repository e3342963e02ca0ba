// One-shot GPU faults: kill GPU processes, GPU reset, RAS injection. Verify checks the effect;
// revert is a labelled no-op.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gpuKillProcesses } from '../../src-main/faults/gpu-kill-processes.js';
import { gpuRasInject } from '../../src-main/faults/gpu-ras-inject.js';
import { gpuReset } from '../../src-main/faults/gpu-reset.js';
import type { FaultContext, FaultModule } from '../../src-main/faults/types.js';
import { cleanRunDirs, gpuSettings, labCtx, makeLab, simState, type Lab } from '../lab/gpu-sim/harness.js';

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
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3) !== 'Z';
}
function spawnOn(lab: Lab, gpu: number, ...extra: string[]): number {
  const pid = Number(lab.tool('gpu-sim-ctl', 'spawn', '--gpu', String(gpu), ...extra).trim());
  cleanups.push(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
  return pid;
}
function oneShotRevert<P>(mod: FaultModule<P>, p: P, ctx: FaultContext, lab: Lab): void {
  expect(mod.oneShot).toBe(true);
  expect(mod.caveat).toBeTruthy();
  const r = lab.run(mod.revert(p, ctx));
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/one-shot: nothing to revert/);
}

describe('gpu-kill-processes', () => {
  const cases = [
    { name: 'amd-smi, one GPU (medium preset)', vendor: 'amd', raw: { ...gpuKillProcesses.presets.medium, graceSec: 2 }, only: undefined },
    { name: 'rocm-smi, all GPUs (high preset)', vendor: 'amd', raw: gpuKillProcesses.presets.high, only: ['rocm-smi', 'gpu-sim-ctl'] },
    { name: 'nvidia-smi, one GPU (low preset)', vendor: 'nvidia', raw: { ...gpuKillProcesses.presets.low, graceSec: 2 }, only: undefined },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const { lab, ctx } = setup(c.vendor, { only: c.only as string[] | undefined });
      const p = gpuKillProcesses.params.parse(c.raw);
      const target = spawnOn(lab, 0);
      const stubborn = spawnOn(lab, 0, '--ignore-term');
      const other = spawnOn(lab, 1);
      expect(lab.run(gpuKillProcesses.verify(p, ctx)).code, 'verify before inject').not.toBe(0);
      const r = lab.run(gpuKillProcesses.inject(p, ctx));
      expect(r.code, show(r)).toBe(0);
      expect(alive(target)).toBe(false);
      expect(alive(stubborn), 'a TERM-proof process gets KILL after the grace period').toBe(false);
      expect(alive(other)).toBe(p.device === 'all' ? false : true);
      const v = lab.run(gpuKillProcesses.verify(p, ctx));
      expect(v.code, show(v)).toBe(0);
      oneShotRevert(gpuKillProcesses, p, ctx, lab);
    }, SLOW);
  }
  it('verify fails while a recorded process is still running', () => {
    const { lab, ctx } = setup('nvidia');
    const p = gpuKillProcesses.params.parse({ graceSec: 0 });
    const r = lab.run(gpuKillProcesses.inject(p, ctx)); // no GPU process yet: an empty record
    expect(r.stdout).toMatch(/no processes/);
    expect(lab.run(gpuKillProcesses.verify(p, ctx)).code).toBe(0);
    const pid = spawnOn(lab, 0);
    const file = [`/run/gameday/${ctx.runId}`, `/tmp/gameday/${ctx.runId}`].map((d) => join(d, `${ctx.faultId}.gpu.state`)).find((f) => existsSync(f))!;
    writeFileSync(file, `${pid}\n`);
    const v = lab.run(gpuKillProcesses.verify(p, ctx));
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`still running: ${pid}`);
  }, SLOW);
  it('rocm-smi with a single device is refused (it cannot map PIDs to a GPU in JSON mode)', () => {
    const { lab, ctx } = setup('amd', { only: ['rocm-smi', 'gpu-sim-ctl'] });
    const p = gpuKillProcesses.params.parse({ device: 0 });
    const pid = spawnOn(lab, 0);
    const r = lab.run(gpuKillProcesses.inject(p, ctx));
    expect(r.code).toBe(4);
    expect(alive(pid)).toBe(true);
    expect(gpuKillProcesses.guard?.({ ...p, tool: 'rocm-smi' }, ctx)).toMatch(/device all/);
  }, SLOW);
});

describe('gpu-reset', () => {
  for (const [vendor, tool] of [['amd', 'rocm-smi'], ['amd', 'amd-smi'], ['nvidia', 'nvidia-smi']] as const) {
    it(`${tool}: settings back to defaults, reset counted, GPU answers`, () => {
      const { lab, ctx } = setup(vendor);
      if (vendor === 'amd') lab.tool('rocm-smi', '-d', '1', '--setperflevel', 'low', '--autorespond', 'y');
      else lab.tool('nvidia-smi', '-i', '1', '-pl', '150');
      const before = gpuSettings(lab)[1];
      const p = gpuReset.params.parse({ ...gpuReset.presets.high, tool, device: 1 });
      const r = lab.run(gpuReset.inject(p, ctx));
      expect(r.code, show(r)).toBe(0);
      expect(simState(lab).gpus[1]!.resetCount).toBe(1);
      expect(simState(lab).gpus[0]!.resetCount).toBe(0);
      expect(gpuSettings(lab)[1]).not.toEqual(before);
      expect(gpuSettings(lab)[1]).toEqual(gpuSettings(lab)[0]);
      const v = lab.run(gpuReset.verify(p, ctx));
      expect(v.code, show(v)).toBe(0);
      oneShotRevert(gpuReset, p, ctx, lab);
    }, SLOW);
  }
  it('nvidia-smi -r is refused while a process holds the GPU', () => {
    const { lab, ctx } = setup('nvidia');
    spawnOn(lab, 0);
    const r = lab.run(gpuReset.inject(gpuReset.params.parse({ device: 0 }), ctx));
    expect(r.code).toBe(255);
    expect(r.stdout).toMatch(/In use by another client/);
  }, SLOW);
  it('needs an explicit single device', () => {
    expect(gpuReset.params.safeParse({}).success).toBe(false);
    expect(gpuReset.params.safeParse({ device: 'all' }).success).toBe(false);
    expect(gpuReset.risk).toBe('high');
  });
});

describe('gpu-ras-inject', () => {
  function fakeSys(lab: Lab): { ctl: string; cnt: string } {
    const root = join(lab.stateDir, 'sysroot');
    const ctlDir = join(root, 'sys/kernel/debug/dri/0/ras');
    const cntDir = join(root, 'sys/class/drm/card0/device/ras');
    mkdirSync(ctlDir, { recursive: true });
    mkdirSync(cntDir, { recursive: true });
    writeFileSync(join(ctlDir, 'ras_ctrl'), '');
    for (const b of ['umc', 'gfx']) writeFileSync(join(cntDir, `${b}_err_count`), 'ue: 0\nce: 3\n');
    lab.env.GAMEDAY_LAB_SYSROOT = root;
    return { ctl: join(ctlDir, 'ras_ctrl'), cnt: cntDir };
  }
  for (const intensity of ['low', 'medium', 'high'] as const) {
    it(`${intensity}: writes the kernel-doc inject line; verify follows the error counter`, () => {
      const { lab, ctx } = setup('amd');
      const { ctl, cnt } = fakeSys(lab);
      const p = gpuRasInject.params.parse({ ...gpuRasInject.presets[intensity], device: 0 });
      const r = lab.run(gpuRasInject.inject(p, ctx));
      expect(r.code, show(r)).toBe(0);
      expect(readFileSync(ctl, 'utf8')).toBe(`inject ${p.block} ${p.error} 0 0x0 0x0 0x0\n`);
      expect(lab.run(gpuRasInject.verify(p, ctx)).code, 'the kernel has not counted it yet').not.toBe(0);
      // The kernel counts the error: bump the counter the way amdgpu would.
      writeFileSync(join(cnt, `${p.block}_err_count`), p.error === 'ue' ? 'ue: 1\nce: 3\n' : 'ue: 0\nce: 4\n');
      const v = lab.run(gpuRasInject.verify(p, ctx));
      expect(v.code, show(v)).toBe(0);
      oneShotRevert(gpuRasInject, p, ctx, lab);
      expect(gpuRasInject.caveat).toMatch(/retire/);
    }, SLOW);
  }
  it('without debugfs it stops with exit 4 and writes nothing', () => {
    const { lab, ctx } = setup('amd');
    lab.env.GAMEDAY_LAB_SYSROOT = join(lab.stateDir, 'empty');
    const r = lab.run(gpuRasInject.inject(gpuRasInject.params.parse({ device: 0, block: 'umc', error: 'ue' }), ctx));
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/debugfs/);
  });
  it('does not use rocm-smi --rasinject', () => {
    const ctx = labCtx('amd');
    expect(gpuRasInject.inject(gpuRasInject.params.parse({ device: 0, block: 'umc', error: 'ue' }), ctx).text).not.toMatch(/rasinject/);
  });
});
