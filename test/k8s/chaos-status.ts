/**
 * The pure rules of Chaos Mesh's common controller pipeline (controllers/common/*), one function
 * per step, so they can be unit-tested without a server:
 * - desiredphase/controller.go CalcDesiredPhase: deleted → Stop; one-shot (PodChaos pod-kill,
 *   container-kill) → Run; duration (from creationTimestamp) exceeded → Stop; paused → Stop; else Run.
 * - condition/controller.go diffConditions: Selected = records exist; AllInjected / AllRecovered =
 *   records exist and every phase is Injected / Not Injected; Paused = pause annotation "true".
 * - records/controller.go: a record whose phase differs from the desired phase gets Apply or Recover.
 * - finalizers/controller.go CleanReconciler: a deleted object loses its finalizers when every
 *   record is Not Injected, or at once with annotation cleanFinalizer=forced.
 */
import { parseGoDuration } from './go-duration.js';
import { isObject, type JsonObject, type KObject } from './types.js';

/** api/v1alpha1/common_types.go PauseAnnotationKey. */
export const PAUSE_ANNOTATION = 'experiment.chaos-mesh.org/pause';
/** controllers/common/finalizers AnnotationCleanFinalizer / AnnotationCleanFinalizerForced. */
export const CLEAN_FINALIZER_ANNOTATION = 'chaos-mesh.chaos-mesh.org/cleanFinalizer';
export const CLEAN_FINALIZER_FORCED = 'forced';
/** controllers/common/finalizers RecordFinalizer. */
export const RECORDS_FINALIZER = 'chaos-mesh/records';
/** Record phases (v1alpha1.Phase). */
export const INJECTED = 'Injected';
export const NOT_INJECTED = 'Not Injected';

/** A record as stored in status.experiment.containerRecords[]. */
export interface ChaosRecord {
  id: string;
  selectorKey: string;
  phase: string;
  injectedCount: number;
  recoveredCount: number;
  events?: Array<{ type: 'Succeeded' | 'Failed'; operation: 'Apply' | 'Recover'; message?: string; timestamp: string }>;
}

/** status.experiment.containerRecords, or undefined when the controller has not selected yet. */
export function recordsOf(obj: KObject): ChaosRecord[] | undefined {
  const st = isObject(obj.status) ? obj.status : {};
  const exp = isObject(st.experiment) ? st.experiment : {};
  return Array.isArray(exp.containerRecords) ? (exp.containerRecords as unknown as ChaosRecord[]) : undefined;
}

/** status.experiment.desiredPhase ("" before the controller ran). */
export function desiredPhaseOf(obj: KObject): string {
  const st = isObject(obj.status) ? obj.status : {};
  const exp = isObject(st.experiment) ? st.experiment : {};
  return typeof exp.desiredPhase === 'string' ? exp.desiredPhase : '';
}

/** IsPaused: the annotation is exactly "true". */
export function isPaused(obj: KObject): boolean {
  return obj.metadata.annotations?.[PAUSE_ANNOTATION] === 'true';
}

/** IsOneShot: PodChaos pod-kill and container-kill cannot be "un-applied". */
export function isOneShot(obj: KObject): boolean {
  const spec = isObject(obj.spec) ? obj.spec : {};
  return obj.kind === 'PodChaos' && (spec.action === 'pod-kill' || spec.action === 'container-kill');
}

/** Why the desired phase is what it is (picks the recorder event: Deleted, TimeUp, Paused, Started). */
export type PhaseReason = 'Deleted' | 'OneShot' | 'TimeUp' | 'Paused' | 'Running';

/** CalcDesiredPhase, plus the ms until the duration expires (for a timer), if it has not yet. */
export function calcDesiredPhase(obj: KObject, now: number): { phase: 'Run' | 'Stop'; why: PhaseReason; untilStopMs?: number } {
  if (obj.metadata.deletionTimestamp) return { phase: 'Stop', why: 'Deleted' };
  if (isOneShot(obj)) return { phase: 'Run', why: 'OneShot' };
  const spec = isObject(obj.spec) ? obj.spec : {};
  let untilStopMs: number | undefined;
  if (typeof spec.duration === 'string' && spec.duration !== '') {
    const d = parseGoDuration(spec.duration);
    if (!(d instanceof Error)) {
      // creationTimestamp has whole seconds, as on a real cluster: the duration counts from that.
      const stopAt = Date.parse(obj.metadata.creationTimestamp) + d;
      if (stopAt < now) return { phase: 'Stop', why: 'TimeUp' };
      untilStopMs = stopAt - now;
    }
  }
  if (isPaused(obj)) return { phase: 'Stop', why: 'Paused', untilStopMs };
  return { phase: 'Run', why: 'Running', untilStopMs };
}

/** diffConditions, in a fixed order (Chaos Mesh writes them from a Go map, in any order). */
export function calcConditions(obj: KObject): JsonObject[] {
  const records = recordsOf(obj);
  const all = (phase: string): string => (records !== undefined && records.every((r) => r.phase === phase) ? 'True' : 'False');
  return [
    { type: 'Selected', status: records !== undefined ? 'True' : 'False' },
    { type: 'AllInjected', status: all(INJECTED) },
    { type: 'AllRecovered', status: all(NOT_INJECTED) },
    { type: 'Paused', status: isPaused(obj) ? 'True' : 'False' },
  ];
}

/** The operation a record needs for a desired phase (records/controller.go). */
export function recordOperation(phase: string, desired: string): 'Apply' | 'Recover' | undefined {
  if (desired === 'Run' && phase !== INJECTED) return phase.startsWith(NOT_INJECTED) ? 'Apply' : 'Recover';
  if (desired === 'Stop' && phase !== NOT_INJECTED) return phase.startsWith(NOT_INJECTED) ? 'Apply' : 'Recover';
  return undefined;
}

/** CleanReconciler: may the finalizers of this (deleted) object be removed now? */
export function mayRemoveFinalizers(obj: KObject): boolean {
  if (!obj.metadata.deletionTimestamp) return false;
  if (obj.metadata.annotations?.[CLEAN_FINALIZER_ANNOTATION] === CLEAN_FINALIZER_FORCED) return true;
  const resumed = (recordsOf(obj) ?? []).every((r) => r.phase === NOT_INJECTED);
  return resumed && (obj.metadata.finalizers?.length ?? 0) > 0;
}
