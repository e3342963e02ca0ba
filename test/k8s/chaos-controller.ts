/**
 * The Chaos Mesh controller emulation: for every object of the six kinds it runs the common
 * pipeline in Chaos Mesh's order (controllers/common/step.go: finalizers.Init → desiredphase →
 * condition → records → finalizers.Clean), each step writing the object back as its own update
 * (so watchers see the same sequence of MODIFIED events). Applying or recovering one record takes
 * `injectDelayMs` / `recoverDelayMs` (the chaos-daemon round trip); a failed operation appends a
 * Failed event and is retried after `retryMs`. Failures can be injected per object (stuck mode).
 */
import { ChaosEffects } from './chaos-effects.js';
import { selectTargets } from './chaos-select.js';
import {
  calcConditions, calcDesiredPhase, desiredPhaseOf, mayRemoveFinalizers, recordOperation, recordsOf,
  INJECTED, NOT_INJECTED, RECORDS_FINALIZER, type ChaosRecord, type PhaseReason,
} from './chaos-status.js';
import { recordEvent } from './events.js';
import { CHAOS_RESOURCES, type ResourceDef } from './resources.js';
import type { ObjectStore } from './store.js';
import { canonical, clone, isObject, k8sTime, type Json, type JsonObject, type KObject } from './types.js';

/** Controller timings (ms). */
export interface ChaosTimings { injectDelayMs: number; recoverDelayMs: number; retryMs: number }

/** Which records an injected failure hits. `record`: index in containerRecords, or 'all'. */
export interface FailureRule {
  op: 'Apply' | 'Recover';
  kind?: string;
  namespace?: string;
  name?: string;
  record?: number | 'all';
  message: string;
}

/** A controller event (what `kubectl describe` would list as Events). */
export interface ControllerEvent { at: number; object: string; reason: string; message: string }

/** Recorder events per desired-phase reason (controllers/utils/recorder/desiredphase.go). */
const PHASE_EVENTS: Record<PhaseReason, [string, string]> = {
  Deleted: ['Deleted', 'Experiment has been deleted'],
  TimeUp: ['TimeUp', 'Time up according to the duration'],
  Paused: ['Paused', 'Experiment has been paused'],
  Running: ['Started', 'Experiment has started'],
  OneShot: ['Started', 'Experiment has started'],
};

/** Chaos Mesh's MaxEvents default (pkg/config/controller.go): events kept per record. */
const MAX_EVENTS = 100;

/** The controller; owns its timers and subscription. */
export class ChaosController {
  readonly events: ControllerEvent[] = [];
  readonly failures: FailureRule[] = [];
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly durationTimers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribe: () => void;
  private disposed = false;

  constructor(private readonly store: ObjectStore, private readonly effects: ChaosEffects, private readonly t: () => ChaosTimings) {
    this.unsubscribe = store.subscribe((e) => {
      if (CHAOS_RESOURCES.includes(e.def) && e.type !== 'DELETED') this.queue(e.def, e.object.metadata.namespace!, e.object.metadata.name);
    });
  }

  private keyOf(def: ResourceDef, ns: string, name: string): string {
    return `${def.kind}/${ns}/${name}`;
  }

  /** Schedules a reconcile (coalesced; at most one runs per object at a time). */
  queue(def: ResourceDef, ns: string, name: string, afterMs = 0): void {
    if (this.disposed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const key = this.keyOf(def, ns, name);
      if (this.running.has(key)) { this.again.add(key); return; }
      this.running.add(key);
      void this.reconcile(def, ns, name).catch((err: unknown) => this.events.push({ at: this.store.now(), object: key, reason: 'Failed', message: `reconcile: ${(err as Error).message}` })).finally(() => {
        this.running.delete(key);
        if (this.again.delete(key)) this.queue(def, ns, name);
      });
    }, afterMs);
    this.timers.add(timer);
  }

  /** One duration timer per object (RequeueAfter untilStop), replaced on every reconcile. */
  private expireAt(def: ResourceDef, ns: string, name: string, ms: number): void {
    const key = this.keyOf(def, ns, name);
    const old = this.durationTimers.get(key);
    if (old) { clearTimeout(old); this.timers.delete(old); }
    const timer = setTimeout(() => { this.timers.delete(timer); this.durationTimers.delete(key); this.queue(def, ns, name); }, ms + 5);
    this.timers.add(timer);
    this.durationTimers.set(key, timer);
  }

  /** Records a Chaos Mesh recorder event: in `events` and as a core/v1 Event in the store. */
  private event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    this.events.push({ at: this.store.now(), object: `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`, reason, message });
    try { recordEvent(this.store, obj, { type, reason, message, component }); } catch { /* namespace gone: no event, as on a real cluster */ }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.timers.delete(timer); resolve(); }, ms);
      this.timers.add(timer);
    });
  }

  /** Writes a changed object back (internal update: no admission, last-writer-wins like a retried Update). */
  private write(def: ResourceDef, obj: KObject): KObject | undefined {
    const next = clone(obj);
    delete (next.metadata as { resourceVersion?: string }).resourceVersion;
    try { return this.store.update(def, next); } catch { return undefined; }
  }

  private setExperiment(def: ResourceDef, obj: KObject, patch: JsonObject): KObject | undefined {
    const st = isObject(obj.status) ? clone(obj.status) : {};
    st.experiment = { ...(isObject(st.experiment) ? st.experiment : {}), ...patch };
    return this.write(def, { ...obj, status: st });
  }

  private async reconcile(def: ResourceDef, ns: string, name: string): Promise<void> {
    let obj = this.store.get(def, ns, name);
    if (!obj || this.disposed) return;
    // finalizers.InitStep
    if (!obj.metadata.deletionTimestamp && !(obj.metadata.finalizers ?? []).includes(RECORDS_FINALIZER)) {
      this.event(obj, 'Normal', 'FinalizerInited', 'Finalizer has been inited', 'initFinalizers');
      obj = this.write(def, { ...obj, metadata: { ...obj.metadata, finalizers: [...(obj.metadata.finalizers ?? []), RECORDS_FINALIZER] } });
      if (!obj) return;
      this.event(obj, 'Normal', 'Updated', 'Successfully update finalizer of resource', 'initFinalizers');
    }
    // desiredphase.Step
    const { phase, why, untilStopMs } = calcDesiredPhase(obj, this.store.now());
    if (untilStopMs !== undefined) this.expireAt(def, ns, name, untilStopMs);
    if (desiredPhaseOf(obj) !== phase) {
      const [reason, message] = PHASE_EVENTS[why];
      this.event(obj, 'Normal', reason, message, 'desiredphase');
      obj = this.setExperiment(def, obj, { desiredPhase: phase });
      if (!obj) return;
      this.event(obj, 'Normal', 'Updated', 'Successfully update desiredPhase of resource', 'desiredphase');
    }
    // condition.Step
    const conditions = calcConditions(obj);
    if (canonical((isObject(obj.status) ? obj.status : {}).conditions ?? []) !== canonical(conditions)) {
      obj = this.write(def, { ...obj, status: { ...(isObject(obj.status) ? obj.status : {}), conditions } });
      if (!obj) return;
    }
    // records.Step
    const retry = await this.records(def, obj);
    if (retry) this.queue(def, ns, name, this.t().retryMs);
    // finalizers.CleanStep
    obj = this.store.get(def, ns, name);
    if (obj && mayRemoveFinalizers(obj)) {
      // Chaos Mesh's FinalizerRemoved event carries the reason "FinalizerInited" (recorder/finalizer.go).
      this.event(obj, 'Normal', 'FinalizerInited', 'Finalizer has been removed', 'initFinalizers');
      this.write(def, { ...obj, metadata: { ...obj.metadata, finalizers: [] } });
    }
  }

  /** Selects (once) and syncs every record with the desired phase; returns whether a retry is due. */
  private async records(def: ResourceDef, start: KObject): Promise<boolean> {
    let records = recordsOf(start)?.map((r) => clone(r));
    let changed = false;
    if (records === undefined) {
      const picked = this.select(start);
      if (picked instanceof Error) {
        this.event(start, 'Warning', 'Failed', `Failed to select targets: ${picked.message}`, 'records');
        return false;
      }
      records = picked;
      changed = true;
    }
    const desired = desiredPhaseOf(start);
    let retry = false;
    for (const [i, rec] of records.entries()) {
      const op = recordOperation(rec.phase, desired);
      if (!op) continue;
      await this.sleep(op === 'Apply' ? this.t().injectDelayMs : this.t().recoverDelayMs);
      if (this.disposed) return false;
      const latest = this.store.get(def, start.metadata.namespace, start.metadata.name) ?? start;
      const failure = this.failureFor(latest, i, op, rec);
      try {
        if (failure) throw new Error(failure);
        if (op === 'Apply') this.effects.apply(latest, rec);
        else this.effects.recover(latest, rec);
        rec.phase = op === 'Apply' ? INJECTED : NOT_INJECTED;
        if (op === 'Apply') rec.injectedCount++;
        else rec.recoveredCount++;
        this.pushEvent(rec, 'Succeeded', op);
        this.event(latest, 'Normal', op === 'Apply' ? 'Applied' : 'Recovered', `Successfully ${op === 'Apply' ? 'apply' : 'recover'} chaos for ${rec.id}`, 'records');
      } catch (err) {
        this.pushEvent(rec, 'Failed', op, (err as Error).message);
        this.event(latest, 'Warning', 'Failed', `Failed to ${op.toLowerCase()} chaos: ${(err as Error).message}`, 'records');
        retry = true;
      }
      changed = true;
    }
    if (changed) {
      const latest = this.store.get(def, start.metadata.namespace, start.metadata.name);
      if (latest && this.setExperiment(def, latest, { containerRecords: records as unknown as Json })) this.event(latest, 'Normal', 'Updated', 'Successfully update records of resource', 'records');
    }
    return retry;
  }

  private select(obj: KObject): ChaosRecord[] | Error {
    const spec = isObject(obj.spec) ? obj.spec : {};
    const containerKinds = ['StressChaos', 'IOChaos', 'TimeChaos', 'DNSChaos'];
    const useContainers = containerKinds.includes(obj.kind) || (obj.kind === 'PodChaos' && spec.action === 'container-kill');
    const names = Array.isArray(spec.containerNames) ? spec.containerNames.map(String) : [];
    const selectors: Array<[string, JsonObject]> = [['.', spec]];
    if (obj.kind === 'NetworkChaos' && isObject(spec.target)) selectors.push(['.Target', spec.target]);
    const out: ChaosRecord[] = [];
    for (const [selectorKey, s] of selectors) {
      const targets = selectTargets(this.store, s, useContainers ? names : undefined);
      if (targets instanceof Error) return targets;
      if (targets.length === 0) return new Error('no target has been selected');
      out.push(...targets.map((tg) => ({ id: tg.id, selectorKey, phase: NOT_INJECTED, injectedCount: 0, recoveredCount: 0 })));
    }
    return out;
  }

  private pushEvent(rec: ChaosRecord, type: 'Succeeded' | 'Failed', operation: 'Apply' | 'Recover', message?: string): void {
    const events = rec.events ?? [];
    if (events.length >= MAX_EVENTS) events.shift();
    events.push({ type, operation, ...(message ? { message } : {}), timestamp: k8sTime(this.store.now()) });
    rec.events = events;
  }

  private failureFor(obj: KObject, index: number, op: 'Apply' | 'Recover', rec: ChaosRecord): string | undefined {
    // A record whose pod is gone recovers regardless of the daemon (it is "pretended" recovered).
    if (op === 'Recover' && this.effects.podGone(rec)) return undefined;
    const rule = this.failures.find((f) => f.op === op && (!f.kind || f.kind === obj.kind) && (!f.namespace || f.namespace === obj.metadata.namespace)
      && (!f.name || f.name === obj.metadata.name) && (f.record === 'all' || (f.record ?? 0) === index));
    return rule?.message;
  }

  /** Re-runs every object's pipeline (after a failure rule was lifted). */
  resync(): void {
    for (const def of CHAOS_RESOURCES) for (const o of this.store.list(def)) this.queue(def, o.metadata.namespace!, o.metadata.name);
  }

  /** Stops reacting; timers cleared (in-flight reconciles end at their next step). */
  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
