import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src-main/inventory/index.js';
import { DURATION_PATTERN, durationMs, flattenSteps, loadScenario, renderJsonSchema } from '../../src-main/scenario/index.js';
import { DurationError, parseDuration } from '../../src-main/api/duration.js';

const DIR = join(import.meta.dirname, '..', '..', 'scenarios');
const RUNBOOKS = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
const LAB = loadInventory(join(import.meta.dirname, 'fixtures', 'scenarios', 'lab-inventory.yaml'));

/** Longest planned run for a shipped runbook: they double as integration-test material. */
const MAX_PLANNED_MS = 120_000;

describe('shipped runbooks', () => {
  it('include the required set', () => {
    for (const name of ['replica-partition', 'api-packet-loss', 'db-disk-fill', 'cpu-starvation', 'gpu-power-brownout', 'cascading-failure']) {
      expect(RUNBOOKS).toContain(`${name}.yaml`);
    }
  });

  it.each(RUNBOOKS)('%s validates with no problems, also against the lab inventory', (name) => {
    const file = join(DIR, name);
    expect(loadScenario(file).problems).toEqual([]);
    expect(loadScenario(file, { inventory: LAB }).problems).toEqual([]);
  });

  it.each(RUNBOOKS)('%s points editors at the schema and runs preparation → injection → response → recovery within 2 minutes', (name) => {
    const text = readFileSync(join(DIR, name), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json');
    const { scenario } = loadScenario(join(DIR, name));
    expect(scenario.phases.map((p) => p.id)).toEqual(['preparation', 'injection', 'response', 'recovery']);
    const planned = scenario.phases.reduce((sum, p) => sum + (p.duration === undefined ? 0 : durationMs(p.duration)), 0);
    expect(planned).toBeGreaterThan(0);
    expect(planned).toBeLessThanOrEqual(MAX_PLANNED_MS);
    // Steps that just pass time must fit the plan too.
    const waits = flattenSteps(scenario).reduce((sum, x) => sum + (x.step.kind === 'wait' ? durationMs(x.step.duration) : 0), 0);
    expect(waits).toBeLessThan(planned);
    expect(scenario.hypothesis.length).toBeGreaterThan(20);
    expect(scenario.probes.length).toBeGreaterThan(0);
    expect(scenario.abort.length).toBeGreaterThan(0);
    expect(scenario.slos?.recoveryTime).toBeDefined();
    expect(flattenSteps(scenario).some((x) => x.step.kind === 'inject')).toBe(true);
  });

  it('gpu-power-brownout caps power on the gpu group and watches a GPU metric', () => {
    const { scenario } = loadScenario(join(DIR, 'gpu-power-brownout.yaml'));
    const inject = flattenSteps(scenario).find((x) => x.step.kind === 'inject')!.step;
    expect(inject).toMatchObject({ fault: 'gpu-power-cap', target: 'gpu' });
    expect(scenario.targets.gpu!.selector).toBe('group:gpu');
    expect(scenario.probes.some((p) => p.kind === 'gpu')).toBe(true);
  });

  it('cascading-failure blocks a dependency, then hits a second node', () => {
    const { scenario } = loadScenario(join(DIR, 'cascading-failure.yaml'));
    const injects = flattenSteps(scenario).flatMap((x) => (x.step.kind === 'inject' ? [x.step] : []));
    expect(injects[0]!.fault).toBe('dependency-block');
    expect(injects.length).toBeGreaterThanOrEqual(2);
    expect(new Set(injects.map((s) => scenario.targets[s.target]!.selector)).size).toBeGreaterThanOrEqual(2);
  });
});

describe('JSON Schema', () => {
  it('scenarios/schema.json equals freshly generated output (regenerate: npx tsx src-main/scenario/write-json-schema.ts)', () => {
    expect(readFileSync(join(DIR, 'schema.json'), 'utf8')).toBe(renderJsonSchema());
  });

  it('rejects unknown fields and knows every step kind', () => {
    const schema = JSON.parse(renderJsonSchema()) as { additionalProperties: boolean; required: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'title', 'hypothesis', 'phases']));
    const text = renderJsonSchema();
    for (const kind of ['instruction', 'inject', 'revert', 'wait', 'assert', 'approval', 'note', 'command', 'integrity', 'http', 'tcp', 'gpu', 'prometheus']) {
      expect(text).toContain(`"const": "${kind}"`);
    }
  });
});

describe('duration pattern', () => {
  it('accepts only what parseDuration accepts', () => {
    const samples = ['500ms', '30s', '2m', '1h30m', '1.5s', '10', '0', '2.5', ' 3s ', '1h 30m', '1 0s', '5 parsecs', '-1s', 's', '', '1d', '1e3', '0x10', '3S', '1m1m'];
    for (const s of samples) {
      let ok = true;
      try {
        parseDuration(s);
      } catch (e) {
        if (!(e instanceof DurationError)) throw e;
        ok = false;
      }
      // The pattern may be stricter (it refuses "1 0s"), never looser.
      if (DURATION_PATTERN.test(s)) expect(ok, s).toBe(true);
    }
    for (const s of ['500ms', '30s', '2m', '1h30m', '1.5s', '10', '1h 30m']) expect(DURATION_PATTERN.test(s), s).toBe(true);
  });
});
