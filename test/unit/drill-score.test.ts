import { describe, expect, it } from 'vitest';
import type { Declaration } from '../../src-main/api/drill.js';
import { DRILL_WEIGHTS, FREE_COMMANDS, scoreDrill, timePoints, type ScoreInputs } from '../../src-main/drill/score.js';
import { HintSchedule } from '../../src-main/drill/hints.js';

const T0 = 1_000_000;
const base = (over: Partial<ScoreInputs> = {}): ScoreInputs => ({ clockStartedAt: T0, ttdTargetMs: 60_000, ttmTargetMs: 120_000, declarations: [], answer: 'disk full', hints: [], commandsUsed: 0, ...over });
const decl = (id: number, kind: Declaration['kind'], afterMs: number, extra: Partial<Declaration> = {}): Declaration => ({ id, kind, trainee: 't', at: T0 + afterMs, ...(kind === 'mitigated' ? { confirmed: null } : {}), ...extra });

describe('drill score', () => {
  it('weights add up to 100 and the formula says how it is made', () => {
    expect(Object.values(DRILL_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    const s = scoreDrill(base());
    expect(s.formula).toMatch(/three times the target/);
    expect(s.parts.map((p) => [p.name, p.max])).toEqual([['detect', 30], ['mitigate', 40], ['diagnosis', 20], ['steps', 10]]);
  });

  it('time points: full at the target, half at twice, none at three times', () => {
    expect(timePoints(0, 60_000, 30)).toBe(30);
    expect(timePoints(60_000, 60_000, 30)).toBe(30);
    expect(timePoints(120_000, 60_000, 30)).toBe(15);
    expect(timePoints(180_000, 60_000, 30)).toBe(0);
    expect(timePoints(999_999, 60_000, 30)).toBe(0);
  });

  it('a perfect drill scores 100', () => {
    const s = scoreDrill(base({ declarations: [decl(0, 'detected', 30_000, { diagnosis: 'disk full' }), decl(1, 'mitigated', 90_000, { diagnosis: 'disk full', confirmed: true })] }));
    expect(s).toMatchObject({ total: 100, ttdMs: 30_000, ttmMs: 90_000, diagnosisCorrect: true, hintsUsed: 0 });
  });

  it('an unconfirmed mitigation does not count; the facilitator ruling overrides the probes', () => {
    const d = [decl(0, 'detected', 30_000, { diagnosis: 'disk full' }), decl(1, 'mitigated', 90_000, { confirmed: false })];
    expect(scoreDrill(base({ declarations: d })).parts.find((p) => p.name === 'mitigate')).toMatchObject({ points: 0, detail: 'no confirmed mitigation' });
    d[1]!.ruling = 'accepted';
    expect(scoreDrill(base({ declarations: d })).parts.find((p) => p.name === 'mitigate')!.points).toBe(40);
    d[1]!.confirmed = true;
    d[1]!.ruling = 'rejected';
    expect(scoreDrill(base({ declarations: d })).ttmMs).toBeNull();
  });

  it('a rejected detection does not count; the next one does', () => {
    const s = scoreDrill(base({ declarations: [decl(0, 'detected', 10_000, { ruling: 'rejected' }), decl(1, 'detected', 150_000)] }));
    expect(s.ttdMs).toBe(150_000);
    expect(s.parts[0]!.points).toBe(Math.round(30 * (180_000 - 150_000) / 120_000));
  });

  it('the latest counted diagnosis decides; a wrong one scores 0', () => {
    const s = scoreDrill(base({ declarations: [decl(0, 'detected', 10_000, { diagnosis: 'disk full' }), decl(1, 'detected', 20_000, { diagnosis: 'packet loss' })] }));
    expect(s.diagnosisCorrect).toBe(false);
    expect(s.parts[2]).toMatchObject({ points: 0, detail: '"packet loss": not the cause' });
    expect(scoreDrill(base()).diagnosisCorrect).toBeNull();
  });

  it('hints cost their penalty and commands beyond the free ones cost 1 per 10; the total never leaves 0..100', () => {
    const hints = [{ revealedAt: T0 + 1, penalty: 5 }, { penalty: 10 }, { revealedAt: T0 + 2, penalty: 10 }];
    const s = scoreDrill(base({ hints, commandsUsed: FREE_COMMANDS + 11 }));
    expect(s.parts[3]).toMatchObject({ points: 10 - 15 - 2, detail: '2 hint(s) revealed (−15), 41 shell command(s) (−2)' });
    expect(s.hintsUsed).toBe(2);
    expect(s.total).toBe(0);
  });

  it('nothing is timed before the drill clock started', () => {
    const s = scoreDrill(base({ clockStartedAt: undefined, declarations: [decl(0, 'detected', 1)] }));
    expect(s.ttdMs).toBeNull();
  });
});

describe('hint schedule (fake clock)', () => {
  const planned = [{ afterMs: 30_000, text: 'a', penalty: 5 }, { afterMs: 60_000, text: 'b', penalty: 10 }];

  it('nothing is due before the clock starts; hints fall due in order as time passes', () => {
    const h = new HintSchedule(planned);
    expect(h.due(undefined, T0 + 10 ** 9)).toEqual([]);
    expect(h.due(T0, T0 + 29_999)).toEqual([]);
    expect(h.due(T0, T0 + 30_000)).toEqual([0]);
    expect(h.nextDueAt(T0)).toBe(T0 + 30_000);
    expect(h.reveal(0, 'schedule', T0 + 30_000)).toBe(true);
    expect(h.due(T0, T0 + 45_000)).toEqual([]);
    expect(h.due(T0, T0 + 61_000)).toEqual([1]);
  });

  it('an early reveal by the facilitator is kept once; the schedule does not reveal it again', () => {
    const h = new HintSchedule(planned);
    expect(h.reveal(1, 'Fran', T0 + 5_000)).toBe(true);
    expect(h.reveal(1, 'schedule', T0 + 60_000)).toBe(false);
    expect(h.hints[1]).toMatchObject({ revealedAt: T0 + 5_000, revealedBy: 'Fran' });
    expect(h.due(T0, T0 + 70_000)).toEqual([0]);
    expect(() => h.reveal(5, 'x', 0)).toThrow(/no hint 5/);
  });
});
