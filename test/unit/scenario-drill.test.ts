import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario, type ScenarioProblem } from '../../src-main/scenario/index.js';

const MIN = readFileSync(join(import.meta.dirname, 'fixtures', 'scenarios', 'minimal.yaml'), 'utf8');

const DRILL = `drill:
  briefing: Checkout is slow. Find out why.
  diagnosis:
    choices: [disk full, packet loss, cpu starvation]
    answer: packet loss
  hints:
    - { after: 30s, text: Look at the network., penalty: 10 }
    - { after: 1m, text: Compare retransmits. }
  targets: { detect: 2m, mitigate: 5m }
rehearsal:
  outcomes:
    cut: API latency rises; some health checks time out.
`;

const errors = (text: string): ScenarioProblem[] => checkScenario(text, 'rb.yaml').problems.filter((p) => p.severity === 'error');
const edit = (from: string, to: string) => {
  const t = MIN + DRILL;
  if (!t.includes(from)) throw new Error(`no ${from}`);
  return t.replace(from, to);
};
/** Line of the first occurrence of `s` in the drill runbook (1-based). */
const lineOf = (s: string) => (MIN + DRILL).split('\n').findIndex((l) => l.includes(s)) + 1;

describe('drill and rehearsal blocks', () => {
  it('a valid drill parses with defaults (hint penalty 5)', () => {
    const r = checkScenario(MIN + DRILL, 'rb.yaml');
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.scenario!.drill!.hints.map((h) => h.penalty)).toEqual([10, 5]);
    expect(r.scenario!.drill!.diagnosis.answer).toBe('packet loss');
    expect(r.scenario!.rehearsal!.outcomes.cut).toMatch(/latency rises/);
  });

  it('the answer must be one of the choices, with did-you-mean and its position', () => {
    const [e, ...rest] = errors(edit('answer: packet loss', 'answer: packet los'));
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ line: lineOf('answer:'), path: 'drill.diagnosis.answer', message: 'the answer "packet los" is not one of the choices', hint: 'did you mean "packet loss"?' });
  });

  it('fewer than two choices, duplicate choices', () => {
    expect(errors(edit('[disk full, packet loss, cpu starvation]', '[packet loss]'))[0]).toMatchObject({ path: 'drill.diagnosis.choices', message: expect.stringMatching(/at least two choices/) });
    expect(errors(edit('[disk full, packet loss, cpu starvation]', '[packet loss, packet loss]'))[0]).toMatchObject({ path: 'drill.diagnosis.choices[1]', message: 'choice "packet loss" is listed twice' });
  });

  it('unknown fields in the drill block get did-you-mean at file:line:col', () => {
    const [e] = errors(edit('  briefing:', '  breifing: x\n  briefing:'));
    expect(e).toMatchObject({ line: lineOf('drill:') + 1, col: 3, path: 'drill.breifing', message: 'unknown field "breifing"', hint: 'did you mean "briefing"?' });
    const [h] = errors(edit('penalty: 10', 'penalti: 10'));
    expect(h).toMatchObject({ path: 'drill.hints[0].penalti', hint: 'did you mean "penalty"?' });
  });

  it('bad durations in hints and targets', () => {
    expect(errors(edit('after: 30s', 'after: soon'))[0]).toMatchObject({ path: 'drill.hints[0].after', message: expect.stringMatching(/not a duration/) });
    expect(errors(edit('detect: 2m', 'detect: 2 minutes'))[0]).toMatchObject({ path: 'drill.targets.detect' });
  });

  it('unknown mitigation probe', () => {
    const [e] = errors(edit('  targets: { detect', '  mitigationProbe: api-helth\n  targets: { detect'));
    expect(e).toMatchObject({ path: 'drill.mitigationProbe', message: 'unknown probe "api-helth"', hint: 'did you mean "api-health"?' });
  });

  it('rehearsal outcomes must name existing steps', () => {
    const [e] = errors(edit('    cut: API', '    cutt: API'));
    expect(e).toMatchObject({ line: lineOf('    cut: API'), col: 5, path: 'rehearsal.outcomes.cutt', message: 'no step "cutt" in this runbook', hint: 'did you mean "cut"?' });
  });

  it('drill problems are reported even when another part fails the schema', () => {
    const e = errors(edit('answer: packet loss', 'answer: nope').replace('title: Minimal', 'title: Minimal\nbogus: 1'));
    expect(e.map((x) => x.path).sort()).toEqual(['bogus', 'drill.diagnosis.answer']);
  });

  it('a drill without any inject step is refused', () => {
    const text = (MIN + DRILL).replace(/ {6}- \{ id: cut.*\n/, '').replace(/ {6}- \{ id: undo.*\n/, '').replace(/rehearsal:[\s\S]*$/, '');
    expect(errors(text).map((x) => x.message)).toContain('a drill needs an inject step: the drill clock starts when its fault is active');
  });
});
