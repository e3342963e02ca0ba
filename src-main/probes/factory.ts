/**
 * From probe specs to scheduled lanes: build each probe kind, fan a probe with a `target` out to
 * one series per node, and check the spec rules the scheduler relies on before anything runs.
 */
import { createCommandProbe, type ProbeSsh } from './command.js';
import { createGpuProbe } from './gpu.js';
import { createHttpProbe } from './http.js';
import { createPrometheusProbe } from './prometheus.js';
import { ProbeConfigError, type Probe } from './probe.js';
import type { ScheduledProbe } from './scheduler.js';
import { MIN_INTERVAL_MS } from './scheduler.js';
import { createTcpProbe } from './tcp.js';
import { fillAddress, fillUrl, hasPlaceholders, validateNode } from './template.js';
import type { ProbeNode, ProbeSpec, ProbeTarget } from './types.js';

/** Series name of a probe without a target. */
export const DEFAULT_SERIES = 'default';

export interface ProbeDeps {
  /** Needed by command and gpu probes. */
  ssh?: ProbeSsh;
}

/** The problems with a spec, as sentences; empty when it can run. `nodes` = its resolved target, if any. */
export function checkProbeSpec(spec: ProbeSpec, nodes?: ProbeNode[]): string[] {
  const errs: string[] = [];
  const p = `probe ${spec.id}`;
  if (!(spec.intervalMs >= MIN_INTERVAL_MS)) errs.push(`${p}: interval must be ≥ ${MIN_INTERVAL_MS} ms`);
  if (!(spec.timeoutMs > 0 && spec.timeoutMs < spec.intervalMs)) errs.push(`${p}: timeout must be > 0 and < interval`);
  if (spec.healthyAfter !== undefined && !(Number.isInteger(spec.healthyAfter) && spec.healthyAfter >= 1)) errs.push(`${p}: healthyAfter must be a whole number ≥ 1`);
  const needsNodes = spec.kind === 'command' || spec.kind === 'gpu';
  if (needsNodes && !spec.target) errs.push(`${p}: a ${spec.kind} probe runs over SSH and needs a target`);
  const text = spec.kind === 'tcp' ? spec.address : spec.kind === 'http' || spec.kind === 'prometheus' ? spec.url : spec.kind === 'command' ? spec.command : '';
  if (!spec.target && hasPlaceholders(text)) errs.push(`${p}: uses {host}/{name}/{port} but has no target`);
  if (spec.target && nodes) {
    if (nodes.length === 0) errs.push(`${p}: target ${spec.target} selects no nodes`);
    for (const n of nodes) {
      try {
        validateNode(n);
      } catch (e) {
        errs.push(`${p}: ${(e as Error).message}`);
      }
      if (needsNodes && !n.ssh) errs.push(`${p}: node ${n.name} has no SSH settings`);
    }
  }
  // Fill every URL/address now, so a typo fails validation instead of every sample.
  for (const node of spec.target ? (nodes ?? []) : [undefined]) {
    try {
      if (spec.kind === 'http' || spec.kind === 'prometheus') fillUrl(spec.url, node);
      else if (spec.kind === 'tcp') fillAddress(spec.address, node);
    } catch (e) {
      errs.push(`${p}: ${(e as Error).message}`);
      break;
    }
  }
  try {
    createProbe(spec, { ssh: { exec: () => Promise.reject(new Error('check only')) } }).dispose();
  } catch (e) {
    // Bad regex / JSON path / URL: ProbeConfigError or TemplateError, both with a plain message.
    errs.push((e as Error).message);
  }
  return errs;
}

/** Build the runner for one spec. Throws ProbeConfigError on a bad regex/JSON path/URL. */
export function createProbe(spec: ProbeSpec, deps: ProbeDeps): Probe {
  switch (spec.kind) {
    case 'http':
      return createHttpProbe(spec);
    case 'tcp':
      return createTcpProbe(spec);
    case 'prometheus':
      return createPrometheusProbe(spec);
    case 'command':
      if (!deps.ssh) throw new ProbeConfigError(`probe ${spec.id}: command probes need the SSH pool`);
      return createCommandProbe(spec, deps.ssh);
    case 'gpu':
      if (!deps.ssh) throw new ProbeConfigError(`probe ${spec.id}: gpu probes need the SSH pool`);
      return createGpuProbe(spec, deps.ssh);
  }
}

/** One series per node when the probe has a target (named after the node), else `default`. */
export function probeTargets(spec: ProbeSpec, nodes?: ProbeNode[]): ProbeTarget[] {
  if (!spec.target) return [{ series: DEFAULT_SERIES }];
  return (nodes ?? []).map((node) => ({ series: node.name, node }));
}

/**
 * Specs + each target's nodes → what ProbeScheduler takes. Throws ProbeConfigError listing every
 * problem, so a bad runbook is refused before the first sample rather than half-way through.
 */
export function buildScheduledProbes(specs: ProbeSpec[], nodesOf: (target: string) => ProbeNode[], deps: ProbeDeps): ScheduledProbe[] {
  const errs = specs.flatMap((s) => checkProbeSpec(s, s.target ? nodesOf(s.target) : undefined));
  const ids = specs.map((s) => s.id);
  for (const id of new Set(ids)) if (ids.filter((x) => x === id).length > 1) errs.push(`probe id ${id} is used twice`);
  if (errs.length) throw new ProbeConfigError(errs.join('\n'));
  return specs.map((spec) => ({
    probe: createProbe(spec, deps),
    intervalMs: spec.intervalMs,
    timeoutMs: spec.timeoutMs,
    targets: probeTargets(spec, spec.target ? nodesOf(spec.target) : undefined),
  }));
}
