import { z } from 'zod';
import { checked } from './ids.js';
import { chainInject, chainObserve, chainRevert, chainVerify, type ChainSpec, type Hook } from './iptables-chain.js';
import { firstReason, refuseManagementHost } from './safety-policy.js';
import { peerList, percent } from './schemas.js';
import type { FaultModule } from './types.js';
import { chainStop } from './iptables-chain-stop.js';

const Params = z.strictObject({
  /** Share of packets dropped, independently per packet. */
  percent: percent,
  /** Which way packets are dropped. `both` compounds: a round trip survives with (1-p)^2. */
  direction: z.enum(['ingress', 'egress', 'both']).default('egress'),
  /** Only traffic with these peers; absent means every peer except the management flow. */
  peers: peerList.optional(),
});
export type NetworkLossParams = z.infer<typeof Params>;

const HOOKS: Record<NetworkLossParams['direction'], Hook[]> = { ingress: ['INPUT'], egress: ['OUTPUT'], both: ['INPUT', 'OUTPUT'] };

/** iptables' statistic match takes a probability in [0,1]; 4 decimals = 0.01 % resolution. */
function probability(p: number): string {
  return (p / 100).toFixed(4);
}

function spec(p: NetworkLossParams): ChainSpec {
  const drop = ['-m', 'statistic', '--mode', 'random', '--probability', probability(p.percent), '-j', 'DROP'];
  const rules = p.peers
    ? p.peers.flatMap((peer) => [['-s', peer, ...drop], ['-d', peer, ...drop]])
    : [['-i', 'lo', '-j', 'RETURN'], ['-o', 'lo', '-j', 'RETURN'], drop].filter((r) => {
        // `-i` is only valid in INPUT and `-o` only in OUTPUT; keep the loopback exemption that fits the hooks.
        if (r[0] === '-i') return HOOKS[p.direction].includes('INPUT');
        if (r[0] === '-o') return HOOKS[p.direction].includes('OUTPUT');
        return true;
      });
  return { hooks: HOOKS[p.direction], rules, needMgmt: !p.peers, protectFrom: p.peers ?? [] };
}

/** Random packet loss with iptables' statistic match in our own chain (works without sch_netem). */
export const networkLoss: FaultModule<NetworkLossParams> = {
  id: 'network-loss',
  title: 'Packet loss',
  category: 'network',
  risk: 'medium',
  caveat: 'IPv4 only; loopback traffic is never dropped; the SSH management flow is exempt.',
  params: Params,
  presets: { low: { percent: 5 }, medium: { percent: 20 }, high: { percent: 50 } },
  requires: { tools: ['iptables'], root: true, kernel: ['xt_statistic', 'xt_comment'] },
  guard: (p, ctx) => firstReason(refuseManagementHost(ctx.safety, p.peers ?? [], 'peer')),
  inject: checked((p, ctx) => chainInject(ctx, spec(p))),
  verify: checked((p, ctx) => chainVerify(ctx, spec(p))),
  revert: checked((_p, ctx) => chainRevert(ctx)),
  stop: checked((_p, ctx) => chainStop(ctx)),
  observe: checked((_p, ctx) => chainObserve(ctx)),
};
