/**
 * From the runbook as written (durations as text, src-main/scenario) to what the probes layer takes
 * (milliseconds, src-main/probes). The one place the two shapes meet.
 */
import { parseDuration } from '../api/index.js';
import type { AbortCondition as ScAbort, ProbeSpec as ScProbe, Scenario, SloSpec as ScSlo } from './schema.js';
import type { AbortCondition, ProbeSpec, SloSpec, SloTarget } from '../probes/index.js';

const ms = (d: string | number) => parseDuration(d);

export function mapProbe(p: ScProbe): ProbeSpec {
  const base = { id: p.id, target: p.target, intervalMs: ms(p.interval), timeoutMs: ms(p.timeout), healthyAfter: p.healthyAfter };
  switch (p.kind) {
    case 'http': {
      const e = p.expect;
      return { ...base, kind: 'http', url: p.url, keepAlive: p.keepAlive, tlsInsecure: p.tlsInsecure, expect: e ? { status: e.status, bodyMatch: e.bodyMatch, jsonPath: e.jsonPath, equals: e.equals, maxLatencyMs: e.maxLatency === undefined ? undefined : ms(e.maxLatency) } : undefined };
    }
    case 'tcp':
      return { ...base, kind: 'tcp', address: p.address };
    case 'command':
      return { ...base, kind: 'command', command: p.command, expect: p.expect };
    case 'gpu':
      return { ...base, kind: 'gpu', metric: p.metric, tool: p.tool, expect: p.expect };
    case 'prometheus':
      return { ...base, kind: 'prometheus', url: p.url, query: p.query, expect: p.expect };
  }
}

export function mapAbort(a: ScAbort): AbortCondition {
  if (a.unhealthyFor !== undefined) return { probe: a.probe, unhealthyForMs: ms(a.unhealthyFor) };
  const forMs = a.for === undefined ? undefined : ms(a.for);
  if (a.valueAbove !== undefined) return { probe: a.probe, valueAbove: a.valueAbove, forMs };
  return { probe: a.probe, valueBelow: a.valueBelow!, forMs };
}

function perEnvMs(t: { target: string | number; lab?: string | number; staging?: string | number; prod?: string | number }): SloTarget {
  return { target: ms(t.target), lab: t.lab === undefined ? undefined : ms(t.lab), staging: t.staging === undefined ? undefined : ms(t.staging), prod: t.prod === undefined ? undefined : ms(t.prod) };
}

export function mapSlos(s: ScSlo | undefined): SloSpec {
  if (!s) return {};
  return {
    recoveryTimeMs: s.recoveryTime ? { ...perEnvMs(s.recoveryTime), from: s.recoveryTime.from, holdMs: s.recoveryTime.hold === undefined ? undefined : ms(s.recoveryTime.hold) } : undefined,
    detectionTimeMs: s.detectionTime ? perEnvMs(s.detectionTime) : undefined,
    availability: s.availability ? { probe: s.availability.probe, target: s.availability.target, lab: s.availability.lab, staging: s.availability.staging, prod: s.availability.prod } : undefined,
    errorRate: s.errorRate ? { probe: s.errorRate.probe, target: s.errorRate.target, lab: s.errorRate.lab, staging: s.errorRate.staging, prod: s.errorRate.prod } : undefined,
    latencyP95Ms: s.latencyP95 ? { probe: s.latencyP95.probe, ...perEnvMs(s.latencyP95) } : undefined,
  };
}

/**
 * Which probe times the recovery of faults: the availability SLO's probe when there is one (it is
 * the service the hypothesis is about), else the first probe.
 */
export function primaryProbe(s: Scenario): string | undefined {
  return s.slos?.availability?.probe ?? s.slos?.errorRate?.probe ?? s.probes[0]?.id;
}
