import { globMatch } from '../ssh/ssh-config.js';
import type { FaultModule } from '../faults/types.js';

/** What the targets of one fault look like to the policy (a subset of an inventory node). */
export interface PolicyNode {
  name: string;
  host: string;
  env: 'lab' | 'staging' | 'prod';
  tags: string[];
}

/**
 * Blast-radius rules, enforced in the engine (not only in the UI): a fault that breaks one is
 * refused before anything is sent.
 */
export interface BlastPolicy {
  /** At most this many nodes per fault injection. */
  maxNodesPerFault: number;
  /** Node names, hosts or `tag:x` that no fault may touch (globs allowed in names/hosts). */
  protected: string[];
  /** The scenario explicitly allows prod targets (still needs an approver). */
  allowProd: boolean;
  /** Who started the run; approvals must come from someone else (two-person rule). */
  commander: string;
}

export const DEFAULT_POLICY: BlastPolicy = { maxNodesPerFault: 10, protected: [], allowProd: false, commander: 'commander' };

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
export function isProtected(policy: BlastPolicy, n: PolicyNode): string | null {
  for (const p of policy.protected) {
    if (p.startsWith('tag:') ? n.tags.includes(p.slice(4)) : glob(p, n.name) || glob(p, n.host)) return p;
  }
  return null;
}

/** Decide whether a fault may run on these nodes, and whether it needs a second person. */
export function checkBlastRadius(policy: BlastPolicy, mod: Pick<FaultModule, 'id' | 'risk' | 'oneShot'>, nodes: PolicyNode[], approver?: string): PolicyDecision {
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
