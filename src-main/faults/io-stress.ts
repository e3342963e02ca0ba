import { z } from 'zod';
import { sh } from '../shell/index.js';
import { checked } from './ids.js';
import { absPath } from './schemas.js';
import { stressInject, stressRevert, stressVerify } from './stress.js';
import type { FaultModule } from './types.js';
import { stressStop } from './stress-stop.js';

const Params = z.strictObject({
  /** io = sync() storms (--io); hdd = write/unlink files under path (--hdd); both = the two together. */
  mode: z.enum(['io', 'hdd', 'both']).default('hdd'),
  workers: z.number().int().min(1, 'must be at least 1').max(64, 'must be at most 64'),
  /** Directory for --hdd files (stress-ng --temp-path); keep it off / where possible. */
  path: absPath.default('/tmp'),
  /** Bytes each hdd worker writes per cycle, in MB (1 MB .. 64 GB). */
  hddMb: z.number().int().min(1, 'must be at least 1 MB').max(65_536, 'must be at most 65536 MB').default(256),
});
export type IoStressParams = z.infer<typeof Params>;

function args(p: IoStressParams): string[] {
  const io = ['--io', String(p.workers)];
  const hdd = ['--hdd', String(p.workers), '--hdd-bytes', `${p.hddMb}M`, '--temp-path', p.path];
  return p.mode === 'io' ? io : p.mode === 'hdd' ? hdd : [...io, ...hdd];
}

/** I/O stress with stress-ng --io / --hdd. */
export const ioStress: FaultModule<IoStressParams> = {
  id: 'io-stress',
  title: 'I/O stress',
  category: 'host',
  risk: 'medium',
  caveat: 'hdd mode writes up to workers x hddMb under path; stress-ng removes its files when stopped.',
  params: Params,
  presets: { low: { workers: 1, hddMb: 64 }, medium: { workers: 2, hddMb: 256 }, high: { workers: 4, hddMb: 1024 } },
  requires: { tools: ['stress-ng', 'setsid'], root: false },
  inject: checked((p, ctx) => stressInject(ctx, args(p))),
  verify: checked((_p, ctx) => stressVerify(ctx)),
  revert: checked((_p, ctx) => stressRevert(ctx)),
  stop: checked((_p, ctx) => stressStop(ctx, 'term')),
  observe: checked((p) => sh`df -P ${p.path}; cat /proc/loadavg`),
};
