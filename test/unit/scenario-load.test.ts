import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario, durationMs, flattenSteps, loadScenario, parseScenario, ScenarioError, sloTarget, type ScenarioProblem } from '../../src-main/scenario/index.js';

const FIX = join(import.meta.dirname, 'fixtures', 'scenarios');
const MIN = readFileSync(join(FIX, 'minimal.yaml'), 'utf8');

/** Replace text that must be present (a test that edits nothing would pass for the wrong reason). */
function edit(from: string, to: string, text = MIN): string {
  if (!text.includes(from)) throw new Error(`fixture does not contain ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

function errors(text: string): ScenarioProblem[] {
  return checkScenario(text, 'rb.yaml').problems.filter((p) => p.severity === 'error');
}

function only(text: string): ScenarioProblem {
  const e = errors(text);
  expect(e, JSON.stringify(e, null, 1)).toHaveLength(1);
  return e[0]!;
}

describe('valid runbooks', () => {
  it('parses the full example of the contract with every probe and step kind', () => {
    const { scenario, problems } = loadScenario(join(FIX, 'full.yaml'));
    expect(problems).toEqual([]);
    expect(scenario.probes.map((p) => p.kind)).toEqual(['http', 'tcp', 'command', 'gpu', 'prometheus']);
    expect(new Set(flattenSteps(scenario).map((s) => s.step.kind))).toEqual(new Set(['instruction', 'integrity', 'approval', 'inject', 'wait', 'assert', 'note', 'command', 'revert']));
    expect(scenario.slos && sloTarget(scenario.slos.recoveryTime!, 'staging')).toBe('30s');
    expect(scenario.slos && sloTarget(scenario.slos.availability!, 'prod')).toBe(99);
  });

  it('applies defaults and keeps durations as written', () => {
    const { scenario } = parseScenario(MIN, 'rb.yaml');
    expect(scenario.environment).toBe('lab');
    expect(scenario.allowProd).toBe(false);
    expect(scenario.leaseTtl).toBe('30s');
    expect(scenario.probes[0]!.healthyAfter).toBe(3);
    expect(scenario.probes[0]!.interval).toBe('500ms');
    expect(durationMs(scenario.probes[0]!.interval)).toBe(500);
  });

  it('makes command steps high risk with approval, without the author writing it', () => {
    const text = edit('      - { id: undo, kind: revert, step: cut }', '      - { id: undo, kind: revert, step: cut }\n      - { id: fix, kind: command, target: api, command: "systemctl restart app" }');
    const step = flattenSteps(parseScenario(text, 'rb.yaml').scenario).find((s) => s.step.id === 'fix')!.step;
    expect(step).toMatchObject({ kind: 'command', risk: 'high', approval: 'required' });
  });

  it('refuses an attempt to lower a command step\'s risk', () => {
    const text = edit('      - { id: undo, kind: revert, step: cut }', '      - { id: undo, kind: revert, step: cut }\n      - { id: fix, kind: command, target: api, command: "true", risk: low }');
    const p = only(text);
    expect(p.path).toBe('phases[0].steps[3].risk');
    expect(p.message).toMatch(/always high risk/);
  });
});

describe('schema problems, located', () => {
  it('unknown field: line:col of the key and a did-you-mean', () => {
    const e = errors(edit('maxNodes: 2', 'maxNode: 2'));
    expect(e).toContainEqual(expect.objectContaining({ line: 5, col: 33, path: 'targets.api.maxNode', message: 'unknown field "maxNode"', hint: 'did you mean "maxNodes"?' }));
    // The field it should have been is missing; its hint points at the misspelling.
    expect(e).toContainEqual(expect.objectContaining({ path: 'targets.api.maxNodes', message: 'missing required field "maxNodes"', hint: '"maxNode" looks like a misspelling of "maxNodes"' }));
  });

  it('unknown top-level field lists nothing when nothing is close, but says what is allowed', () => {
    const p = only(`${MIN}zzzzzz: 1\n`);
    expect(p).toMatchObject({ line: 20, col: 1, message: 'unknown field "zzzzzz"' });
    expect(p.hint).toMatch(/^allowed here: version, title/);
  });

  it('bad duration: position of the value and the accepted syntax', () => {
    const p = only(edit('interval: 500ms', 'interval: 5 parsecs'));
    expect(p).toMatchObject({ line: 11, col: 15, path: 'probes[0].interval', message: '"5 parsecs" is not a duration' });
    expect(p.hint).toMatch(/500ms, 30s, 2m, 1h30m/);
  });

  it('a duration of the wrong type and an over-long one', () => {
    expect(only(edit('interval: 500ms', 'interval: [1]'))).toMatchObject({ line: 11, path: 'probes[0].interval', message: 'a list is not a duration' });
    expect(only(edit('duration: 10s', 'duration: 25h'))).toMatchObject({ line: 17, col: 94, message: 'is longer than 24h' });
  });

  it('enum value: allowed values and did-you-mean', () => {
    const p = only(edit('intensity: low', 'intensity: lwo'));
    expect(p).toMatchObject({ line: 17, col: 79, path: 'phases[0].steps[0].intensity', message: '"lwo" is not allowed here' });
    expect(p.hint).toBe('did you mean "low"? (one of low, medium, high)');
  });

  it('unknown step kind and probe kind', () => {
    expect(only(edit('kind: assert', 'kind: asert'))).toMatchObject({ line: 18, path: 'phases[0].steps[1].kind', message: 'unknown step kind "asert"', hint: 'did you mean "assert"? (one of instruction, inject, revert, wait, assert, approval, note, command, integrity)' });
    expect(only(edit('kind: http', 'kind: htp'))).toMatchObject({ line: 8, col: 11, message: 'unknown probe kind "htp"' });
  });

  it('missing required field points at the object that needs it', () => {
    const p = only(edit('    timeout: 300ms\n', ''));
    expect(p).toMatchObject({ line: 7, col: 5, path: 'probes[0].timeout', message: 'missing required field "timeout"' });
  });

  it('bad id and unsupported version', () => {
    expect(only(edit('id: main', 'id: Main_Phase'))).toMatchObject({ line: 14, col: 9, path: 'phases[0].id' });
    expect(only(edit('version: 1', 'version: 2'))).toMatchObject({ line: 1, col: 10, message: 'unsupported runbook version', hint: expect.stringMatching(/version: 1/) });
  });

  it('numbers too large for a double are reported, not crashed on', () => {
    const p = only(edit('maxNodes: 2', `maxNodes: 1${'0'.repeat(400)}`));
    expect(p.path).toBe('targets.api.maxNodes');
    expect(p.message).toMatch(/too large|at most/);
  });

  it('YAML syntax errors carry line:col', () => {
    const p = errors(edit('    title: Main\n', '    title: [Main\n'))[0]!;
    expect(p.line).toBeGreaterThanOrEqual(15);
    expect(p.message).toMatch(/^YAML: /);
    const dup = only(edit('    title: Main\n', '    title: Main\n    title: Again\n'));
    expect(dup).toMatchObject({ line: 16, col: 5, message: 'YAML: Map keys must be unique' });
  });

  it('a non-mapping document', () => {
    expect(only('- 1\n- 2\n')).toMatchObject({ line: 1, col: 1, message: expect.stringMatching(/mapping of fields, not a list/) });
    expect(only('')).toMatchObject({ line: 1, message: 'the runbook is empty' });
    expect(only('just words')).toMatchObject({ message: expect.stringMatching(/not a single value/) });
  });
});

describe('hostile documents', () => {
  it('an alias bomb stops at the alias limit', () => {
    const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_, k) => `a${k + 1}: &a${k + 1} [${Array(10).fill(`*a${k}`).join(', ')}]`)].join('\n');
    expect(only(bomb)).toMatchObject({ line: 1, col: 1, message: 'YAML: too many alias expansions' });
  });

  it('absurd nesting is a problem, not a stack overflow', () => {
    const e = errors(`title: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expect(e[0]!.message).toMatch(/nested too deeply/);
    expect(errors(`a: ${'{b: '.repeat(5000)}${'}'.repeat(5000)}\n`)[0]!.message).toMatch(/nested too deeply/);
  });

  it('a huge file is refused before parsing', () => {
    expect(only(`title: "${'x'.repeat(2 * 1024 * 1024)}"\n`)).toMatchObject({ line: 1, message: expect.stringMatching(/a runbook is at most/) });
  });

  it('hostile strings in commands are kept verbatim (they are the operator\'s own text, never evaluated here)', () => {
    const cmd = '; rm -rf / $(id) `reboot` \u202e';
    const text = edit('      - { id: undo, kind: revert, step: cut }', `      - { id: undo, kind: revert, step: cut }\n      - { id: fix, kind: command, target: api, command: ${JSON.stringify(cmd)} }`);
    const step = flattenSteps(parseScenario(text, 'rb.yaml').scenario).find((x) => x.step.id === 'fix')!.step;
    expect(step.kind === 'command' && step.command).toBe(cmd);
  });
});

describe('ScenarioError', () => {
  it('carries every problem at once (schema and reference problems together)', () => {
    const text = edit('interval: 500ms', 'interval: fast', edit('probe: api-health', 'probe: api-helth', edit('step: cut', 'step: cutt')));
    let err: unknown;
    try {
      parseScenario(text, 'rb.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    const problems = (err as ScenarioError).problems;
    expect(problems.map((p) => p.path)).toEqual(['probes[0].interval', 'phases[0].steps[1].probe', 'phases[0].steps[2].step']);
    expect(problems[1]).toMatchObject({ message: 'unknown probe "api-helth"', hint: 'did you mean "api-health"?' });
    expect((err as ScenarioError).message).toMatch(/rb\.yaml: 3 problems/);
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ code: 'SCENARIO_INVALID', file: 'rb.yaml' });
  });

  it('an unreadable file is a ScenarioError too', () => {
    expect(() => loadScenario(join(FIX, 'does-not-exist.yaml'))).toThrow(ScenarioError);
  });
});
