/**
 * HTTP(S) probe: GET the URL, then check status, body regex, a JSON path (optionally `equals`) and
 * latency. value = latency in ms (what a chart of a web check should show).
 *
 * Keep-alive (default on, `keepAlive: false` to turn off): one agent per probe reuses its socket per
 * host, so samples measure the service, not a TCP (and TLS) handshake each time, and a 100 ms probe
 * does not leave thousands of TIME_WAIT sockets behind. The price: a fault that only blocks NEW
 * connections is invisible to a kept-alive probe, hence the option.
 */
import type http from 'node:http';
import { nowMs, round1 } from './clock.js';
import { httpGet, probeAgent } from './http-request.js';
import { evalJsonPath, jsonEquals, JsonPathError, parseJsonPath, type PathStep } from './json-path.js';
import { timeoutMessage } from './net-errors.js';
import { compileRegex, EXCERPT_CHARS, failed, ProbeConfigError, sampleAt, type Probe } from './probe.js';
import { fillUrl } from './template.js';
import type { HttpProbeSpec, ProbeTarget, Sample } from './types.js';


export function createHttpProbe(spec: HttpProbeSpec): Probe {
  const bodyRe = compileRegex(spec.expect?.bodyMatch, `probe ${spec.id} bodyMatch`);
  let path: PathStep[] | undefined;
  try {
    path = spec.expect?.jsonPath ? parseJsonPath(spec.expect.jsonPath) : undefined;
  } catch (e) {
    if (e instanceof JsonPathError) throw new ProbeConfigError(`probe ${spec.id}: ${e.message}`);
    throw e;
  }
  const agents = new Map<string, http.Agent>();
  const agentFor = (url: URL): http.Agent => {
    let a = agents.get(url.protocol);
    if (!a) agents.set(url.protocol, (a = probeAgent(url.protocol === 'https:', spec.keepAlive ?? true)));
    return a;
  };

  async function run(target: ProbeTarget, signal: AbortSignal): Promise<Sample> {
    const t = nowMs();
    let url: URL;
    try {
      url = fillUrl(spec.url, target.node);
    } catch (e) {
      return failed(spec.id, target, t, (e as Error).message, 0);
    }
    const out = await httpGet(url, { agent: agentFor(url), signal, tlsInsecure: spec.tlsInsecure });
    if (!out.ok) return failed(spec.id, target, t, out.aborted ? timeoutMessage(spec.timeoutMs) : out.error, out.latencyMs);
    const { status, body, latencyMs } = out.reply;
    const problem = judge(status, body, latencyMs);
    return sampleAt(spec.id, target, t, { value: round1(latencyMs), healthy: problem === null, latencyMs, ...(problem ? { error: problem } : {}) });
  }

  /** The first expectation the reply breaks, as a sentence, or null. */
  function judge(status: number, body: string, latencyMs: number): string | null {
    const e = spec.expect ?? {};
    const wantStatus = e.status;
    // Default: any 2xx. Redirects are not followed, and a health URL that redirects (to a login
    // page, say) is not answering the health check.
    if (wantStatus !== undefined ? status !== wantStatus : status < 200 || status > 299) {
      return `HTTP ${status}${wantStatus !== undefined ? `, expected ${wantStatus}` : ''}: ${body.slice(0, EXCERPT_CHARS)}`;
    }
    if (bodyRe && !bodyRe.test(body)) return `body does not match /${bodyRe.source}/: ${body.slice(0, EXCERPT_CHARS)}`;
    if (path) {
      let doc: unknown;
      try {
        doc = JSON.parse(body);
      } catch {
        return `body is not JSON: ${body.slice(0, EXCERPT_CHARS)}`;
      }
      const got = evalJsonPath(doc, path);
      if (!got.found) return `${spec.expect!.jsonPath} not found in the reply`;
      if ('equals' in e && e.equals !== undefined && !jsonEquals(got.value, e.equals)) {
        return `${spec.expect!.jsonPath} is ${JSON.stringify(got.value)}, expected ${JSON.stringify(e.equals)}`;
      }
    }
    if (e.maxLatencyMs !== undefined && latencyMs > e.maxLatencyMs) return `latency ${Math.round(latencyMs)} ms over ${e.maxLatencyMs} ms`;
    return null;
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
