/**
 * Runbook checks for `k8s:` targets, run with the other scenario checks (no API call: `gameday
 * validate` works offline). A k8s target needs a parsable selector and maxPods (not maxNodes); a
 * protected namespace needs allowProtectedNamespace and approval: required on every inject step
 * that reaches it; an inject step on it names a Kubernetes fault kind with valid parameters and,
 * unless one-shot, a duration (spec.duration is Chaos Mesh's dead-man and must be known at create).
 */
import type { Inventory } from '../inventory/index.js';
import { flattenSteps } from './model.js';
import type { ProblemSink } from './problems.js';
import type { Scenario } from './schema.js';
import { K8S_FAULTS, getK8sFault, resolveK8sParams } from '../faults/index.js';
import { DEFAULT_PROTECTED_NAMESPACES } from '../inventory/index.js';
import { isK8sSelector, K8sSelectorError, parseK8sSelector } from '../inventory/index.js';

/** Names of the targets whose selector is a `k8s:` one. */
export function k8sTargets(s: Pick<Scenario, 'targets'>): Set<string> {
  return new Set(Object.entries(s.targets ?? {}).filter(([, t]) => typeof t?.selector === 'string' && isK8sSelector(t.selector)).map(([n]) => n));
}

/** Check the runbook's k8s targets and the inject steps on them. */
export function checkK8sScenario(s: Scenario, sink: ProblemSink, inv?: Inventory): void {
  const mine = k8sTargets(s);
  if (mine.size === 0) return;
  const protectedNs = inv?.kubernetes?.protectedNamespaces ?? [...DEFAULT_PROTECTED_NAMESPACES];
  const guarded = new Set<string>();
  if (inv && !inv.kubernetes) sink.add(['targets'], `the runbook has Kubernetes targets but ${inv.file} has no kubernetes: section`, { hint: 'add kubernetes: { kubeconfig: ~/.kube/config, context: NAME, namespace: NS } to the inventory' });
  for (const name of mine) {
    const t = s.targets[name]!;
    if (t.maxPods === undefined) sink.add(['targets', name, 'maxNodes'], `target "${name}" selects pods: its blast radius is maxPods`, { hint: 'write maxPods: N instead of maxNodes' });
    try {
      const sel = parseK8sSelector(t.selector);
      const ns = sel.namespace ?? inv?.kubernetes?.namespace;
      if (ns !== undefined && protectedNs.includes(ns)) {
        if (!t.allowProtectedNamespace) sink.add(['targets', name, 'selector'], `target "${name}" is in the protected namespace ${ns}`, { hint: 'set allowProtectedNamespace: true on the target (and approval: required on its inject steps) if you mean it' });
        else guarded.add(name);
      }
    } catch (e) {
      if (!(e instanceof K8sSelectorError)) throw e;
      sink.add(['targets', name, 'selector'], e.message, { hint: e.hint });
    }
  }
  for (const x of flattenSteps(s)) {
    const st = x.step;
    if (st.kind === 'command' || st.kind === 'integrity') {
      if (mine.has(st.target)) sink.add([...x.path, 'target'], `${st.kind} steps run over SSH: "${st.target}" is a Kubernetes target`, { hint: 'use an SSH target (an inventory selector) for commands' });
      continue;
    }
    if (st.kind !== 'inject' || !mine.has(st.target)) continue;
    const f = getK8sFault(st.fault);
    if (!f) {
      sink.add([...x.path, 'fault'], `"${st.fault}" is not a Kubernetes fault`, { hint: `on k8s: targets: ${Object.keys(K8S_FAULTS).join(', ')}` });
      continue;
    }
    const r = resolveK8sParams(f, st.intensity, st.params);
    if (!r.ok) for (const m of r.issues) sink.add([...x.path, st.params ? 'params' : 'fault'], `${f.id} (Chaos Mesh ${f.chaosKind}): ${m}`);
    if (!f.oneShot && st.duration === undefined) sink.add([...x.path, 'fault'], `${f.id} on "${st.target}" needs a duration`, { hint: 'Chaos Mesh counts spec.duration from creation and it cannot be changed later: add duration: 60s (a revert step may still end it earlier)' });
    if (guarded.has(st.target) && st.approval !== 'required') sink.add([...x.path, 'target'], `"${st.target}" is in a protected namespace: this step needs an approver`, { hint: 'add approval: required' });
  }
}
