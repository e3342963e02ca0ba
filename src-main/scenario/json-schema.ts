/**
 * The runbook JSON Schema (scenarios/schema.json), generated from the zod schema with zod v4's
 * z.toJSONSchema, so editors (yaml-language-server) and the console validate the same shape.
 * Cross-field rules (references, timeout < interval, fault parameters) are not expressible here;
 * `gameday validate` checks those.
 */
import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/** Stable identifier of the schema document. */
export const SCHEMA_ID = 'https://gameday.local/schemas/scenario-v1.json';

/**
 * Draft-07 because yaml-language-server and most editors support it fully; `io: 'input'` describes
 * what authors write (fields with defaults are optional), not the parsed model.
 */
export function buildJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: SCHEMA_ID,
    title: 'Game-day runbook (scenario) v1',
    description: 'A game-day runbook: hypothesis, targets, probes, SLOs, abort conditions and phases of steps. Generated from src-main/scenario/schema.ts by src-main/scenario/write-json-schema.ts; do not edit by hand.',
    ...rest,
  };
}

/** The schema as committed: pretty-printed JSON with a trailing newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}
