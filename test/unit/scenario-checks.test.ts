import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src-main/inventory/index.js';
import { checkScenario, type ScenarioProblem } from '../../src-main/scenario/index.js';

const FIX = join(import.meta.dirname, 'fixtures', 'scenarios');
const MIN = readFileSync(join(FIX, 'minimal.yaml'), 'utf8');
const FULL = readFileSync(join(FIX, 'full.yaml'), 'utf8');
const LAB = loadInventory(join(FIX, 'lab-inventory.yaml'));

function edit(from: string, to: string, text = MIN): string {
  if (!text.includes(from)) throw new Error(`fixture does not contain ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

function problems(text: string, severity: 'error' | 'warning' = 'error', inventory = false): ScenarioProblem[] {
  return checkScenario(text, 'rb.yaml', inventory ? { inventory: LAB } : {}).problems.filter((p) => p.severity === severity);
}

function only(text: string, inventory = false): ScenarioProblem {
  const e = problems(text, 'error', inventory);
  expect(e, JSON.stringify(e, null, 1)).toHaveLength(1);
  return e[0]!;
}

const STEP3 = '      - { id: undo, kind: revert, step: cut }';
/** Add steps after the last step of the minimal runbook. */
const addSteps = (...lines: string[]) => edit(STEP3, [STEP3, ...lines].join('\n'));

describe('references', () => {
  it('unknown probe in an assert step, with did-you-mean and exact position', () => {
    expect(only(edit('probe: api-health', 'probe: api-helth'))).toMatchObject({ line: 18, col: 43, path: 'phases[0].steps[1].probe', message: 'unknown probe "api-helth"', hint: 'did you mean "api-health"?' });
  });

  it('unknown probes in SLOs and abort conditions', () => {
    const text = `${MIN}slos:\n  availability: { probe: web, target: 99 }\nabort:\n  - { probe: api-healt, unhealthyFor: 10s }\n`;
    const e = problems(text);
    expect(e).toContainEqual(expect.objectContaining({ line: 21, col: 26, path: 'slos.availability.probe', message: 'unknown probe "web"', hint: 'defined probes: api-health' }));
    expect(e).toContainEqual(expect.objectContaining({ line: 23, col: 14, path: 'abort[0].probe', hint: 'did you mean "api-health"?' }));
  });

  it('unknown target', () => {
    expect(only(edit('target: api, intensity', 'target: apis, intensity'))).toMatchObject({ line: 17, col: 63, message: 'unknown target "apis"', hint: 'did you mean "api"?' });
  });

  it('step ids are unique across phases', () => {
    const text = `${MIN}  - id: more\n    title: More\n    steps:\n      - { id: check, kind: wait, duration: 1s }\n`;
    expect(only(text)).toMatchObject({ line: 23, col: 15, path: 'phases[1].steps[0].id', message: 'step id "check" is already used (line 18)' });
  });

  it('probe ids are unique', () => {
    const probe = '  - id: api-health\n    kind: tcp\n    address: "127.0.0.1:8080"\n    interval: 1s\n    timeout: 500ms\n';
    expect(only(edit('phases:\n', `${probe}phases:\n`))).toMatchObject({ line: 13, path: 'probes[1].id', message: expect.stringMatching(/probe id "api-health" is already used/) });
  });

  it('revert must point to an earlier inject step', () => {
    expect(only(edit('step: cut }', 'step: check }'))).toMatchObject({ path: 'phases[0].steps[2].step', message: 'step "check" is an assert step; only inject steps can be reverted' });
    const early = edit('      - { id: cut,', `      - { id: early, kind: revert, step: cut }\n      - { id: cut,`);
    expect(only(early)).toMatchObject({ line: 17, path: 'phases[0].steps[0].step', message: expect.stringMatching(/comes later/) });
    expect(only(edit('step: cut }', 'step: cutt }'))).toMatchObject({ line: 19, col: 41, message: 'no step "cutt" to revert', hint: 'did you mean "cut"?' });
  });

  it('integrity compareWith / compareAfter must pair up', () => {
    const base = '      - { id: before, kind: integrity, target: api, command: "sha256sum /etc/passwd", compareAfter: after }';
    const after = '      - { id: after, kind: integrity, target: api, command: "sha256sum /etc/passwd", compareWith: before }';
    expect(problems(addSteps(base, after))).toEqual([]);
    expect(only(addSteps(base, after.replace(', compareWith: before', '')))).toMatchObject({ line: 20, path: 'phases[0].steps[3].compareAfter', hint: 'add compareWith: before to step "after"' });
    expect(problems(addSteps(after, base))).toEqual([
      expect.objectContaining({ line: 20, col: 99, path: 'phases[0].steps[3].compareWith', message: 'step "before" must come before this one' }),
      expect.objectContaining({ line: 21, col: 101, path: 'phases[0].steps[4].compareAfter', message: 'step "after" must come after this one' }),
    ]);
    expect(only(addSteps(base.replace('compareAfter: after', 'compareAfter: check')))).toMatchObject({ message: 'step "check" is an assert step, not an integrity step' });
  });

  it('selectors must parse', () => {
    expect(only(edit('selector: "group:api"', 'selector: "grop:api"'))).toMatchObject({ line: 5, col: 20, path: 'targets.api.selector', message: expect.stringMatching(/unknown selector kind "grop:"/) });
    expect(only(`${MIN}protected: ["env:dev"]\n`)).toMatchObject({ line: 20, col: 13, path: 'protected[0]', hint: 'use one of lab, staging, prod' });
  });

  it('prod needs allowProd and an approval step before the first inject', () => {
    const prod = `environment: prod\n${MIN}`;
    const e = problems(prod);
    expect(e.map((p) => p.message)).toEqual(['environment prod needs allowProd: true', 'in prod, an approval step must come before the first inject']);
    expect(e[1]).toMatchObject({ line: 18, col: 26, path: 'phases[0].steps[0].kind' });
    const ok = `environment: prod\nallowProd: true\n${edit('      - { id: cut,', '      - { id: go, kind: approval, text: "Go?" }\n      - { id: cut,')}`;
    expect(problems(ok)).toEqual([]);
  });
});

describe('probe rules', () => {
  it('timeout must be shorter than interval; interval at least 100ms', () => {
    expect(only(edit('timeout: 300ms', 'timeout: 500ms'))).toMatchObject({ line: 12, col: 14, path: 'probes[0].timeout', message: 'timeout must be shorter than interval' });
    const fast = only(edit('interval: 500ms', 'interval: 50ms', edit('timeout: 300ms', 'timeout: 20ms')));
    expect(fast).toMatchObject({ line: 11, path: 'probes[0].interval', message: 'interval must be at least 100ms' });
  });

  it('placeholders: unknown ones get a did-you-mean, and they need a target', () => {
    expect(only(edit('{host}:8080', '{hots}:8080'))).toMatchObject({ line: 10, col: 10, message: 'unknown placeholder {hots}', hint: expect.stringMatching(/did you mean \{host\}/) });
    expect(only(edit('    target: api\n    url', '    url'))).toMatchObject({ path: 'probes[0].url', message: 'placeholders need a target to fill them from' });
    expect(only(edit('"http://{host}:8080/health"', '"ftp://{host}/x"'))).toMatchObject({ message: 'URL scheme ftp: is not supported' });
  });

  it('regexes compile, extract has a group, bounds make sense', () => {
    const probe = (expect: string) => edit('phases:\n', `  - { id: lag, kind: command, target: api, command: "cat /x", interval: 1s, timeout: 500ms, expect: ${expect} }\nphases:\n`);
    expect(only(probe('{ match: "(" }'))).toMatchObject({ path: 'probes[1].expect.match', message: expect.stringMatching(/not a valid regular expression/), hint: expect.stringMatching(/RegExp/) });
    expect(only(probe('{ extract: "lag=\\\\d+", number: { below: 5 } }'))).toMatchObject({ message: 'extract needs a capture group holding the number' });
    expect(only(probe('{ number: { above: 5, below: 1 } }'))).toMatchObject({ message: 'no value is above 5 and below 1' });
    expect(problems(probe('{ extract: "lag=(\\\\d+)", number: { below: 5 } }'))).toEqual([]);
  });

  it('abort conditions need exactly one trigger', () => {
    expect(only(`${MIN}abort:\n  - { probe: api-health }\n`)).toMatchObject({ line: 21, col: 5, path: 'abort[0]', message: expect.stringMatching(/exactly one of unhealthyFor, valueAbove, valueBelow/) });
    expect(only(`${MIN}abort:\n  - { probe: api-health, unhealthyFor: 5s, for: 2s }\n`)).toMatchObject({ path: 'abort[0].for' });
  });
});

describe('faults', () => {
  it('unknown fault id with did-you-mean', () => {
    expect(only(edit('fault: network-loss', 'fault: network-los'))).toMatchObject({ line: 17, col: 41, path: 'phases[0].steps[0].fault', message: 'unknown fault "network-los"', hint: 'did you mean "network-loss"?' });
  });

  it('a bad parameter is named, with why, at its own position', () => {
    const p = only(edit('intensity: low,', 'intensity: low, params: { percent: 150 },'));
    expect(p).toMatchObject({ line: 17, col: 103, path: 'phases[0].steps[0].params.percent' });
    expect(p.message).toBe('parameter "percent" of network-loss: must be 0-100 (got 150)');
  });

  it('unknown parameter, enum parameter, missing parameter', () => {
    expect(only(edit('intensity: low,', 'intensity: low, params: { percnt: 5 },'))).toMatchObject({ path: 'phases[0].steps[0].params.percnt', message: 'network-loss has no parameter "percnt"', hint: 'did you mean "percent"?' });
    expect(only(edit('intensity: low,', 'intensity: low, params: { direction: sideways },'))).toMatchObject({ message: 'parameter "direction" of network-loss: "sideways" is not allowed', hint: 'one of ingress, egress, both' });
    const missing = only(edit('intensity: low,', 'params: { direction: egress },'));
    expect(missing).toMatchObject({ path: 'phases[0].steps[0].params', message: 'network-loss needs parameter "percent"' });
    expect(missing.hint).toMatch(/intensity/);
  });

  it('faults without a duration or revert get a warning, not an error', () => {
    const text = edit(STEP3, '      - { id: note, kind: note, prompt: "x" }');
    expect(problems(text)).toEqual([]);
    expect(problems(edit(', duration: 10s }', ' }', text), 'warning')).toEqual([expect.objectContaining({ path: 'phases[0].steps[0].fault', message: expect.stringMatching(/stays until the run ends/) })]);
  });
});

describe('against an inventory', () => {
  it('the full example fits the lab inventory', () => {
    expect(problems(FULL, 'error', true)).toEqual([]);
  });

  it('a target selecting more than maxNodes, or nothing', () => {
    expect(only(edit('selector: "group:api", maxNodes: 2', 'selector: "tag:lab", maxNodes: 2'), true)).toMatchObject({ line: 5, col: 41, path: 'targets.api.maxNodes', message: 'target "api" selects 6 nodes, more than maxNodes 2' });
    expect(only(edit('selector: "group:api"', 'selector: "tag:nope"'), true)).toMatchObject({ path: 'targets.api.selector', message: expect.stringMatching(/no node has tag "nope"/) });
  });

  it('protected nodes are subtracted and reported as a warning', () => {
    const text = `${edit('selector: "group:api", maxNodes: 2', 'selector: "node0*", maxNodes: 5')}protected: ["node03"]\n`;
    expect(problems(text, 'error', true)).toEqual([]);
    expect(checkScenario(text, 'rb.yaml', { inventory: LAB }).problems).toContainEqual(expect.objectContaining({ severity: 'warning', message: '1 selected node is protected and will be left alone' }));
  });

  it('GPU faults on nodes without a GPU', () => {
    const text = edit('fault: network-loss, target: api, intensity: low', 'fault: gpu-perf-level, target: api, intensity: medium');
    expect(only(text, true)).toMatchObject({ path: 'phases[0].steps[0].target', message: 'gpu-perf-level needs a GPU, but node01, node02 have none (gpu: none)' });
    expect(problems(text)).toEqual([]);
  });
});
