/**
 * netem-based faults: latency/jitter, corruption, duplication. They need the sch_netem kernel
 * module, which some kernels lack (this project's CI VM included): inject then fails at
 * `tc qdisc add ... netem` and lease.ts reverts the half-built tree; preflight reports it first.
 */
import { z } from 'zod';
import { checked } from './ids.js';
import { firstReason, refuseManagementHost } from './safety-policy.js';
import { iface, ipv4, percent } from './schemas.js';
import { shapeInject, shapeObserve, shapeRevert, shapeVerify, type ShapeSpec } from './tc-shape.js';
import type { FaultModule, FaultRequires } from './types.js';

const REQUIRES: FaultRequires = { tools: ['tc', 'ip'], root: true, kernel: ['sch_htb', 'sch_netem', 'cls_u32'] };
const CAVEAT = 'Egress only; needs the sch_netem kernel module; refuses an interface that already has a custom root qdisc.';
/** One minute of added delay is already an outage; more is a typo. */
const MAX_DELAY_MS = 60_000;

const peers = z.array(ipv4).min(1).max(64).optional();
const targets = (p: { peers?: string[] | undefined }) => (p.peers ? { targets: p.peers.map((dst) => ({ dst })) } : {});

const LatencyParams = z.strictObject({
  iface: iface,
  delayMs: z.number().int().min(1, 'must be at least 1 ms').max(MAX_DELAY_MS, `must be at most ${MAX_DELAY_MS} ms`),
  jitterMs: z.number().int().min(0, 'must be 0 or more').max(MAX_DELAY_MS, `must be at most ${MAX_DELAY_MS} ms`).default(0),
  peers,
});
export type NetworkLatencyParams = z.infer<typeof LatencyParams>;

/** netem delay leaf; shared with dependency-slow. */
export function delayLeaf(delayMs: number, jitterMs = 0): string[] {
  return ['netem', 'delay', `${delayMs}ms`, ...(jitterMs > 0 ? [`${jitterMs}ms`] : [])];
}

function latencySpec(p: NetworkLatencyParams): ShapeSpec {
  return { iface: p.iface, leaf: delayLeaf(p.delayMs, p.jitterMs), ...targets(p) };
}

/** Latency and jitter with netem. */
export const networkLatency: FaultModule<NetworkLatencyParams> = {
  id: 'network-latency',
  title: 'Latency / jitter',
  category: 'network',
  risk: 'medium',
  caveat: CAVEAT,
  params: LatencyParams,
  presets: { low: { delayMs: 50, jitterMs: 10 }, medium: { delayMs: 200, jitterMs: 50 }, high: { delayMs: 1000, jitterMs: 200 } },
  requires: REQUIRES,
  guard: (p, ctx) => firstReason(refuseManagementHost(ctx.safety, p.peers ?? [], 'peer')),
  inject: checked((p, ctx) => shapeInject(ctx, latencySpec(p))),
  verify: checked((p, ctx) => shapeVerify(ctx, latencySpec(p))),
  revert: checked((_p, ctx) => shapeRevert(ctx)),
  observe: checked(() => shapeObserve()),
};

const PctParams = z.strictObject({ iface: iface, percent: percent, peers });
export type NetworkPctParams = z.infer<typeof PctParams>;

function pctModule(kind: 'corrupt' | 'duplicate', title: string): FaultModule<NetworkPctParams> {
  const spec = (p: NetworkPctParams): ShapeSpec => ({ iface: p.iface, leaf: ['netem', kind, `${p.percent}%`], ...targets(p) });
  return {
    id: `network-${kind}`,
    title,
    category: 'network',
    risk: 'medium',
    caveat: CAVEAT,
    params: PctParams,
    presets: { low: { percent: 1 }, medium: { percent: 5 }, high: { percent: 20 } },
    requires: REQUIRES,
    guard: (p, ctx) => firstReason(refuseManagementHost(ctx.safety, p.peers ?? [], 'peer')),
    inject: checked((p, ctx) => shapeInject(ctx, spec(p))),
    verify: checked((p, ctx) => shapeVerify(ctx, spec(p))),
    revert: checked((_p, ctx) => shapeRevert(ctx)),
    observe: checked(() => shapeObserve()),
  };
}

/** Packet corruption (netem corrupt: a random bit flipped). */
export const networkCorrupt = pctModule('corrupt', 'Packet corruption');
/** Packet duplication (netem duplicate). */
export const networkDuplicate = pctModule('duplicate', 'Packet duplication');
