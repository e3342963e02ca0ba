/**
 * Reading a Chaos Mesh object's status (pure). Conditions are matched by type (their order is Go map
 * order on a real cluster); "every record Injected" is only true when records exist and Selected is
 * True, because Chaos Mesh < 2.6.3 reported AllInjected and AllRecovered True for an object that had
 * selected nothing.
 */
import type { ChaosObject } from './chaos-object.js';

/** One selected pod (or container) of an experiment. */
export interface PodRecord {
  /** "ns/pod" or "ns/pod/container". */
  id: string;
  /** "ns/pod": what the console names as the target in its audit and STOP verdicts. */
  pod: string;
  phase: 'Injected' | 'Not Injected' | string;
  /** Latest Failed event of the record, if its last event failed (why it is stuck). */
  lastFailure?: string;
}

export function condition(o: ChaosObject | null | undefined, type: string): string | undefined {
  return o?.status?.conditions?.find((c) => c.type === type)?.status;
}

/** Records of the pods (`.Target` records of a NetworkChaos are the far side: not ours to count). */
export function podRecords(o: ChaosObject | null | undefined): PodRecord[] {
  return (o?.status?.experiment?.containerRecords ?? [])
    .filter((r) => (r.selectorKey ?? '.') === '.')
    .map((r) => {
      const last = r.events?.at(-1);
      return { id: r.id, pod: r.id.split('/').slice(0, 2).join('/'), phase: r.phase, ...(last?.type === 'Failed' && { lastFailure: last.message ?? `${last.operation} failed` }) };
    });
}

/** Verified injected: Selected True and every pod record Injected. */
export function allInjected(o: ChaosObject | null | undefined): boolean {
  const rs = podRecords(o);
  return condition(o, 'Selected') === 'True' && rs.length > 0 && rs.every((r) => r.phase === 'Injected');
}

/** Verified recovered: every pod record Not Injected (no records = nothing was ever injected). */
export function allRecovered(o: ChaosObject | null | undefined): boolean {
  return podRecords(o).every((r) => r.phase === 'Not Injected');
}

/** Chaos Mesh found no pod for the selector (Selected False, no records): final only after a wait (conditions come before records). */
export function selectedNothing(o: ChaosObject | null | undefined): boolean {
  return condition(o, 'Selected') === 'False' && podRecords(o).length === 0 && o?.status?.experiment?.desiredPhase !== undefined;
}

/** A short text of the records, for messages: "shop/a Injected, shop/b Not Injected". */
export function describeRecords(o: ChaosObject | null | undefined): string {
  const rs = podRecords(o);
  return rs.length ? rs.map((r) => `${r.pod} ${r.phase}${r.lastFailure ? ` (${r.lastFailure})` : ''}`).join(', ') : 'no pod selected';
}
