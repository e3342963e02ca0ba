/**
 * Prometheus probe: an instant query through the HTTP API (`GET <url>/api/v1/query?query=…`).
 * value = the scalar, or the first sample of a vector (Prometheus sorts nothing, so a query meant
 * for a probe should aggregate to one series, e.g. `sum(...)`). An empty vector, NaN/Inf, an error
 * status or a matrix/string result is unhealthy with the reason: "no data" is not "all is well".
 */
import type http from 'node:http';
import { nowMs } from './clock.js';
import { httpGet, probeAgent } from './http-request.js';
import { timeoutMessage } from './net-errors.js';
import { checkBounds, EXCERPT_CHARS, failed, sampleAt, type Probe } from './probe.js';
import { fillUrl } from './template.js';
import type { PrometheusProbeSpec, ProbeTarget, Sample } from './types.js';

/** What /api/v1/query answers (https://prometheus.io/docs/prometheus/latest/querying/api/). */
interface PromReply {
  status?: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** The first value of an instant-query reply, or why there is none. */
export function promValue(reply: PromReply): { value: number } | { error: string } {
  if (reply.status !== 'success') return { error: `Prometheus ${reply.errorType ?? 'error'}: ${reply.error ?? 'no status'}` };
  const d = reply.data ?? {};
  let raw: unknown;
  if (d.resultType === 'scalar') raw = Array.isArray(d.result) ? d.result[1] : undefined;
  else if (d.resultType === 'vector') {
    if (!Array.isArray(d.result) || d.result.length === 0) return { error: 'query returned no series (empty vector)' };
    const first = d.result[0] as { value?: unknown[] };
    raw = Array.isArray(first.value) ? first.value[1] : undefined;
  } else return { error: `query returned a ${d.resultType ?? 'missing'} result; a probe needs a scalar or an instant vector` };
  // Sample values are strings in the API so that NaN and ±Inf survive JSON.
  const n = typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return { error: `query value is ${String(raw)}` };
  return { value: n };
}

/** `<base>/api/v1/query?query=…&timeout=…` for one series (the base URL may use {host} etc.). */
export function promQueryUrl(spec: PrometheusProbeSpec, target: ProbeTarget): URL {
  const base = fillUrl(spec.url, target.node);
  const url = new URL('api/v1/query', base.href.endsWith('/') ? base : new URL(`${base.href}/`));
  url.searchParams.set('query', spec.query);
  // Server-side timeout a bit under ours, so Prometheus stops work we will no longer wait for.
  url.searchParams.set('timeout', `${Math.max(1, Math.floor(spec.timeoutMs * 0.9))}ms`);
  return url;
}

export function createPrometheusProbe(spec: PrometheusProbeSpec): Probe {
  const agents = new Map<string, http.Agent>();

  async function run(target: ProbeTarget, signal: AbortSignal): Promise<Sample> {
    const t = nowMs();
    let url: URL;
    try {
      url = promQueryUrl(spec, target);
    } catch (e) {
      return failed(spec.id, target, t, (e as Error).message, 0);
    }
    let agent = agents.get(url.protocol);
    if (!agent) agents.set(url.protocol, (agent = probeAgent(url.protocol === 'https:', true)));
    const out = await httpGet(url, { agent, signal });
    if (!out.ok) return failed(spec.id, target, t, out.aborted ? timeoutMessage(spec.timeoutMs) : out.error, out.latencyMs);
    const { status, body, latencyMs } = out.reply;
    let reply: PromReply;
    try {
      reply = JSON.parse(body) as PromReply;
    } catch {
      return failed(spec.id, target, t, `HTTP ${status}: reply is not Prometheus JSON: ${body.slice(0, EXCERPT_CHARS)}`, latencyMs);
    }
    const v = promValue(reply);
    if ('error' in v) return failed(spec.id, target, t, status === 200 ? v.error : `HTTP ${status}: ${v.error}`, latencyMs);
    const problem = checkBounds(v.value, spec.expect);
    return sampleAt(spec.id, target, t, { value: v.value, healthy: problem === null, latencyMs, ...(problem ? { error: problem } : {}) });
  }
  return {
    id: spec.id,
    run,
    dispose: () => {
      for (const a of agents.values()) a.destroy();
      agents.clear();
    },
  };
}
