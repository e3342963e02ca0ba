import { z } from 'zod';
import { checked } from './ids.js';
import { chainInject, chainObserve, chainRevert, chainVerify, type ChainSpec } from './iptables-chain.js';
import { firstReason, refuseManagementHost, refuseSshPort } from './safety-policy.js';
import { peerList, port } from './schemas.js';
import type { FaultModule } from './types.js';
import { chainStop } from './iptables-chain-stop.js';

const Params = z.strictObject({
  /** Local port of the service to cut off. */
  port: port,
  protocol: z.enum(['tcp', 'udp', 'both']).default('tcp'),
  /** reject = clients see "connection refused" at once; drop = clients hang until they time out. */
  mode: z.enum(['reject', 'drop']).default('reject'),
  /** Only clients from these addresses; absent = every client except the management flow. */
  sources: peerList.optional(),
});
export type PortBlockParams = z.infer<typeof Params>;

function spec(p: PortBlockParams): ChainSpec {
  const protos = p.protocol === 'both' ? (['tcp', 'udp'] as const) : [p.protocol];
  const srcs = p.sources ? p.sources.map((s) => ['-s', s]) : [[]];
  const target = (proto: 'tcp' | 'udp') =>
    p.mode === 'drop' ? ['-j', 'DROP'] : proto === 'tcp' ? ['-j', 'REJECT', '--reject-with', 'tcp-reset'] : ['-j', 'REJECT'];
  const rules = srcs.flatMap((s) => protos.map((proto) => [...s, '-p', proto, '--dport', String(p.port), ...target(proto)]));
  return { hooks: ['INPUT'], rules, needMgmt: false, protectPorts: [p.port] };
}

/** Port/service block: refuse or drop inbound connections to one local port. */
export const portBlock: FaultModule<PortBlockParams> = {
  id: 'port-block',
  title: 'Port / service block',
  category: 'network',
  risk: 'medium',
  caveat: 'IPv4 only; blocks inbound traffic to the port, clients on the node itself via loopback included.',
  params: Params,
  presets: { low: { mode: 'reject' }, medium: { mode: 'reject' }, high: { mode: 'drop' } },
  requires: { tools: ['iptables'], root: true, kernel: ['xt_comment'] },
  guard: (p, ctx) => firstReason(refuseSshPort(ctx.safety, p.port), refuseManagementHost(ctx.safety, p.sources ?? [], 'source')),
  inject: checked((p, ctx) => chainInject(ctx, spec(p))),
  verify: checked((p, ctx) => chainVerify(ctx, spec(p))),
  revert: checked((_p, ctx) => chainRevert(ctx)),
  stop: checked((_p, ctx) => chainStop(ctx)),
  observe: checked((_p, ctx) => chainObserve(ctx)),
};
