/**
 * One HTTP(S) GET with Node's http/https (no dependencies), shared by the http and prometheus probes.
 * The caller's AbortSignal ends it (the scheduler aborts at the probe timeout); the body is read up
 * to MAX_BODY_BYTES so a health page that turns into a stream cannot hold memory.
 */
import http from 'node:http';
import https from 'node:https';
import { describeNetError } from './net-errors.js';

/** Enough for any health or Prometheus instant-query answer; bigger bodies are cut (and say so). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpReply {
  status: number;
  body: string;
  truncated: boolean;
  /** Request start → last body byte (monotonic). */
  latencyMs: number;
  /** Whether the request went over a kept-alive socket. */
  reusedSocket: boolean;
}

export type HttpOutcome = { ok: true; reply: HttpReply } | { ok: false; error: string; aborted: boolean; latencyMs: number };

export interface HttpGetOptions {
  agent?: http.Agent;
  signal: AbortSignal;
  tlsInsecure?: boolean;
  headers?: Record<string, string>;
}

function once(url: URL, opts: HttpGetOptions): Promise<HttpOutcome & { retryable?: boolean }> {
  const t0 = performance.now();
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: HttpOutcome & { retryable?: boolean }): void => {
      if (done) return;
      done = true;
      opts.signal.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const req = mod.request(url, {
      method: 'GET',
      agent: opts.agent,
      headers: { accept: 'application/json, text/plain, */*', 'user-agent': 'gameday-probe/1', ...opts.headers },
      rejectUnauthorized: !opts.tlsInsecure,
    });
    function onAbort(): void {
      finish({ ok: false, error: 'aborted', aborted: true, latencyMs: performance.now() - t0 });
      req.destroy();
    }
    if (opts.signal.aborted) return onAbort();
    opts.signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => {
      // A kept-alive socket the server closed between samples fails at once with ECONNRESET; Node's docs
      // recommend retrying exactly that case on a fresh socket.
      const code = (err as { code?: string }).code;
      const retryable = req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
      finish({ ok: false, error: describeNetError(err), aborted: false, latencyMs: performance.now() - t0, retryable });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (c: Buffer) => {
        if (size >= MAX_BODY_BYTES) return void (truncated = true);
        chunks.push(c);
        size += c.length;
      });
      res.on('error', (err) => finish({ ok: false, error: describeNetError(err), aborted: false, latencyMs: performance.now() - t0 }));
      res.on('end', () => {
        const body = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
        finish({ ok: true, reply: { status: res.statusCode ?? 0, body, truncated: truncated || size > MAX_BODY_BYTES, latencyMs: performance.now() - t0, reusedSocket: req.reusedSocket } });
      });
    });
    req.end();
  });
}

/** GET `url`; never throws: failures come back as `{ ok: false, error }` with a plain message. */
export async function httpGet(url: URL, opts: HttpGetOptions): Promise<HttpOutcome> {
  const first = await once(url, opts);
  if (!first.ok && first.retryable && !opts.signal.aborted) return once(url, opts);
  return first;
}

/** A keep-alive agent for one probe: one socket per host is enough since a series never overlaps itself. */
export function probeAgent(https_: boolean, keepAlive: boolean): http.Agent {
  const A = https_ ? https.Agent : http.Agent;
  // maxSockets 4: a probe's series never run two requests at once to the same host, but the retry above
  // and an aborted request's socket teardown can briefly overlap.
  return new A({ keepAlive, maxSockets: 4, maxFreeSockets: 1 });
}
