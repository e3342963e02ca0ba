import { z } from 'zod';
import { checked } from './ids.js';
import { percent } from './schemas.js';
import { stressInject, stressRevert, stressVerify } from './stress.js';
import type { FaultModule } from './types.js';
import { stressStop } from './stress-stop.js';
import { Shell } from '../shell/index.js';

/** 1024 workers is far beyond any node's cores; more is a typo. */
const MAX_WORKERS = 1024;

const Params = z.strictObject({
  /** CPU workers; 0 = one per online CPU (stress-ng's own meaning of 0). */
  workers: z.number().int().min(0, 'must be 0 (all CPUs) or more').max(MAX_WORKERS, `must be at most ${MAX_WORKERS}`),
  /** Load each worker aims for (stress-ng --cpu-load). */
  loadPercent: percent.refine((v) => v >= 1, 'must be 1-100'),
});
export type CpuStressParams = z.infer<typeof Params>;

/** CPU stress with stress-ng --cpu. */
export const cpuStress: FaultModule<CpuStressParams> = {
  id: 'cpu-stress',
  title: 'CPU stress',
  category: 'host',
  risk: 'medium',
  params: Params,
  presets: { low: { workers: 0, loadPercent: 30 }, medium: { workers: 0, loadPercent: 70 }, high: { workers: 0, loadPercent: 100 } },
  requires: { tools: ['stress-ng', 'setsid'], root: false },
  inject: checked((p, ctx) => stressInject(ctx, ['--cpu', String(p.workers), '--cpu-load', String(Math.round(p.loadPercent))])),
  verify: checked((_p, ctx) => stressVerify(ctx)),
  revert: checked((_p, ctx) => stressRevert(ctx)),
  stop: checked((_p, ctx) => stressStop(ctx, 'kill')),
  observe: checked(() => Shell.raw('cat /proc/loadavg')),
};
