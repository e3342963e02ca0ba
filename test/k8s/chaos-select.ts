/**
 * Chaos Mesh's target selection (pkg/selector/pod, pkg/selector/generic/mode.go): pods from
 * `selector.pods` or from each of `selector.namespaces`, filtered by labelSelectors,
 * expressionSelectors, annotationSelectors, fieldSelectors, podPhaseSelectors and nodes; then
 * `mode`/`value` picks a random subset. Record ids are "namespace/name" for pod selectors and
 * "namespace/name/container" for container selectors (first container when containerNames is empty).
 * Terminating and not-ready pods are selectable, as in Chaos Mesh.
 */
import { NODE_NAME } from './kubelet.js';
import { findResource } from './resources.js';
import { fieldValue, matchLabels, type LabelRequirement } from './selectors.js';
import type { ObjectStore } from './store.js';
import { isObject, type Json, type JsonObject, type KObject } from './types.js';

const PODS = findResource('', 'v1', 'pods')!;

function strMap(v: Json | undefined): Record<string, string> {
  return isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};
}

function strList(v: Json | undefined): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function expressions(v: Json | undefined): LabelRequirement[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObject).map((e) => {
    const op = String(e.operator);
    const mapped = op === 'In' ? 'in' : op === 'NotIn' ? 'notin' : op === 'Exists' ? 'exists' : 'notexists';
    return { key: String(e.key), op: mapped, values: strList(e.values) };
  });
}

/** Pods matching a PodSelectorSpec, before the mode picks among them. */
export function candidatePods(store: ObjectStore, sel: JsonObject): KObject[] {
  let pods: KObject[];
  if (isObject(sel.pods) && Object.keys(sel.pods).length > 0) {
    pods = Object.entries(sel.pods).flatMap(([ns, names]) =>
      strList(names).map((n) => store.get(PODS, ns, n)).filter((p): p is KObject => p !== undefined));
  } else {
    pods = strList(sel.namespaces).flatMap((ns) => store.list(PODS, ns));
  }
  const labels = Object.entries(strMap(sel.labelSelectors)).map(([key, v]): LabelRequirement => ({ key, op: 'eq', values: [v] }));
  const exprs = expressions(sel.expressionSelectors);
  const annotations = Object.entries(strMap(sel.annotationSelectors)).map(([key, v]): LabelRequirement => ({ key, op: 'eq', values: [v] }));
  const fields = Object.entries(strMap(sel.fieldSelectors));
  const phases = strList(sel.podPhaseSelectors);
  const nodes = strList(sel.nodes);
  const nodeLabels = strMap(sel.nodeSelectors);
  const thisNode: Record<string, string> = { 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': 'linux' };
  return pods.filter((p) =>
    matchLabels(p.metadata.labels, [...labels, ...exprs])
    && matchLabels(p.metadata.annotations, annotations)
    && fields.every(([f, v]) => fieldValue(p, f) === v)
    && (phases.length === 0 || phases.includes(fieldValue(p, 'status.phase')))
    && (nodes.length === 0 || nodes.includes(fieldValue(p, 'spec.nodeName')))
    && Object.entries(nodeLabels).every(([k, v]) => thisNode[k] === v));
}

function shuffle<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** FilterObjectsByMode: how many of `count` candidates a mode picks, or an Error worded as Chaos Mesh's. */
export function countForMode(mode: string, value: string, count: number): number | Error {
  if (count === 0) return new Error('cannot generate objects from empty list');
  const n = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
  switch (mode) {
    case 'one': return 1;
    case 'all': return count;
    case 'fixed':
      if (Number.isNaN(n)) return new Error(`strconv.Atoi: parsing "${value}": invalid syntax`);
      if (n <= 0) return new Error('cannot select any object as value below or equal 0');
      return Math.min(n, count);
    case 'fixed-percent':
    case 'random-max-percent': {
      if (Number.isNaN(n)) return new Error(`strconv.Atoi: parsing "${value}": invalid syntax`);
      if (n === 0) return new Error('cannot select any object as value below or equal 0');
      if (n < 0 || n > 100) return new Error(`fixed percentage value of ${n} is invalid, Must be (0,100]`);
      const pct = mode === 'fixed-percent' ? n : Math.floor(Math.random() * (n + 1));
      return Math.ceil((count * pct) / 100);
    }
    default: return new Error(`mode ${mode} not supported`);
  }
}

/** One selected target. */
export interface Target { id: string; pod: KObject; container?: string }

/**
 * Selects targets for one selector spec (a PodSelector: {selector, mode, value}), or an Error
 * ("no pod is selected", a mode error) with Chaos Mesh's wording. `containers` set → container ids.
 */
export function selectTargets(store: ObjectStore, spec: JsonObject, containers?: string[]): Target[] | Error {
  const sel = isObject(spec.selector) ? spec.selector : {};
  const pods = candidatePods(store, sel);
  if (pods.length === 0) return new Error('no pod is selected');
  const n = countForMode(String(spec.mode ?? ''), typeof spec.value === 'string' ? spec.value : '', pods.length);
  if (n instanceof Error) return n;
  const picked = shuffle(pods).slice(0, n);
  if (!containers) return picked.map((pod) => ({ id: `${pod.metadata.namespace}/${pod.metadata.name}`, pod }));
  return picked.flatMap((pod) => {
    const podSpec = isObject(pod.spec) ? pod.spec : {};
    const names = (Array.isArray(podSpec.containers) ? podSpec.containers.filter(isObject) : []).map((c) => String(c.name));
    const chosen = containers.length === 0 ? names.slice(0, 1) : names.filter((c) => containers.includes(c));
    return chosen.map((container) => ({ id: `${pod.metadata.namespace}/${pod.metadata.name}/${container}`, pod, container }));
  });
}
