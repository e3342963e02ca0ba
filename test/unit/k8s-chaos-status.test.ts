/**
 * The pure rules of the Chaos Mesh emulation (test/k8s/chaos-status.ts, chaos-select.ts,
 * go-duration.ts), checked against what Chaos Mesh's source says (controllers/common/*,
 * pkg/selector/generic/mode.go, Go's time.ParseDuration).
 */
import { describe, expect, it } from 'vitest';
import {
  calcConditions, calcDesiredPhase, mayRemoveFinalizers, recordOperation, CLEAN_FINALIZER_ANNOTATION, PAUSE_ANNOTATION,
} from '../k8s/chaos-status.js';
import { countForMode } from '../k8s/chaos-select.js';
import { parseGoDuration } from '../k8s/go-duration.js';
import type { KObject } from '../k8s/types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function chaos(over: { kind?: string; spec?: Record<string, unknown>; annotations?: Record<string, string>; records?: Array<{ phase: string }>; deleted?: boolean; finalizers?: string[] } = {}): KObject {
  return {
    apiVersion: 'chaos-mesh.org/v1alpha1', kind: over.kind ?? 'NetworkChaos',
    metadata: {
      name: 'x', namespace: 'shop', uid: 'u', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z',
      ...(over.annotations ? { annotations: over.annotations } : {}),
      ...(over.deleted ? { deletionTimestamp: '2026-01-01T00:01:00Z' } : {}),
      finalizers: over.finalizers ?? ['chaos-mesh/records'],
    },
    spec: { action: 'loss', mode: 'one', selector: {}, ...over.spec } as KObject['spec'],
    status: over.records ? { experiment: { containerRecords: over.records.map((r, i) => ({ id: `shop/p${i}`, selectorKey: '.', phase: r.phase, injectedCount: 0, recoveredCount: 0 })) } } : {},
  };
}

describe('desired phase (desiredphase/controller.go CalcDesiredPhase)', () => {
  it('runs until the duration, counted from creationTimestamp, has passed; then stops', () => {
    const obj = chaos({ spec: { duration: '30s' } });
    expect(calcDesiredPhase(obj, T0 + 10_000)).toEqual({ phase: 'Run', why: 'Running', untilStopMs: 20_000 });
    expect(calcDesiredPhase(obj, T0 + 30_001)).toEqual({ phase: 'Stop', why: 'TimeUp' });
    expect(calcDesiredPhase(obj, T0 + 30_001).phase).toBe('Stop');
  });

  it('stops when paused (annotation exactly "true") and runs again when the annotation goes', () => {
    expect(calcDesiredPhase(chaos({ annotations: { [PAUSE_ANNOTATION]: 'true' } }), T0).phase).toBe('Stop');
    expect(calcDesiredPhase(chaos({ annotations: { [PAUSE_ANNOTATION]: 'True' } }), T0).phase).toBe('Run');
    expect(calcDesiredPhase(chaos(), T0).phase).toBe('Run');
  });

  it('stops once deleted, whatever else holds', () => {
    expect(calcDesiredPhase(chaos({ deleted: true, kind: 'PodChaos', spec: { action: 'pod-kill' } }), T0).phase).toBe('Stop');
  });

  it('keeps a one-shot PodChaos (pod-kill, container-kill) running even when paused or past its duration', () => {
    for (const action of ['pod-kill', 'container-kill']) {
      const obj = chaos({ kind: 'PodChaos', spec: { action, duration: '1s' }, annotations: { [PAUSE_ANNOTATION]: 'true' } });
      expect(calcDesiredPhase(obj, T0 + 60_000).phase).toBe('Run');
    }
    expect(calcDesiredPhase(chaos({ kind: 'PodChaos', spec: { action: 'pod-failure', duration: '1s' } }), T0 + 60_000).phase).toBe('Stop');
  });
});

describe('conditions (condition/controller.go diffConditions)', () => {
  const cond = (o: KObject): Record<string, unknown> => Object.fromEntries(calcConditions(o).map((c) => [c.type, c.status]));

  it('without records: Selected False and neither AllInjected nor AllRecovered (fixed in 2.6.3: both were True before)', () => {
    expect(cond(chaos())).toEqual({ Selected: 'False', AllInjected: 'False', AllRecovered: 'False', Paused: 'False' });
  });

  it('AllInjected only when every record is Injected, AllRecovered only when every one is Not Injected', () => {
    expect(cond(chaos({ records: [{ phase: 'Injected' }, { phase: 'Injected' }] }))).toMatchObject({ Selected: 'True', AllInjected: 'True', AllRecovered: 'False' });
    expect(cond(chaos({ records: [{ phase: 'Injected' }, { phase: 'Not Injected' }] }))).toMatchObject({ AllInjected: 'False', AllRecovered: 'False' });
    expect(cond(chaos({ records: [{ phase: 'Not Injected' }], annotations: { [PAUSE_ANNOTATION]: 'true' } }))).toMatchObject({ AllRecovered: 'True', Paused: 'True' });
  });
});

describe('record operations (records/controller.go) and finalizer removal (finalizers/controller.go)', () => {
  it('applies toward Run and recovers toward Stop, following the Not Injected/* and Injected/* prefixes', () => {
    expect(recordOperation('Not Injected', 'Run')).toBe('Apply');
    expect(recordOperation('Injected', 'Run')).toBeUndefined();
    expect(recordOperation('Injected', 'Stop')).toBe('Recover');
    expect(recordOperation('Not Injected', 'Stop')).toBeUndefined();
    expect(recordOperation('Not Injected/Wait', 'Stop')).toBe('Apply');
    expect(recordOperation('Injected/Wait', 'Run')).toBe('Recover');
  });

  it('removes finalizers of a deleted object only when every record is Not Injected, or when forced', () => {
    expect(mayRemoveFinalizers(chaos({ records: [{ phase: 'Not Injected' }] }))).toBe(false); // not deleted
    expect(mayRemoveFinalizers(chaos({ deleted: true, records: [{ phase: 'Injected' }, { phase: 'Not Injected' }] }))).toBe(false);
    expect(mayRemoveFinalizers(chaos({ deleted: true, records: [{ phase: 'Not Injected' }] }))).toBe(true);
    expect(mayRemoveFinalizers(chaos({ deleted: true, records: [{ phase: 'Injected' }], annotations: { [CLEAN_FINALIZER_ANNOTATION]: 'forced' } }))).toBe(true);
    expect(mayRemoveFinalizers(chaos({ deleted: true, records: [{ phase: 'Injected' }], annotations: { [CLEAN_FINALIZER_ANNOTATION]: 'true' } }))).toBe(false);
  });
});

describe('mode → how many targets (pkg/selector/generic/mode.go)', () => {
  it('one, all, fixed (capped), fixed-percent (rounded up)', () => {
    expect(countForMode('one', '', 5)).toBe(1);
    expect(countForMode('all', '', 5)).toBe(5);
    expect(countForMode('fixed', '2', 5)).toBe(2);
    expect(countForMode('fixed', '9', 5)).toBe(5);
    expect(countForMode('fixed-percent', '50', 3)).toBe(2);
    expect(countForMode('fixed-percent', '1', 3)).toBe(1);
  });

  it('random-max-percent stays within [0, ceil(count·max/100)]', () => {
    for (let i = 0; i < 50; i++) {
      const n = countForMode('random-max-percent', '50', 4) as number;
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThanOrEqual(2);
    }
  });

  it('refuses bad values with Chaos Mesh wording', () => {
    expect((countForMode('fixed', '0', 3) as Error).message).toBe('cannot select any object as value below or equal 0');
    expect((countForMode('fixed-percent', '101', 3) as Error).message).toContain('Must be (0,100]');
    expect((countForMode('one', '', 0) as Error).message).toBe('cannot generate objects from empty list');
  });
});

describe('Go durations (time.ParseDuration, as spec.duration is read)', () => {
  it('parses composite and fractional durations, no days', () => {
    expect(parseGoDuration('30s')).toBe(30_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('300ms')).toBe(300);
    expect(parseGoDuration('0')).toBe(0);
    expect((parseGoDuration('1d') as Error).message).toBe('time: unknown unit "d" in duration "1d"');
    expect((parseGoDuration('10') as Error).message).toBe('time: missing unit in duration "10"');
    expect((parseGoDuration('') as Error).message).toBe('time: invalid duration ""');
  });
});
