import { z } from 'zod';
import { Shell } from '../shell/index.js';
import { checked } from './ids.js';
import { stressInject, stressRevert, stressVerify } from './stress.js';
import type { FaultModule } from './types.js';
import { stressStop } from './stress-stop.js';

/** Above this share of available memory the OOM killer is likely to pick a real service. */
const MAX_PERCENT = 95;

const Params = z.strictObject({
  /** Share of *available* memory to hold, split across workers (stress-ng --vm-bytes N%). */
  percent: z.number().int().min(1, 'must be 1-95').max(MAX_PERCENT, `must be at most ${MAX_PERCENT} (leave room or the OOM killer picks a victim)`),
  workers: z.number().int().min(1, 'must be at least 1').max(64, 'must be at most 64').default(1),
});
export type MemoryPressureParams = z.infer<typeof Params>;

/** Memory pressure with stress-ng --vm, keeping the pages dirty (--vm-keep). */
export const memoryPressure: FaultModule<MemoryPressureParams> = {
  id: 'memory-pressure',
  title: 'Memory pressure',
  category: 'host',
  risk: 'high',
  caveat: 'May wake the OOM killer, which can pick a real service rather than stress-ng.',
  params: Params,
  presets: { low: { percent: 30 }, medium: { percent: 60 }, high: { percent: 85 } },
  requires: { tools: ['stress-ng', 'setsid'], root: false },
  inject: checked((p, ctx) => stressInject(ctx, ['--vm', String(p.workers), '--vm-bytes', `${p.percent}%`, '--vm-keep'])),
  verify: checked((_p, ctx) => stressVerify(ctx)),
  revert: checked((_p, ctx) => stressRevert(ctx)),
  stop: checked((_p, ctx) => stressStop(ctx, 'kill')),
  observe: checked(() => Shell.raw("grep -E '^(MemTotal|MemAvailable):' /proc/meminfo")),
};
