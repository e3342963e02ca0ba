/** Public entry of the scenario (runbook) module: schema, types, loading and validation. */
export * from './schema.js';
export { ScenarioError, formatProblem, formatPath, type ScenarioProblem, type Severity } from './errors.js';
export { checkScenario, loadScenario, parseScenario, readScenarioText, MAX_ALIASES, MAX_RUNBOOK_BYTES, type CheckResult, type ScenarioOptions } from './load.js';
export { durationMs, flattenSteps, sloNames, sloTarget, type LocatedStep } from './model.js';
export { MIN_PROBE_INTERVAL_MS, PLACEHOLDERS } from './checks-probes.js';
export { buildJsonSchema, renderJsonSchema, SCHEMA_ID } from './json-schema.js';
export { MAX_DURATION_MS, DURATION_HINT, DURATION_MESSAGE, DURATION_TOO_LONG_MESSAGE, DURATION_TOO_LONG_HINT } from './schema-common.js';
export { mapProbe, mapAbort, mapSlos, primaryProbe } from './probe-map.js';
export { planTimes, type PlanTimes, type StepTimes } from './plan-times.js';
export { planFaultParams } from './plan-faults.js';
