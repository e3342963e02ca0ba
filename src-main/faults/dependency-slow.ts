import { z } from 'zod';
import { checked } from './ids.js';
import { firstReason, refuseManagementHost } from './safety-policy.js';
import { tbfLeaf } from './network-bandwidth.js';
import { delayLeaf } from './network-netem.js';
import { ipv4, port } from './schemas.js';
import { shapeInject, shapeObserve, shapeRevert, shapeVerify, type ShapeSpec } from './tc-shape.js';
import type { FaultModule } from './types.js';

const Params = z
  .strictObject({
    host: ipv4,
    port: port,
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    /** Throttle the flow to this rate (tbf) ... */
    rateKbit: z.number().int().min(8, 'must be at least 8 kbit/s').max(100_000_000, 'must be at most 100 Gbit/s').optional(),
    /** ... or delay it (netem; needs sch_netem). Exactly one of the two. */
    delayMs: z.number().int().min(1, 'must be at least 1 ms').max(60_000, 'must be at most 60000 ms').optional(),
  })
  .refine((p) => (p.rateKbit === undefined) !== (p.delayMs === undefined), {
    message: 'set exactly one of rateKbit (throttle) or delayMs (delay)',
    path: ['rateKbit'],
  });
export type DependencySlowParams = z.infer<typeof Params>;

function spec(p: DependencySlowParams): ShapeSpec {
  return {
    routeTo: p.host,
    leaf: p.rateKbit !== undefined ? tbfLeaf(p.rateKbit) : delayLeaf(p.delayMs ?? 0),
    targets: [{ dst: p.host, dport: p.port, proto: p.protocol }],
  };
}

/** Slow dependency: shape only this node's traffic to one upstream host:port (u32 filter), nothing else. */
export const dependencySlow: FaultModule<DependencySlowParams> = {
  id: 'dependency-slow',
  title: 'Slow dependency',
  category: 'dependency',
  risk: 'low',
  caveat: 'Shapes requests this node sends to host:port (egress); delayMs needs the sch_netem kernel module, rateKbit does not.',
  params: Params,
  presets: { low: { rateKbit: 10_000 }, medium: { rateKbit: 1_000 }, high: { rateKbit: 100 } },
  requires: { tools: ['tc', 'ip'], root: true, kernel: ['sch_htb', 'sch_tbf', 'cls_u32'] },
  guard: (p, ctx) => firstReason(refuseManagementHost(ctx.safety, [p.host], 'host')),
  inject: checked((p, ctx) => shapeInject(ctx, spec(p))),
  verify: checked((p, ctx) => shapeVerify(ctx, spec(p))),
  revert: checked((_p, ctx) => shapeRevert(ctx)),
  observe: checked(() => shapeObserve()),
};
