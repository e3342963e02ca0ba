import { z } from 'zod';
import { checked } from './ids.js';
import { chainInject, chainObserve, chainRevert, chainVerify, type ChainSpec } from './iptables-chain.js';
import { firstReason, refuseManagementHost } from './safety-policy.js';
import { ipv4, port } from './schemas.js';
import type { FaultModule } from './types.js';
import { chainStop } from './iptables-chain-stop.js';

const Params = z.strictObject({
  /** The upstream this node depends on (IPv4: rules must not depend on the node's DNS). */
  host: ipv4,
  port: port,
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  /** reject = the dependency looks down (refused); drop = it looks hung (timeouts). */
  mode: z.enum(['reject', 'drop']).default('reject'),
});
export type DependencyBlockParams = z.infer<typeof Params>;

function spec(p: DependencyBlockParams): ChainSpec {
  const target = p.mode === 'drop' ? ['-j', 'DROP'] : p.protocol === 'tcp' ? ['-j', 'REJECT', '--reject-with', 'tcp-reset'] : ['-j', 'REJECT'];
  return {
    hooks: ['OUTPUT'],
    rules: [['-d', `${p.host}/32`, '-p', p.protocol, '--dport', String(p.port), ...target]],
    needMgmt: false,
  };
}

/** Dependency block: this node can no longer reach one upstream host:port (outbound only). */
export const dependencyBlock: FaultModule<DependencyBlockParams> = {
  id: 'dependency-block',
  title: 'Dependency unreachable',
  category: 'dependency',
  risk: 'medium',
  caveat: 'Only new and existing traffic from this node to host:port is blocked; other nodes still reach it.',
  params: Params,
  presets: { low: { mode: 'reject' }, medium: { mode: 'reject' }, high: { mode: 'drop' } },
  requires: { tools: ['iptables'], root: true, kernel: ['xt_comment'] },
  guard: (p, ctx) => firstReason(refuseManagementHost(ctx.safety, [p.host], 'host')),
  inject: checked((p, ctx) => chainInject(ctx, spec(p))),
  verify: checked((p, ctx) => chainVerify(ctx, spec(p))),
  revert: checked((_p, ctx) => chainRevert(ctx)),
  stop: checked((_p, ctx) => chainStop(ctx)),
  observe: checked((_p, ctx) => chainObserve(ctx)),
};
