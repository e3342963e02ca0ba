import { isK8sSelector } from '../inventory/index.js';
import type { Inventory, InventoryNode } from '../inventory/index.js';
import { selectNodes, toConnectSpec } from '../inventory/index.js';
import type { SshConfig } from '../ssh/index.js';
import type { ProbeNode } from '../probes/index.js';
import type { Scenario } from '../scenario/index.js';
import type { FaultTarget } from '../faults/index.js';

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

/** A runbook target resolved against the inventory: the nodes, refused when over its maxNodes. */
export interface ResolvedTarget {
  name: string;
  selector: string;
  maxNodes: number;
  nodes: FaultTarget[];
}

/** Resolve every `targets:` entry now, so a selector that matches nothing or too much fails before the run. */
export function resolveTargets(s: Scenario, inv: Inventory, sshConfig?: SshConfig): Map<string, ResolvedTarget> {
  const out = new Map<string, ResolvedTarget>();
  for (const [name, t] of Object.entries(s.targets)) {
    if (isK8sSelector(t.selector)) continue; // pods through Chaos Mesh: engines/k8s/cluster-side.ts
    let nodes: InventoryNode[];
    try {
      nodes = selectNodes(inv, t.selector);
    } catch (e) {
      throw new TargetError(`target ${name} (${t.selector}): ${(e as Error).message}`);
    }
    if (nodes.length === 0) throw new TargetError(`target ${name} (${t.selector}) selects no node in the inventory`);
    if (nodes.length > t.maxNodes) throw new TargetError(`target ${name} (${t.selector}) selects ${nodes.length} nodes; its maxNodes is ${t.maxNodes}: refusing (blast radius)`);
    out.set(name, {
      name,
      selector: t.selector,
      maxNodes: t.maxNodes,
      nodes: nodes.map((n) => ({ name: n.name, host: n.host, env: n.env, tags: n.tags, gpu: n.gpu, spec: toConnectSpec(inv, n, sshConfig ? { sshConfig } : undefined) })),
    });
  }
  return out;
}

/**
 * A target's nodes as probes see them: `{host}` is the address the SSH layer resolved (ssh_config's
 * HostName for an alias such as `web1`, else the inventory host), `{name}` the inventory name. An
 * alias only ssh knows would fail every sample with ENOTFOUND.
 */
export function probeNodes(t: ResolvedTarget | undefined): ProbeNode[] {
  return (t?.nodes ?? []).map((n) => ({ name: n.name, host: n.spec.host, port: n.spec.port, gpu: n.gpu, ssh: n.spec }));
}
