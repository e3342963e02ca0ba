/**
 * The safety policy, in one place: the blast radius (nodes per fault, protected nodes, prod), the
 * two-person rule, and the management paths no fault may cut (the SSH ports and jump hosts the
 * console reaches the nodes through). The fault manager checks the blast radius before anything is
 * sent, and hands the policy with the management paths of the nodes in play to every fault through
 * its context (`FaultContext.safety`), where the guards read it. No module-level state: two runs in
 * one process (the console, tests) each carry their own.
 *
 * The node-side scripts also exempt the live SSH flow ($SSH_CONNECTION) first in every chain; the
 * guards here refuse obviously dangerous parameters before anything is sent.
 */
import { BlockList, isIPv4 } from 'node:net';
import { globMatch } from '../ssh/index.js';
import type { PolicyNode } from './target.js';

/**
 * Blast-radius rules, enforced in the engine (not only in the UI): a fault that breaks one is
 * refused before anything is sent.
 */
export interface SafetyPolicy {
  /** At most this many nodes per fault injection. */
  maxNodesPerFault: number;
  /** Node names, hosts or `tag:x` that no fault may touch (globs allowed in names/hosts). */
  protected: string[];
  /** The scenario explicitly allows prod targets (still needs an approver). */
  allowProd: boolean;
  /** Who started the run; approvals must come from someone else (two-person rule). */
  commander: string;
}

export const DEFAULT_POLICY: SafetyPolicy = { maxNodesPerFault: 10, protected: [], allowProd: false, commander: 'commander' };

/** The paths the console manages the nodes through: cutting any of them cuts the console off. */
export interface ManagementPaths {
  /** Ports that carry SSH on the nodes (22 always among them). */
  sshPorts: number[];
  /** IPv4 addresses of management hosts (jump hosts / bastions). */
  hosts: string[];
}

/** What a fault's guard checks against: the run's policy and the management paths of the nodes in play. */
export interface FaultSafety extends SafetyPolicy {
  management: ManagementPaths;
}

/** SSH listens on 22 unless the inventory says otherwise; the ports the targets use are added. */
const DEFAULT_SSH_PORTS = [22];

/** How a target is reached, as far as the management paths go (a FaultTarget is one). */
export interface ReachedThrough {
  spec: { port: number; jump?: Array<{ host: string }> | undefined };
}

/** Every SSH port and jump host the targets are reached through (port 22 always protected). */
export function managementPaths(targets: ReachedThrough[]): ManagementPaths {
  return {
    sshPorts: [...new Set([...DEFAULT_SSH_PORTS, ...targets.map((t) => t.spec.port)])],
    hosts: [...new Set(targets.flatMap((t) => (t.spec.jump ?? []).map((j) => j.host)))].filter((h) => isIPv4(h)),
  };
}

/** The policy as a fault's context carries it, for these targets. */
export function faultSafety(policy: SafetyPolicy, targets: ReachedThrough[]): FaultSafety {
  return { ...policy, management: managementPaths(targets) };
}

export interface PolicyDecision {
  ok: boolean;
  /** Plain reasons for a refusal. */
  refusals: string[];
  /** An approval by someone other than the commander is needed before this may run. */
  needsApproval: string[];
}

/**
 * `*` and `?` wildcards without building a RegExp: a long pattern from a runbook or `--protect`
 * cannot hit the regex engine's size limit or backtrack (globMatch is a linear two-pointer walk).
 */
function glob(pattern: string, s: string): boolean {
  return globMatch(s, pattern);
}

/** Is a node protected by one of the policy's entries? */
export function isProtected(policy: SafetyPolicy, n: PolicyNode): string | null {
  for (const p of policy.protected) {
    if (p.startsWith('tag:') ? n.tags.includes(p.slice(4)) : glob(p, n.name) || glob(p, n.host)) return p;
  }
  return null;
}

/** Decide whether a fault may run on these nodes, and whether it needs a second person. */
export function checkBlastRadius(policy: SafetyPolicy, mod: { id: string; risk: 'low' | 'medium' | 'high'; oneShot?: boolean }, nodes: PolicyNode[], approver?: string): PolicyDecision {
  const refusals: string[] = [];
  const needsApproval: string[] = [];
  if (nodes.length > policy.maxNodesPerFault)
    refusals.push(`${mod.id} would hit ${nodes.length} nodes; the limit is ${policy.maxNodesPerFault} per fault (raise maxNodesPerFault in the scenario if you mean it)`);
  for (const n of nodes) {
    const p = isProtected(policy, n);
    if (p) refusals.push(`${n.name} is protected (${p}); no fault may touch it`);
  }
  const prod = nodes.filter((n) => n.env === 'prod');
  if (prod.length > 0) {
    if (!policy.allowProd) refusals.push(`${prod.map((n) => n.name).join(', ')} ${prod.length === 1 ? 'is' : 'are'} tagged env: prod; prod targets are refused unless the scenario allows them`);
    else needsApproval.push(`targets in prod (${prod.map((n) => n.name).join(', ')})`);
  }
  if (mod.risk === 'high') needsApproval.push(`${mod.id} is a high-risk fault${mod.oneShot ? ' and cannot be reverted' : ''}`);
  if (needsApproval.length > 0) {
    if (!approver) refusals.push(`needs approval by someone other than the commander: ${needsApproval.join('; ')}`);
    else if (approver.trim().toLowerCase() === policy.commander.trim().toLowerCase())
      refusals.push(`the approver must not be the commander (${policy.commander}): two-person rule`);
  }
  return { ok: refusals.length === 0, refusals, needsApproval };
}

// ---- management-path guards (the faults' `guard` functions call these with their context's safety) ----

/**
 * Reason to refuse when a port is an SSH management port, else null. Without a context's safety
 * (a fault built outside a run: tests, tools) only port 22 is known to carry SSH.
 */
export function refuseSshPort(safety: Pick<FaultSafety, 'management'> | undefined, p: number, what = 'port'): string | null {
  const ports = safety?.management.sshPorts ?? DEFAULT_SSH_PORTS;
  return ports.includes(p) ? `${what} ${p} carries SSH management traffic; blocking or shaping it would lock the console out` : null;
}

/** Does an IPv4 address or CIDR cover the given address? */
export function covers(ipOrCidr: string, addr: string): boolean {
  const [net, bits] = ipOrCidr.split('/');
  if (!net || !isIPv4(net) || !isIPv4(addr)) return false;
  const list = new BlockList();
  list.addSubnet(net, bits === undefined ? 32 : Number(bits), 'ipv4');
  return list.check(addr, 'ipv4');
}

/** Reason to refuse when any target covers a known management host, else null. */
export function refuseManagementHost(safety: Pick<FaultSafety, 'management'> | undefined, targets: string[], what = 'target'): string | null {
  for (const t of targets) {
    for (const h of safety?.management.hosts ?? []) {
      if (covers(t, h)) return `${what} ${t} includes management host ${h}; the console would lose its path to the node`;
    }
  }
  return null;
}

/** First non-null reason, or null. */
export function firstReason(...reasons: Array<string | null>): string | null {
  return reasons.find((r) => r !== null) ?? null;
}
