import { z } from 'zod';
import { checked } from './ids.js';
import { firstReason, refuseManagementHost } from './safety-policy.js';
import { iface, ipv4 } from './schemas.js';
import { shapeInject, shapeObserve, shapeRevert, shapeVerify, type ShapeSpec } from './tc-shape.js';
import type { FaultModule } from './types.js';

/**
 * The queue may hold this long before tbf drops; long enough that a TCP flow keeps its window full
 * at low rates, short enough that the fault reads as "slow" rather than "stalled".
 */
const TBF_LATENCY_MS = 200;
/** Bucket at least 20 ms worth of tokens (kernel timers tick every 1-10 ms) and never below two 1500-byte packets. */
const MIN_BURST_BYTES = 3200;
const BURST_WINDOW_S = 0.02;

const Params = z.strictObject({
  iface: iface,
  /** Egress rate cap in kbit/s (8 kbit/s .. 100 Gbit/s). */
  rateKbit: z.number().int('must be whole kbit/s').min(8, 'must be at least 8 kbit/s').max(100_000_000, 'must be at most 100 Gbit/s'),
  /** Only traffic to these IPv4 hosts; absent = all egress on the interface except the management flow. */
  peers: z.array(ipv4).min(1).max(64).optional(),
});
export type NetworkBandwidthParams = z.infer<typeof Params>;

/** tbf leaf argv for a rate in kbit/s; shared with dependency-slow. */
export function tbfLeaf(rateKbit: number): string[] {
  const burst = Math.max(MIN_BURST_BYTES, Math.ceil(((rateKbit * 1000) / 8) * BURST_WINDOW_S));
  return ['tbf', 'rate', `${rateKbit}kbit`, 'burst', String(burst), 'latency', `${TBF_LATENCY_MS}ms`];
}

function spec(p: NetworkBandwidthParams): ShapeSpec {
  return { iface: p.iface, leaf: tbfLeaf(p.rateKbit), ...(p.peers ? { targets: p.peers.map((dst) => ({ dst })) } : {}) };
}

/** Bandwidth limit: a token bucket (tc tbf) on an interface's egress. */
export const networkBandwidth: FaultModule<NetworkBandwidthParams> = {
  id: 'network-bandwidth',
  title: 'Bandwidth limit',
  category: 'network',
  risk: 'medium',
  caveat: 'Shapes egress only (replies the node sends); refuses an interface that already has a custom root qdisc.',
  params: Params,
  presets: { low: { rateKbit: 100_000 }, medium: { rateKbit: 10_000 }, high: { rateKbit: 1_000 } },
  requires: { tools: ['tc', 'ip'], root: true, kernel: ['sch_htb', 'sch_tbf', 'cls_u32'] },
  guard: (p, ctx) => firstReason(refuseManagementHost(ctx.safety, p.peers ?? [], 'peer')),
  inject: checked((p, ctx) => shapeInject(ctx, spec(p))),
  verify: checked((p, ctx) => shapeVerify(ctx, spec(p))),
  revert: checked((_p, ctx) => shapeRevert(ctx)),
  observe: checked(() => shapeObserve()),
};
