/**
 * Optional checks against a real inventory (`gameday validate --inventory FILE`): every target
 * selects at least one node and no more than its maxNodes, protected nodes and environments are
 * respected, and GPU faults and probes land on nodes that have a GPU.
 */
import { isK8sSelector } from '../inventory/index.js';
import { selectNodes, SelectorError, type Inventory, type InventoryNode } from '../inventory/index.js';
import { listFaults } from '../faults/index.js';
import { flattenSteps } from './model.js';
import type { ProblemSink } from './problems.js';
import type { Scenario } from './schema.js';

/** Nodes a target selects, or undefined when the selector fails (already reported). */
function resolveTarget(inv: Inventory, name: string, selector: string, sink: ProblemSink): InventoryNode[] | undefined {
  try {
    return selectNodes(inv, selector);
  } catch (e) {
    if (!(e instanceof SelectorError)) throw e;
    sink.add(['targets', name, 'selector'], `in ${inv.file}: ${e.message.replace(/ \(.*\)$/, '')}`, { hint: e.hint });
    return undefined;
  }
}

function protectedNodes(inv: Inventory, s: Scenario, sink: ProblemSink): Set<string> {
  const names = new Set<string>();
  s.protected.forEach((sel, i) => {
    try {
      for (const n of selectNodes(inv, sel)) names.add(n.name);
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      // A guard that matches nothing here is fine (the inventory simply has no such node).
      if (e.code !== 'NO_MATCH') sink.add(['protected', i], `in ${inv.file}: ${e.message.replace(/ \(.*\)$/, '')}`, { hint: e.hint });
    }
  });
  return names;
}

/** A node's `{host}` as probes fill it (the SSH layer's address) and, when it does not resolve, why. */
export interface ProbeHost {
  host: string;
  error?: string;
}

/** http/tcp probes whose `{host}` lands on a node whose address does not resolve here: every sample would fail. */
function checkProbeHosts(s: Scenario, selected: Map<string, InventoryNode[]>, hosts: ReadonlyMap<string, ProbeHost>, sink: ProblemSink): void {
  s.probes.forEach((p, i) => {
    if ((p.kind !== 'http' && p.kind !== 'tcp') || !p.target) return;
    const [field, text] = p.kind === 'http' ? ['url', p.url] : ['address', p.address];
    if (!text.includes('{host}')) return;
    const bad = (selected.get(p.target) ?? []).flatMap((n) => {
      const h = hosts.get(n.name);
      return h?.error ? [`${n.name} → ${h.host} (${h.error})`] : [];
    });
    if (bad.length === 0) return;
    sink.add(['probes', i, field], `{host} cannot be resolved from this machine for ${bad.length} node(s): ${bad.slice(0, 3).join('; ')}${bad.length > 3 ? '; …' : ''}`, {
      severity: 'warning',
      hint: '{host} is the address SSH connects to (ssh_config HostName or ansible_host), {name} the inventory name: give the node an address this machine resolves, or write the probe URL with one',
    });
  });
}

/** Check the runbook's targets against `inv` (and its probe templates against `hosts`, when known). */
export function checkAgainstInventory(s: Scenario, inv: Inventory, sink: ProblemSink, hosts?: ReadonlyMap<string, ProbeHost>): void {
  const guarded = protectedNodes(inv, s, sink);
  const selected = new Map<string, InventoryNode[]>();
  for (const [name, t] of Object.entries(s.targets)) {
    if (isK8sSelector(t.selector)) continue; // pods, not nodes: checks-k8s.ts
    const nodes = resolveTarget(inv, name, t.selector, sink);
    if (!nodes) continue;
    const usable = nodes.filter((n) => !guarded.has(n.name));
    selected.set(name, usable);
    const skipped = nodes.length - usable.length;
    if (skipped > 0) {
      sink.add(['targets', name, 'selector'], `${skipped} selected node${skipped === 1 ? ' is' : 's are'} protected and will be left alone`, { severity: 'warning' });
    }
    if (usable.length === 0) {
      sink.add(['targets', name, 'selector'], `target "${name}" selects no usable node in ${inv.file}`, { hint: nodes.length ? 'every node it selects is protected' : undefined });
    } else if (usable.length > t.maxNodes) {
      sink.add(['targets', name, 'maxNodes'], `target "${name}" selects ${usable.length} nodes, more than maxNodes ${t.maxNodes}`, {
        hint: `narrow the selector or raise maxNodes to ${usable.length} if you mean it (selected: ${usable.map((n) => n.name).slice(0, 10).join(', ')}${usable.length > 10 ? ', …' : ''})`,
      });
    }
    const prod = usable.filter((n) => n.env === 'prod');
    if (prod.length && !(s.environment === 'prod' && s.allowProd)) {
      sink.add(['targets', name, 'selector'], `target "${name}" selects prod nodes (${prod.map((n) => n.name).join(', ')})`, { hint: 'exclude them with ",!env:prod", or run as environment: prod with allowProd: true' });
    }
    const other = usable.filter((n) => n.env !== s.environment && n.env !== 'prod');
    if (other.length) {
      sink.add(['targets', name, 'selector'], `target "${name}" selects ${other[0]!.env} nodes but the runbook's environment is ${s.environment}`, { severity: 'warning' });
    }
  }
  const gpuFaults = new Set(listFaults().filter((f) => f.category === 'gpu').map((f) => f.id));
  for (const x of flattenSteps(s)) {
    if (x.step.kind !== 'inject' || !gpuFaults.has(x.step.fault)) continue;
    const noGpu = (selected.get(x.step.target) ?? []).filter((n) => n.gpu === 'none');
    if (noGpu.length) sink.add([...x.path, 'target'], `${x.step.fault} needs a GPU, but ${noGpu.map((n) => n.name).join(', ')} ha${noGpu.length === 1 ? 's' : 've'} none (gpu: none)`, { hint: 'select the GPU nodes, e.g. selector: "gpu:amd"' });
  }
  if (hosts) checkProbeHosts(s, selected, hosts, sink);
  s.probes.forEach((p, i) => {
    if (p.kind !== 'gpu') return;
    const noGpu = (selected.get(p.target) ?? []).filter((n) => n.gpu === 'none');
    if (noGpu.length) sink.add(['probes', i, 'target'], `gpu probe on nodes without a GPU: ${noGpu.map((n) => n.name).join(', ')}`, { severity: 'warning' });
  });
}
