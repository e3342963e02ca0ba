/**
 * Checks the schema cannot express: ids unique per kind, references that point somewhere real
 * (probes, targets, steps), revert/integrity pairing, selector syntax and the prod rules.
 */
import { parseSelector, SelectorError } from '../inventory/index.js';
import { isK8sSelector } from '../inventory/index.js';
import { didYouMean } from './suggest.js';
import { flattenSteps, type LocatedStep } from './model.js';
import type { Partiality } from './partial.js';
import type { Path, ProblemSink } from './problems.js';
import type { Scenario } from './schema.js';

/** "a wait step", "an inject step". */
function aKind(kind: string): string {
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} step`;
}

/** Report ids used twice; the first use is the one that counts. */
function checkUnique(items: Array<{ id: string; path: Path }>, what: string, sink: ProblemSink): void {
  const first = new Map<string, Path>();
  for (const it of items) {
    if (it.id === '') continue;
    const prev = first.get(it.id);
    if (prev) {
      const at = sink.position(prev);
      sink.add([...it.path, 'id'], `${what} id "${it.id}" is already used (line ${at.line})`, { hint: `${what} ids must be unique; rename one of them` });
    } else first.set(it.id, it.path);
  }
}

/** `known` holds the valid names; reports `name` at `path` when it is not one of them. */
function checkRef(name: string, known: Iterable<string>, path: Path, what: string, sink: ProblemSink): boolean {
  const list = [...known];
  if (list.includes(name)) return true;
  const near = didYouMean(name, list);
  sink.add(path, `unknown ${what} "${name}"`, { hint: near ?? (list.length ? `defined ${what}s: ${list.join(', ')}` : `define it under ${what === 'target' ? 'targets:' : 'probes:'} first`) });
  return false;
}

function checkSelector(selector: string, path: Path, sink: ProblemSink): void {
  if (isK8sSelector(selector)) return; // checked in checks-k8s.ts
  try {
    parseSelector(selector);
  } catch (e) {
    if (!(e instanceof SelectorError)) throw e;
    sink.add(path, `bad selector: ${e.message.replace(/ \(.*\)$/, '')}`, { hint: e.hint ?? 'terms: all, name-glob, group:G, tag:T, env:E, gpu:G, !term; comma-separated' });
  }
}

function checkRevert(ls: LocatedStep, byId: Map<string, LocatedStep>, sink: ProblemSink, pt: Partiality): void {
  if (ls.step.kind !== 'revert') return;
  const ref = ls.step.step;
  const target = byId.get(ref);
  const path = [...ls.path, 'step'];
  if (!target) {
    const injects = [...byId.values()].filter((s) => s.step.kind === 'inject').map((s) => s.step.id);
    sink.add(path, `no step "${ref}" to revert`, { hint: didYouMean(ref, injects) ?? (injects.length ? `inject steps: ${injects.join(', ')}` : 'there is no inject step to revert') });
  } else if (pt.standIns.has(target.step)) {
    // Its kind is unknown until its own problems are fixed.
  } else if (target.step.kind !== 'inject') {
    sink.add(path, `step "${ref}" is ${aKind(target.step.kind)}; only inject steps can be reverted`);
  } else if (target.order >= ls.order) {
    sink.add(path, `step "${ref}" comes later; a revert must follow the inject it undoes`, { hint: 'move the revert after the inject step' });
  }
}

/** compareAfter (earlier step) and compareWith (later step) must name each other. */
function checkIntegrity(ls: LocatedStep, byId: Map<string, LocatedStep>, sink: ProblemSink, pt: Partiality): void {
  const s = ls.step;
  if (s.kind !== 'integrity') return;
  const integrityIds = [...byId.values()].filter((x) => x.step.kind === 'integrity' && x.step.id !== s.id).map((x) => x.step.id);
  const pair = (field: 'compareWith' | 'compareAfter', ref: string, wantEarlier: boolean): void => {
    const path = [...ls.path, field];
    const other = byId.get(ref);
    if (other && pt.standIns.has(other.step)) return;
    if (!other || other.step.kind !== 'integrity') {
      const what = other ? `step "${ref}" is ${aKind(other.step.kind)}, not an integrity step` : `no integrity step "${ref}"`;
      sink.add(path, what, { hint: didYouMean(ref, integrityIds) ?? (integrityIds.length ? `integrity steps: ${integrityIds.join(', ')}` : undefined) });
      return;
    }
    if (wantEarlier !== other.order < ls.order) {
      sink.add(path, `step "${ref}" must come ${wantEarlier ? 'before' : 'after'} this one`, { hint: 'compareAfter goes on the earlier (baseline) step, compareWith on the later one' });
      return;
    }
    const back = field === 'compareWith' ? 'compareAfter' : 'compareWith';
    const backRef = other.step[back];
    if (backRef !== s.id) {
      sink.add(path, `step "${ref}" does not name this step back in ${back}`, { hint: `add ${back}: ${s.id} to step "${ref}"` });
    }
  };
  if (s.compareWith !== undefined) pair('compareWith', s.compareWith, true);
  if (s.compareAfter !== undefined) pair('compareAfter', s.compareAfter, false);
}

/** Prod runs need allowProd and a human gate before anything is broken. */
function checkProd(s: Scenario, steps: LocatedStep[], sink: ProblemSink): void {
  if (s.environment !== 'prod') return;
  if (!s.allowProd) sink.add(['environment'], 'environment prod needs allowProd: true', { hint: 'add "allowProd: true" — and be sure: prod runs still need an approval step before the first inject' });
  const firstInject = steps.find((x) => x.step.kind === 'inject');
  if (firstInject && !steps.some((x) => x.step.kind === 'approval' && x.order < firstInject.order)) {
    sink.add([...firstInject.path, 'kind'], 'in prod, an approval step must come before the first inject', { hint: 'add { id: go-no-go, kind: approval, text: "Go / no-go" } before this step' });
  }
}

/**
 * Run every reference check. On a partial model (schema failed) stand-ins are only referred to,
 * never checked, and references into a broken section are skipped.
 */
export function checkReferences(s: Scenario, sink: ProblemSink, pt: Partiality): void {
  const steps = flattenSteps(s);
  const targets = Object.keys(s.targets);
  const probeIds = s.probes.map((p) => p.id).filter((id) => id !== '');
  const real = (o: object): boolean => !pt.standIns.has(o);
  const refTarget = (o: object, name: string, path: Path): void => {
    if (real(o) && !pt.broken.has('targets')) checkRef(name, targets, path, 'target', sink);
  };
  const refProbe = (o: object, name: string, path: Path): void => {
    if (real(o) && !pt.broken.has('probes')) checkRef(name, probeIds, path, 'probe', sink);
  };

  checkUnique(s.probes.map((p, i) => ({ id: p.id, path: ['probes', i] })), 'probe', sink);
  checkUnique(s.phases.map((p, i) => ({ id: p.id, path: ['phases', i] })), 'phase', sink);
  checkUnique(steps.map((x) => ({ id: x.step.id, path: x.path })), 'step', sink);

  for (const [name, t] of Object.entries(s.targets)) if (real(t)) checkSelector(t.selector, ['targets', name, 'selector'], sink);
  s.protected.forEach((sel, i) => checkSelector(sel, ['protected', i], sink));

  s.probes.forEach((p, i) => {
    if (p.target !== undefined) refTarget(p, p.target, ['probes', i, 'target']);
  });
  for (const name of ['availability', 'errorRate', 'latencyP95'] as const) {
    const slo = s.slos?.[name];
    if (slo) refProbe(slo, slo.probe, ['slos', name, 'probe']);
  }
  s.abort.forEach((a, i) => refProbe(a, a.probe, ['abort', i, 'probe']));

  // Later duplicates were reported above; references resolve to the first step with an id.
  const byId = new Map<string, LocatedStep>();
  for (const x of steps) if (!byId.has(x.step.id)) byId.set(x.step.id, x);
  for (const ls of steps) {
    const st = ls.step;
    if (!real(st)) continue;
    if (st.kind === 'inject' || st.kind === 'command' || st.kind === 'integrity') refTarget(st, st.target, [...ls.path, 'target']);
    if (st.kind === 'assert') refProbe(st, st.probe, [...ls.path, 'probe']);
    checkRevert(ls, byId, sink, pt);
    checkIntegrity(ls, byId, sink, pt);
  }
  if (!pt.partial) checkProd(s, steps, sink);
}
