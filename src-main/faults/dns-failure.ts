import { z } from 'zod';
import { checked } from './ids.js';
import { chainInject, chainObserve, chainRevert, chainVerify, type ChainSpec } from './iptables-chain.js';
import { ipv4 } from './schemas.js';
import type { FaultModule } from './types.js';
import { chainStop } from './iptables-chain-stop.js';

const Params = z.strictObject({
  /** reject = resolvers fail fast (ICMP unreachable / TCP reset); drop = lookups time out. */
  mode: z.enum(['reject', 'drop']).default('reject'),
  /** Only these resolvers; absent = every DNS server, including local stubs like 127.0.0.53. */
  servers: z.array(ipv4).min(1).max(16).optional(),
});
export type DnsFailureParams = z.infer<typeof Params>;

function spec(p: DnsFailureParams): ChainSpec {
  const dsts = p.servers ? p.servers.map((s) => ['-d', s]) : [[]];
  const rules = dsts.flatMap((d) => [
    [...d, '-p', 'udp', '--dport', '53', ...(p.mode === 'reject' ? ['-j', 'REJECT'] : ['-j', 'DROP'])],
    [...d, '-p', 'tcp', '--dport', '53', ...(p.mode === 'reject' ? ['-j', 'REJECT', '--reject-with', 'tcp-reset'] : ['-j', 'DROP'])],
  ]);
  return { hooks: ['OUTPUT'], rules, needMgmt: false };
}

/** DNS failure: block outgoing DNS (udp and tcp port 53). */
export const dnsFailure: FaultModule<DnsFailureParams> = {
  id: 'dns-failure',
  title: 'DNS failure',
  category: 'network',
  risk: 'medium',
  caveat: 'Blocks classic DNS on port 53 only (not DNS-over-HTTPS/TLS); answers already cached by the node still resolve.',
  params: Params,
  presets: { low: { mode: 'reject' }, medium: { mode: 'reject' }, high: { mode: 'drop' } },
  requires: { tools: ['iptables'], root: true, kernel: ['xt_comment'] },
  inject: checked((p, ctx) => chainInject(ctx, spec(p))),
  verify: checked((p, ctx) => chainVerify(ctx, spec(p))),
  revert: checked((_p, ctx) => chainRevert(ctx)),
  stop: checked((_p, ctx) => chainStop(ctx)),
  observe: checked((_p, ctx) => chainObserve(ctx)),
};
