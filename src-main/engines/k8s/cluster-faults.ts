/**
 * Faults on pods through Chaos Mesh: create the object (intent audited first), follow its records
 * to "every record Injected" (verified), and take it back with pause → bounded wait for
 * AllRecovered and every record Not Injected → delete → bounded wait for it to be gone. A delete the
 * `chaos-mesh/records` finalizer holds (a record Chaos Mesh cannot recover) is reported as residue
 * with the records still Injected; it is never forced here (see forceRelease).
 *
 * Each selected pod is one fault in the audit and the live view (node = "ns/pod"), so STOP gives one
 * verdict per pod, as it gives one per SSH node. One-shot kinds (pod-kill, container-kill) are not
 * paused (a pause changes nothing for them): their object is deleted once the kill is verified.
 */
import { EventEmitter } from 'node:events';
import type { AuditStore } from '../../audit/index.js';
import type { FaultView } from '../../api/index.js';
import { getK8sFault, PLURALS, type ChaosKind, type K8sFault, type ResolvedK8sParams } from '../../faults/index.js';
import { buildChaosObject, CLEAN_FINALIZER_ANNOTATION, FAULT_KIND_LABEL, FAULT_LABEL, PAUSE_ANNOTATION, STEP_LABEL, type ChaosObject } from './chaos-object.js';
import type { KubeClient } from './client.js';
import { K8sError } from './client.js';
import type { ChaosObserver } from './observer.js';
import { allInjected, allRecovered, condition, describeRecords, podRecords, selectedNothing } from './status.js';
import type { K8sSelector } from '../../inventory/index.js';

export type PodFaultState = FaultView['state'];

/** One pod of one chaos object. */
export interface PodFault {
  id: string;
  pod: string;
  state: PodFaultState;
  injectedAt?: number;
  detail?: string;
}

/** One chaos object this run created. */
export interface ChaosHandle {
  faultId: string;
  stepId: string;
  fault: K8sFault;
  plural: string;
  namespace: string;
  name: string;
  manifest: ChaosObject;
  /** When spec.duration runs out (Chaos Mesh recovers by itself), epoch ms. */
  expiresAt: number;
  pods: Map<string, PodFault>;
  removed: boolean;
  /** When the create was sent (monotonic epoch ms): the fault may act from here (impact attribution). */
  sentAt: number;
  stuck?: string;
  reverting?: Promise<void>;
}

/** Bounded waits, ms (inventory `kubernetes.waitSeconds`). */
export interface ClusterWaits {
  verifyMs: number;
  recoverMs: number;
  deleteMs: number;
}

export interface ClusterFaultsOptions {
  client: KubeClient;
  observer: ChaosObserver;
  audit?: AuditStore;
  runId: string;
  leaseTtlSec: number;
  waits: ClusterWaits;
}

export interface InjectRequest {
  stepId: string;
  fault: K8sFault;
  params: ResolvedK8sParams;
  selector: K8sSelector;
  namespace: string;
  holdSec: number;
  approver?: string;
}

/** Owns the run's chaos objects and their per-pod states; emits a FaultView per pod change, with its instant (epoch ms, probes' clock). */
export class ClusterFaults extends EventEmitter<{ fault: [FaultView, number] }> {
  readonly handles = new Map<string, ChaosHandle>();
  private seq = 0;
  /** Creates on the wire: STOP waits for them (bounded) so an object created as STOP begins is not missed. */
  private readonly creating = new Set<Promise<unknown>>();

  constructor(private readonly o: ClusterFaultsOptions) {
    super();
    o.observer.on('change', (plural, obj) => {
      for (const h of this.handles.values()) if (h.plural === plural && h.name === obj.metadata.name && h.namespace === obj.metadata.namespace) this.sync(h, this.o.observer.latest(plural, h.namespace, h.name));
    });
  }

  /** The manifest an inject would create (dry run prints it; inject creates exactly this). */
  manifest(r: InjectRequest, faultId = `${r.stepId}-dry`): ChaosObject {
    return buildChaosObject({ fault: r.fault, params: r.params, selector: r.selector, namespace: r.namespace, runId: this.o.runId, faultId, stepId: r.stepId, holdSec: r.holdSec, leaseTtlSec: this.o.leaseTtlSec });
  }

  view(h: ChaosHandle, p: PodFault): FaultView {
    return { id: p.id, stepId: h.stepId, kind: h.fault.id, node: p.pod, state: p.state, oneShot: h.fault.oneShot, injectedAt: p.injectedAt, leaseExpiresAt: h.expiresAt, detail: p.detail };
  }

  private setPod(h: ChaosHandle, p: PodFault, state: PodFaultState, detail?: string): void {
    if (p.state === state && detail === undefined) return;
    p.state = state;
    if (detail !== undefined) p.detail = detail;
    if (state === 'active') p.injectedAt ??= Date.now();
    // One instant for the audit and the live timers, on the probes' clock to 0.1 ms (see the engine's
    // ActiveFault.changedAt); an inject counts from its create.
    const at = Math.round((state === 'injecting' && h.sentAt ? h.sentAt : performance.timeOrigin + performance.now()) * 10) / 10;
    this.o.audit?.setFaultState(p.id, state, { leaseExpiresAt: new Date(h.expiresAt).toISOString(), detail, atMs: at });
    this.emit('fault', this.view(h, p), at);
  }

  /** Bring per-pod states in line with the object's records. */
  private sync(h: ChaosHandle, o: ChaosObject | null | undefined): void {
    if (!o) return;
    for (const r of podRecords(o)) {
      let p = h.pods.get(r.pod);
      if (!p) {
        p = { id: `${h.faultId}.${h.pods.size + 1}`, pod: r.pod, state: 'injecting' };
        h.pods.set(r.pod, p);
        this.o.audit?.recordFaultIntent({ id: p.id, runId: this.o.runId, node: r.pod, kind: h.fault.id, params: { chaos: `${h.manifest.kind} ${h.namespace}/${h.name}` }, oneShot: h.fault.oneShot, revertCmd: `chaos-mesh: pause, wait for recovery, delete ${h.plural} ${h.namespace}/${h.name}`, leaseTtlSec: this.o.leaseTtlSec });
        this.setPod(h, p, 'injecting');
      }
      if (r.phase === 'Injected' && p.state === 'injecting') this.setPod(h, p, 'active');
      // Recovered while nobody asked: Chaos Mesh's duration ran out (the engine-side dead-man).
      if (r.phase === 'Not Injected' && p.state === 'active' && !h.reverting && !h.fault.oneShot) this.setPod(h, p, 'reverted', 'Chaos Mesh recovered it when spec.duration ran out');
    }
  }

  /** Wait until `ok(latest)`, re-reading the object every second besides the watch; false on timeout or abort. */
  private async until(h: ChaosHandle, ok: (o: ChaosObject | null | undefined) => boolean, ms: number, signal?: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + ms;
    const latest = (): ChaosObject | null | undefined => this.o.observer.latest(h.plural, h.namespace, h.name);
    while (!ok(latest())) {
      if (Date.now() >= deadline || signal?.aborted) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.min(1000, Math.max(1, deadline - Date.now())));
        function done(): void { clearTimeout(t); resolve(); }
        this.o.observer.once('change', done);
      });
      if (!ok(latest())) await this.o.observer.refresh(h.plural, h.namespace, h.name).catch(() => undefined);
    }
    return true;
  }

  /** Create one chaos object and wait (bounded) until every selected pod is Injected. */
  async inject(r: InjectRequest, signal?: AbortSignal): Promise<{ handle?: ChaosHandle; ok: boolean; message: string }> {
    const faultId = `${r.stepId}-${(++this.seq).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const manifest = this.manifest(r, faultId);
    const plural = PLURALS[r.fault.chaosKind];
    // Intent first, committed before the object is sent.
    this.o.audit?.append({ runId: this.o.runId, kind: 'k8s.chaos.intent', node: `${r.namespace}/${manifest.metadata.name}`, data: { stepId: r.stepId, faultId, kind: r.fault.id, manifest, approver: r.approver ?? null } });
    if (signal?.aborted) return { ok: false, message: 'STOP was pressed: nothing created' };
    let created: ChaosObject;
    const sentAt = performance.timeOrigin + performance.now();
    const sending = this.o.client.create(plural, manifest);
    this.creating.add(sending);
    try {
      created = await sending;
    } catch (e) {
      const err = e as K8sError;
      this.o.audit?.append({ runId: this.o.runId, kind: 'k8s.chaos.refused', node: `${r.namespace}/${manifest.metadata.name}`, data: { stepId: r.stepId, faultId, code: err.code, message: err.message } });
      return { ok: false, message: `${r.fault.id}: ${err.message}${err.hint ? ` (${err.hint})` : ''}` };
    } finally {
      this.creating.delete(sending);
    }
    const created0 = Date.parse(created.metadata.creationTimestamp ?? '') || Date.now();
    const h: ChaosHandle = { faultId, stepId: r.stepId, fault: r.fault, plural, namespace: r.namespace, name: manifest.metadata.name, manifest, expiresAt: created0 + (r.holdSec + this.o.leaseTtlSec) * 1000, pods: new Map(), removed: false, sentAt };
    this.handles.set(faultId, h);
    await this.o.observer.follow(plural, r.namespace);
    // Not ended early on Selected False: the controller writes conditions before records (its first
    // pass says Selected False with no records yet), so only the bounded wait tells "nothing selected".
    const ok = await this.until(h, (o) => allInjected(o) || o === null, this.o.waits.verifyMs, signal);
    const o = this.o.observer.latest(plural, r.namespace, h.name);
    this.sync(h, o);
    if (ok && allInjected(o)) return { handle: h, ok: true, message: `${manifest.kind} ${r.namespace}/${h.name}: ${describeRecords(o)}` };
    const why = selectedNothing(o) ? 'Chaos Mesh selected no pod' : signal?.aborted ? 'cut short by STOP' : `not every record Injected after ${Math.round(this.o.waits.verifyMs / 1000)} s: ${describeRecords(o)}`;
    // STOP takes it back itself; otherwise take back whatever part applied, now.
    if (!signal?.aborted) await this.revert(h);
    for (const p of h.pods.values()) if (p.state === 'reverted') this.setPod(h, p, 'failed', why);
    return { handle: h, ok: false, message: `${r.fault.id} did not take effect: ${why}` };
  }

  /** Take one object back (joined when already under way). */
  revert(h: ChaosHandle): Promise<void> {
    h.reverting ??= this.doRevert(h);
    return h.reverting;
  }

  private async doRevert(h: ChaosHandle): Promise<void> {
    if (h.removed) return;
    for (const p of h.pods.values()) if (p.state === 'active' || p.state === 'injecting') this.setPod(h, p, 'reverting');
    const notes: string[] = [];
    try {
      if (!h.fault.oneShot) {
        await this.o.client.annotate(h.plural, h.namespace, h.name, { [PAUSE_ANNOTATION]: 'true' }).catch((e: K8sError) => { if (e.code !== 'NOT_FOUND') notes.push(`pause refused: ${e.message}`); });
        const recovered = await this.until(h, (o) => o === null || (allRecovered(o) && condition(o, 'AllRecovered') === 'True') || podRecords(o).length === 0, this.o.waits.recoverMs);
        if (!recovered) notes.push(`not recovered after ${Math.round(this.o.waits.recoverMs / 1000)} s`);
      }
      await this.o.client.delete(h.plural, h.namespace, h.name);
      await this.until(h, (o) => o === null, this.o.waits.deleteMs);
    } catch (e) {
      notes.push((e as Error).message);
    }
    this.settle(h, notes);
  }

  /** After a revert attempt: gone = every pod reverted; still there = stuck, records named. */
  private settle(h: ChaosHandle, notes: string[]): void {
    const o = this.o.observer.latest(h.plural, h.namespace, h.name);
    h.removed = o === null;
    const injected = new Set(podRecords(o ?? undefined).filter((r) => r.phase !== 'Not Injected').map((r) => r.pod));
    if (!h.removed) h.stuck = `${h.manifest.kind} ${h.namespace}/${h.name} is still there${o?.metadata.deletionTimestamp ? ' (deleting, held by the chaos-mesh/records finalizer)' : ''}; records: ${describeRecords(o ?? undefined)}${notes.length ? `; ${notes.join('; ')}` : ''}`;
    for (const p of h.pods.values()) {
      if (p.state === 'failed' || (p.state === 'reverted' && !injected.has(p.pod))) continue;
      if (injected.has(p.pod)) this.setPod(h, p, 'residue', h.stuck ?? 'record still Injected');
      else this.setPod(h, p, 'reverted');
    }
    h.reverting = h.removed ? h.reverting : undefined;
  }

  /**
   * The explicit operator action for a stuck object: Chaos Mesh drops its finalizer WITHOUT
   * recovering, so the fault stays in effect on the pods whose records are still Injected (they are
   * abandoned until restarted). Audited before it is sent, with the approver.
   */
  async forceRelease(h: ChaosHandle, approver: string, actor: string, intent?: (message: string, abandoned: string[]) => void): Promise<string> {
    const o = this.o.observer.latest(h.plural, h.namespace, h.name);
    const left = podRecords(o ?? undefined).filter((r) => r.phase !== 'Not Injected').map((r) => r.pod);
    const message = `forcing ${h.manifest.kind} ${h.namespace}/${h.name} away ABANDONS the fault on ${left.join(', ') || 'no pod'}: Chaos Mesh removes its finalizer without recovering; restart those pods to clear it`;
    this.o.audit?.append({ runId: this.o.runId, kind: 'k8s.chaos.force-finalizer', actor: approver, node: `${h.namespace}/${h.name}`, data: { approver, requestedBy: actor, abandoned: left, message } });
    intent?.(message, left);
    await this.o.client.annotate(h.plural, h.namespace, h.name, { [CLEAN_FINALIZER_ANNOTATION]: 'forced' });
    await this.until(h, (x) => x === null, this.o.waits.deleteMs);
    for (const p of h.pods.values()) if (left.includes(p.pod)) this.setPod(h, p, 'residue', `abandoned by a forced finalizer removal approved by ${approver}: the fault stays until the pod restarts`);
    h.removed = this.o.observer.latest(h.plural, h.namespace, h.name) === null;
    return message;
  }

  /** Wait (at most `ms`) for creates on the wire to be answered, so their objects are known. */
  async settleCreates(ms: number): Promise<void> {
    if (!this.creating.size) return;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.creating]), new Promise((r) => (t = setTimeout(r, ms)))]);
    clearTimeout(t);
  }

  /**
   * Take charge of an object found on the cluster (cleanup after a console died): the same revert
   * path (pause → wait → delete) applies to it. Its pods come from its records.
   */
  adopt(o: ChaosObject, plural: string): ChaosHandle {
    const labels = o.metadata.labels ?? {};
    const oneShot = o.kind === 'PodChaos' && (o.spec.action === 'pod-kill' || o.spec.action === 'container-kill');
    const fault = getK8sFault(labels[FAULT_KIND_LABEL] ?? '') ?? { id: String(o.spec.action ?? o.kind), title: o.kind, chaosKind: o.kind as ChaosKind, params: undefined as never, presets: {}, oneShot, spec: () => ({}) };
    const h: ChaosHandle = { faultId: labels[FAULT_LABEL] ?? o.metadata.name, stepId: labels[STEP_LABEL] ?? '?', fault, plural, namespace: o.metadata.namespace ?? '', name: o.metadata.name, manifest: o, expiresAt: 0, pods: new Map(), removed: false, sentAt: 0 };
    for (const r of podRecords(o)) h.pods.set(r.pod, { id: `${h.faultId}.${h.pods.size + 1}`, pod: r.pod, state: r.phase === 'Injected' ? 'active' : 'reverted' });
    this.handles.set(`${h.namespace}/${h.name}`, h);
    return h;
  }

  /** Objects not yet removed. */
  live(): ChaosHandle[] {
    return [...this.handles.values()].filter((h) => !h.removed);
  }
}
