/**
 * Probes, SLOs and abort conditions of a runbook (scenario.md). The probes module imports these
 * schemas and types, so their shapes are the contract: change them only together with it.
 *
 * Durations stay as written (see schema-common.ts); convert with parseDuration()/durationMs().
 * Cross-field rules that need the whole runbook (probe ids exist, timeout < interval, placeholders)
 * live in checks-*.ts so their problems point at the exact field.
 */
import { z } from 'zod';
import { duration, id, percentage, text, withHint } from './schema-common.js';

/** k consecutive healthy samples count as "recovered" unless the probe says otherwise. */
export const DEFAULT_HEALTHY_AFTER = 3;
/** A probe that needs 100 healthy samples in a row never reports recovery within a game day. */
const MAX_HEALTHY_AFTER = 100;

const REGEX_HINT = 'JavaScript RegExp syntax; in YAML prefer single quotes so backslashes stay as written';

/** A regular expression given as text; compiled here so a typo is found before the run. */
export const regexText = z.string().min(1, 'must not be empty').superRefine((src, ctx) => {
  try {
    new RegExp(src);
  } catch (e) {
    // A dynamic message, so the hint travels in params (issues.ts reads params.hint first).
    ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${(e as Error).message}`, params: { hint: REGEX_HINT } });
  }
});

/**
 * The JSONPath subset probes evaluate: `$`, then `.key`, `[index]` or `["key"]` steps, e.g.
 * `$.ok`, `$.items[0].status`, `$["x-y"]`. No filters or wildcards: a health check reads one value.
 */
export const JSON_PATH_RE = /^\$(?:\.[A-Za-z_$][A-Za-z0-9_$-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*$/;
const jsonPath = z.string().regex(JSON_PATH_RE, withHint('is not a supported JSONPath', 'write $.field, $.items[0].status or $["odd-key"]'));

/** Bounds on a numeric reading; healthy when value > above and value < below (each if given). */
export const numberBounds = z.strictObject({
  above: z.number().optional(),
  below: z.number().optional(),
});

/** Common to every probe kind. */
const probeBase = {
  id,
  /** A `targets` key: one series per selected node, `{host}`/`{name}`/`{port}` filled per node. */
  target: id.optional(),
  /** ≥ 100 ms (checked with the rest of the timing rules in checks-probes.ts). */
  interval: duration,
  /** Must be shorter than the interval, so samples never overlap. */
  timeout: duration,
  healthyAfter: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_HEALTHY_AFTER, `must be at most ${MAX_HEALTHY_AFTER}`).default(DEFAULT_HEALTHY_AFTER),
  title: text.optional(),
};

/** HTTP(S) GET; healthy when every given expectation holds (default: any 2xx). */
export const httpProbeSchema = z.strictObject({
  ...probeBase,
  kind: z.literal('http'),
  url: z.string().min(1, 'must not be empty'),
  /** Reuse one connection per node (default true); false when the fault only blocks NEW connections. */
  keepAlive: z.boolean().optional(),
  /** Skip TLS certificate checks (self-signed lab certificates). */
  tlsInsecure: z.boolean().optional(),
  expect: z
    .strictObject({
      status: z.number().int('must be a whole number').min(100, 'must be an HTTP status 100-599').max(599, 'must be an HTTP status 100-599').optional(),
      bodyMatch: regexText.optional(),
      jsonPath: jsonPath.optional(),
      equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
      maxLatency: duration.optional(),
    })
    .optional(),
});

/** TCP connect to `address` (`host:port`, placeholders allowed). */
export const tcpProbeSchema = z.strictObject({
  ...probeBase,
  kind: z.literal('tcp'),
  address: z.string().min(1, 'must not be empty'),
});

/** The operator's own command, run over SSH on each node of `target`. */
export const commandProbeSchema = z.strictObject({
  ...probeBase,
  kind: z.literal('command'),
  target: id,
  command: text,
  expect: z
    .strictObject({
      exitCode: z.number().int('must be a whole number').min(0, 'must be 0-255').max(255, 'must be 0-255').optional(),
      /** Regex that stdout must match. */
      match: regexText.optional(),
      /** Bounds on the number read from stdout: the first number, or the first group of `extract`. */
      number: numberBounds.optional(),
      /** Regex whose first capture group holds the number (used with `number`). */
      extract: regexText.optional(),
    })
    .optional(),
});

export const GPU_METRICS = ['tempC', 'powerW', 'utilPct', 'vramUsedB'] as const;
export const GPU_TOOLS = ['rocm-smi', 'amd-smi', 'nvidia-smi', 'auto'] as const;

/** A GPU metric read with the vendor tool on each node of `target`. */
export const gpuProbeSchema = z.strictObject({
  ...probeBase,
  kind: z.literal('gpu'),
  target: id,
  metric: z.enum(GPU_METRICS),
  tool: z.enum(GPU_TOOLS).default('auto'),
  expect: numberBounds,
});

/** A Prometheus instant query; the value is the first sample of the result. */
export const prometheusProbeSchema = z.strictObject({
  ...probeBase,
  kind: z.literal('prometheus'),
  url: z.string().min(1, 'must not be empty'),
  query: text,
  expect: numberBounds,
});

export const PROBE_KINDS = ['http', 'tcp', 'command', 'gpu', 'prometheus'] as const;

export const probeSchema = z.discriminatedUnion('kind', [httpProbeSchema, tcpProbeSchema, commandProbeSchema, gpuProbeSchema, prometheusProbeSchema]);

export type ProbeSpec = z.infer<typeof probeSchema>;
export type HttpProbeSpec = z.infer<typeof httpProbeSchema>;
export type TcpProbeSpec = z.infer<typeof tcpProbeSchema>;
export type CommandProbeSpec = z.infer<typeof commandProbeSchema>;
export type GpuProbeSpec = z.infer<typeof gpuProbeSchema>;
export type PrometheusProbeSpec = z.infer<typeof prometheusProbeSchema>;
export type ProbeKind = ProbeSpec['kind'];
export type NumberBounds = z.infer<typeof numberBounds>;
export type GpuMetric = (typeof GPU_METRICS)[number];

/** A target with optional per-environment overrides; `target` applies where no override is given. */
function perEnv<T extends z.ZodType>(value: T) {
  return { target: value, lab: value.optional(), staging: value.optional(), prod: value.optional() };
}

/** The clocks a recovery target can be read on (probes/recovery.ts explains each); the default first. */
export const RECOVERY_FROM = ['revert', 'inject', 'detect'] as const;

/**
 * Recovered = the start of a healthy run that then holds: no unhealthy sample for `hold` (default the
 * larger of k samples and 10 s) and, while the fault is active, until its revert plus the hold.
 */
export const recoveryTimeSchema = z.strictObject({
  ...perEnv(duration),
  /** Measured from: `revert` (default: the fault's revert verified), `inject` (fault active) or `detect`. */
  from: z
    .enum(RECOVERY_FROM, { error: withHint('must be revert, inject or detect', 'revert (the default) reads "healthy again within N of the heal"') })
    .default('revert')
    .describe('Clock the target is read on: revert (default) = from the fault\'s revert being verified (or its lease known expired); inject = from the fault becoming active; detect = from the first unhealthy sample'),
  /** How long a healthy run must last to count as recovered (at least k samples; default 10s). */
  hold: duration.optional().describe('Hold window: a healthy run counts as recovered once it has lasted this long (and, while the fault is active, through its revert plus this); default the larger of k samples and 10s'),
});

/** Success criteria. Times are per fault; percentages are over the whole run. */
export const sloSchema = z.strictObject({
  /** Time to recover (a held healthy run, see recoveryTimeSchema), on the `from` clock, must be ≤ this. */
  recoveryTime: recoveryTimeSchema.optional(),
  /** Time to detect (first unhealthy sample after the fault became active) must be ≤ this. */
  detectionTime: z.strictObject(perEnv(duration)).optional(),
  /** Healthy samples of `probe`, in percent, must be ≥ this. */
  availability: z.strictObject({ probe: id, ...perEnv(percentage) }).optional(),
  /** Unhealthy samples of `probe`, in percent, must be ≤ this. */
  errorRate: z.strictObject({ probe: id, ...perEnv(percentage) }).optional(),
  /** 95th percentile latency of `probe` must be ≤ this. */
  latencyP95: z.strictObject({ probe: id, ...perEnv(duration) }).optional(),
});
export type SloSpec = z.infer<typeof sloSchema>;
export type SloName = keyof SloSpec;

const ABORT_ONE_RULE = withHint(
  'an abort condition needs exactly one of unhealthyFor, valueAbove, valueBelow',
  'e.g. { probe: api-health, unhealthyFor: 60s } or { probe: gpu-power, valueAbove: 600, for: 5s }',
);
const ABORT_FOR_NEEDS_VALUE = withHint('"for" applies to valueAbove/valueBelow only', 'unhealthyFor already carries its own duration');

/**
 * Abort conditions: any one true stops the run through the STOP controller. Exactly one trigger:
 * `unhealthyFor` (probe unhealthy that long), `valueAbove` / `valueBelow` (reading beyond the bound,
 * for `for` — default immediately).
 */
export const abortConditionSchema = z
  .strictObject({
    probe: id,
    unhealthyFor: duration.optional(),
    valueAbove: z.number().optional(),
    valueBelow: z.number().optional(),
    for: duration.optional(),
  })
  .superRefine((a, ctx) => {
    const triggers = [a.unhealthyFor, a.valueAbove, a.valueBelow].filter((v) => v !== undefined).length;
    if (triggers !== 1) ctx.addIssue({ code: 'custom', message: ABORT_ONE_RULE });
    if (a.for !== undefined && a.unhealthyFor !== undefined) ctx.addIssue({ code: 'custom', message: ABORT_FOR_NEEDS_VALUE, path: ['for'] });
  });
export type AbortCondition = z.infer<typeof abortConditionSchema>;
