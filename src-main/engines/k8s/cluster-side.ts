/**
 * The Kubernetes side of a run: the runbook's `k8s:` targets resolved against the cluster, inject
 * and revert steps on them, automatic reverts after a step's hold, and its share of the one STOP
 * (one verdict per pod). The engine calls it where it would call the SSH fault manager; it never
 * touches SSH, and the SSH side never touches it, so STOP runs both in parallel.
 */
import type { FaultView } from '../../api/index.js';
import type { AuditStore } from '../../audit/index.js';
import type { InjectStep, Scenario } from '../../scenario/index.js';
import { parseDuration } from '../../api/index.js';
import { getK8sFault, resolveK8sParams, type ResolvedK8sParams } from '../../faults/index.js';
import { chaosYaml, MANAGED_SELECTOR, RUN_LABEL, labelValue } from './chaos-object.js';
import { KubeClient } from './client.js';
import { ClusterFaults, type ChaosHandle, type ClusterWaits, type PodFault } from './cluster-faults.js';
import { ChaosObserver } from './observer.js';
import { isK8sSelector, labelSelectorQuery, parseK8sSelector, type K8sSelector } from '../../inventory/index.js';
import type { KubernetesSettings } from '../../inventory/index.js';

/** A runbook target on the cluster, resolved. */
export interface ClusterTarget {
  name: string;
  selector: K8sSelector;
  namespace: string;
  maxPods: number;
  protectedNamespace: boolean;
  /** Pods the selector matched when the run started. */
  pods: string[];
}

/** What the Kubernetes side uses of a running step (the engine's StepHost has all of it). */
export interface ClusterStepHost {
  readonly runId: string;
  readonly dryRun: boolean;
  readonly signal: AbortSignal;
  view(stepId: string): { approvedBy?: string };
  output(stepId: string, node: string, stream: 'stdout' | 'stderr' | 'info', data: string): void;
  audit(kind: string, data: Record<string, unknown>, node?: string): void;
}

/** One pod's (or a stuck object's) STOP verdict, in the shape of the SSH nodes' verdicts. */
export interface PodStopResult {
  node: string;
  status: 'reverted' | 'residue' | 'unreachable' | 'nothing';
  faults: Array<{ id: string; kind: string; state: string; detail?: string }>;
}

/** A cluster target that cannot be used: what, why, a hint (the CLI exits 3 or 4 with it). */
export class ClusterSetupError extends Error {
  override readonly name = 'ClusterSetupError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** How many of `n` pods Chaos Mesh picks for a mode (the upper bound for random-max-percent). */
export function podsPicked(n: number, p: ResolvedK8sParams): number {
  const v = Number(p.value ?? 0);
  switch (p.mode) {
    case 'one': return Math.min(1, n);
    case 'all': return n;
    case 'fixed': return Math.min(n, v);
    default: return Math.min(n, Math.ceil((n * v) / 100));
  }
}

/** The runbook's `k8s:` targets. */
export function clusterTargetNames(s: Scenario): string[] {
  return Object.entries(s.targets).filter(([, t]) => isK8sSelector(t.selector)).map(([n]) => n);
}

/** Waits from the inventory section (seconds) as ms. */
export function waitsOf(k: KubernetesSettings): ClusterWaits {
  const s = (k.waitSeconds ?? 30) * 1000;
  return { verifyMs: s, recoverMs: s, deleteMs: s };
}

export class ClusterSide {
  readonly faults: ClusterFaults;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  private constructor(readonly client: KubeClient, private readonly observer: ChaosObserver, readonly targets: Map<string, ClusterTarget>, o: { audit?: AuditStore; runId: string; leaseTtlSec: number; waits: ClusterWaits }) {
    this.faults = new ClusterFaults({ client, observer, audit: o.audit, runId: o.runId, leaseTtlSec: o.leaseTtlSec, waits: o.waits });
  }

  /** Resolve every `k8s:` target against the cluster: namespace, protected namespaces, pods, maxPods. */
  static async prepare(o: { scenario: Scenario; settings: KubernetesSettings; audit?: AuditStore; runId: string; leaseTtlSec: number }): Promise<ClusterSide> {
    const client = KubeClient.fromSettings(o.settings);
    const targets = new Map<string, ClusterTarget>();
    for (const name of clusterTargetNames(o.scenario)) {
      const t = o.scenario.targets[name]!;
      const selector = parseK8sSelector(t.selector);
      const namespace = selector.namespace ?? client.namespace;
      const guarded = o.settings.protectedNamespaces.includes(namespace);
      if (guarded && !t.allowProtectedNamespace) throw new ClusterSetupError(`target ${name} (${t.selector}) is in the protected namespace ${namespace}: refused`, 'set allowProtectedNamespace: true on the target and approval: required on its inject steps, if you mean it');
      const pods = (await client.pods(namespace, labelSelectorQuery(selector))).filter((p) => !p.deleting).map((p) => `${namespace}/${p.name}`);
      if (pods.length === 0) throw new ClusterSetupError(`target ${name} (${t.selector}) selects no pod in namespace ${namespace}`, `kubectl get pods -n ${namespace} -l '${labelSelectorQuery(selector)}' should list the pods`);
      targets.set(name, { name, selector, namespace, maxPods: t.maxPods ?? t.maxNodes, protectedNamespace: guarded, pods });
    }
    const observer = new ChaosObserver(client, `${MANAGED_SELECTOR},${RUN_LABEL}=${labelValue(o.runId)}`);
    return new ClusterSide(client, observer, targets, { audit: o.audit, runId: o.runId, leaseTtlSec: o.leaseTtlSec, waits: waitsOf(o.settings) });
  }

  owns(target: string): boolean {
    return this.targets.has(target);
  }

  /** Per-pod fault changes, each with the instant the audit records for it (on the first, injecting one: when the create was sent, so impact from then on is the fault's). */
  onFault(f: (v: FaultView, at?: number) => void): void {
    this.faults.on('fault', (v, at) => f(v, at));
  }

  /** Run an inject step on a cluster target; `onActive(at)` when at least one pod is verified. */
  async inject(h: ClusterStepHost, s: InjectStep, onActive: (at: number, pods: PodFault[]) => void): Promise<{ status: 'done' | 'failed' | 'skipped'; message: string }> {
    const t = this.targets.get(s.target)!;
    const fault = getK8sFault(s.fault);
    if (!fault) return { status: 'failed', message: `unknown Kubernetes fault ${s.fault}` };
    const r = resolveK8sParams(fault, s.intensity, s.params);
    if (!r.ok) return { status: 'failed', message: `${s.fault}: ${r.issues.join('; ')}` };
    const holdMs = s.duration === undefined ? 0 : parseDuration(s.duration);
    const approver = h.view(s.id).approvedBy;
    if (t.protectedNamespace && !approver) return { status: 'failed', message: `${t.namespace} is a protected namespace: an approver must confirm this step` };
    const req = { stepId: s.id, fault, params: r.params, selector: t.selector, namespace: t.namespace, holdSec: holdMs / 1000, approver };
    if (h.dryRun) {
      const yaml = chaosYaml(this.faults.manifest(req));
      h.output(s.id, t.namespace, 'info', `[dry-run] would create in ${this.client.context} (${this.client.server}):\n${yaml}`);
      h.audit('dryrun.k8s-object', { stepId: s.id, fault: s.fault, yaml });
      return { status: 'done', message: `dry run: would create one ${fault.chaosKind} in ${t.namespace}` };
    }
    const now = (await this.client.pods(t.namespace, labelSelectorQuery(t.selector))).filter((p) => !p.deleting).length;
    const picked = podsPicked(now, r.params);
    if (picked > t.maxPods) return { status: 'failed', message: `${s.fault} would reach ${picked} pod(s) (mode ${r.params.mode} of ${now}); the target's maxPods is ${t.maxPods}: refused (blast radius)` };
    const out = await this.faults.inject(req, h.signal);
    for (const p of out.handle?.pods.values() ?? []) h.output(s.id, p.pod, p.state === 'active' ? 'info' : 'stderr', `${s.fault}: ${p.state}${p.detail ? ` — ${p.detail}` : ''}\n`);
    // STOP cut the inject short: STOP itself takes the object back; the step is interrupted, not failed.
    if (!out.ok && h.signal.aborted) return { status: 'skipped', message: 'interrupted by STOP' };
    if (!out.ok) return { status: 'failed', message: out.message };
    onActive(performance.timeOrigin + performance.now(), [...out.handle!.pods.values()].filter((p) => p.state === 'active'));
    if (holdMs > 0 || fault.oneShot) this.revertAfter(out.handle!, fault.oneShot ? 0 : holdMs);
    return { status: 'done', message: `${s.fault} active on ${out.handle!.pods.size} pod(s) through Chaos Mesh${holdMs ? `, reverts after ${s.duration}` : ''}` };
  }

  private revertAfter(hd: ChaosHandle, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) void this.faults.revert(hd);
    }, ms);
    this.timers.add(t);
  }

  /** Every pod fault as the live view shows it. */
  views(): FaultView[] {
    return [...this.faults.handles.values()].flatMap((h) => [...h.pods.values()].map((p) => this.faults.view(h, p)));
  }

  /** A revert step naming an inject step on the cluster; undefined when that step had no cluster fault. */
  async revertStep(stepId: string): Promise<{ status: 'done' | 'failed'; message: string } | undefined> {
    const mine = [...this.faults.handles.values()].filter((h) => h.stepId === stepId);
    if (!mine.length) return undefined;
    await Promise.all(mine.map((h) => this.faults.revert(h)));
    const stuck = mine.filter((h) => !h.removed);
    return stuck.length ? { status: 'failed', message: stuck.map((h) => h.stuck).join('; ') } : { status: 'done', message: `${mine.length} Chaos Mesh object(s) of ${stepId} recovered and deleted` };
  }

  /** STOP's cluster share: every live object taken back in parallel; one verdict per pod. */
  async stop(): Promise<PodStopResult[]> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.faults.settleCreates(4000);
    // Pods whose faults were all over before STOP: "nothing" to do there. Pods first seen while STOP
    // reverts (records written as it began) still count as reverted by it.
    const doneBefore = new Set([...this.faults.handles.values()].flatMap((h) => [...h.pods.values()].map((p) => p.pod)));
    for (const h of this.faults.handles.values()) for (const p of h.pods.values()) if (p.state !== 'reverted' && p.state !== 'failed') doneBefore.delete(p.pod);
    await Promise.all(this.faults.live().map((h) => this.faults.revert(h).catch(() => undefined)));
    const byPod = new Map<string, PodStopResult>();
    for (const h of this.faults.handles.values()) {
      if (h.pods.size === 0 && !h.removed) byPod.set(`${h.namespace}/${h.name}`, { node: `${h.namespace}/${h.name}`, status: 'residue', faults: [{ id: h.faultId, kind: h.fault.id, state: 'residue', detail: h.stuck }] });
      for (const p of h.pods.values()) {
        const r = byPod.get(p.pod) ?? { node: p.pod, status: 'nothing' as PodStopResult['status'], faults: [] };
        r.faults.push({ id: p.id, kind: h.fault.id, state: p.state, detail: p.detail });
        byPod.set(p.pod, r);
      }
    }
    for (const r of byPod.values()) {
      if (r.status === 'residue') continue;
      const bad = r.faults.some((f) => f.state === 'residue' || f.state === 'reverting' || f.state === 'active');
      r.status = bad ? 'residue' : doneBefore.has(r.node) ? 'nothing' : 'reverted';
    }
    return [...byPod.values()];
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.observer.dispose();
    this.client.dispose();
  }
}
