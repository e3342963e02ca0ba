import { z } from 'zod';
import { checked } from './ids.js';
import { chainInject, chainObserve, chainRevert, chainVerify, type ChainSpec } from './iptables-chain.js';
import { firstReason, refuseManagementHost } from './safety-policy.js';
import { peerList } from './schemas.js';
import type { FaultModule } from './types.js';
import { chainStop } from './iptables-chain-stop.js';

const Params = z.strictObject({
  /** Peers to cut this node off from; absent = everyone (all but loopback and the management flow). */
  peers: peerList.optional(),
  /** DROP looks like a dead link (connects time out); REJECT fails fast. */
  action: z.enum(['drop', 'reject']).default('drop'),
});
export type NetworkPartitionParams = z.infer<typeof Params>;

function spec(p: NetworkPartitionParams): ChainSpec {
  const act = p.action === 'drop' ? ['-j', 'DROP'] : ['-j', 'REJECT'];
  const partition = p.peers
    ? p.peers.flatMap((peer) => [['-s', peer, ...act], ['-d', peer, ...act]])
    : [['-i', 'lo', '-j', 'RETURN'], ['-o', 'lo', '-j', 'RETURN'], act];
  // REJECT answers with ICMP destination-unreachable, which leaves through the same OUTPUT hook
  // and would be dropped by the rules above: let those answers out first, so reject fails fast.
  const rules = p.action === 'reject' ? [['-p', 'icmp', '--icmp-type', 'destination-unreachable', '-j', 'RETURN'], ...partition] : partition;
  return { hooks: ['INPUT', 'OUTPUT'], rules, needMgmt: !p.peers, protectFrom: p.peers ?? [] };
}

/** Network partition: drop all traffic with some peers, or with everyone but the management flow. */
export const networkPartition: FaultModule<NetworkPartitionParams> = {
  id: 'network-partition',
  title: 'Network partition',
  category: 'network',
  risk: 'high',
  caveat: 'IPv4 only; loopback stays up; the SSH management flow (and reconnects to the SSH port from the management host) stays open.',
  params: Params,
  // Intensity here is reach: one peer is not expressible without an address, so presets only vary the action.
  presets: { low: { action: 'reject' }, medium: { action: 'drop' }, high: { action: 'drop' } },
  requires: { tools: ['iptables'], root: true, kernel: ['xt_comment'] },
  guard: (p, ctx) => firstReason(refuseManagementHost(ctx.safety, p.peers ?? [], 'peer')),
  inject: checked((p, ctx) => chainInject(ctx, spec(p))),
  verify: checked((p, ctx) => chainVerify(ctx, spec(p))),
  revert: checked((_p, ctx) => chainRevert(ctx)),
  stop: checked((_p, ctx) => chainStop(ctx)),
  observe: checked((_p, ctx) => chainObserve(ctx)),
};
