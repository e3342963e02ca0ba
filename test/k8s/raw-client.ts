/**
 * A bare HTTPS client for wire-level tests of the test apiserver: exact methods, headers and
 * bodies, the raw status code and JSON back, and watch streams read line by line. It verifies
 * the server certificate against the test CA like any real client.
 */
import { request } from 'node:https';

/** Where and how to connect. */
export interface RawTarget { url: string; caPem: string; token?: string }

/** A decoded response. */
export interface RawResponse { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: unknown }

/** One request; objects are sent as JSON, strings and Buffers as they are (set Content-Type in `headers`). */
export function call(t: RawTarget, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = request(`${t.url}${path}`, {
      method, ca: t.caPem,
      headers: {
        Accept: 'application/json',
        ...(t.token ? { Authorization: `Bearer ${t.token}` } : {}),
        ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
        ...headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** One watch event as streamed. */
export interface WatchEvent { type: string; object: { kind?: string; metadata?: { name?: string; resourceVersion?: string }; [k: string]: unknown } }

/** An open watch: events arrive in `events`; `next()` waits for the next one; `close()` ends it. */
export interface RawWatch {
  status: number;
  events: WatchEvent[];
  ended: boolean;
  next(timeoutMs?: number): Promise<WatchEvent>;
  close(): void;
}

/** Opens `path` (which must carry watch=true) and collects events. */
export function openWatch(t: RawTarget, path: string): Promise<RawWatch> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}${path}`, { method: 'GET', ca: t.caPem, headers: { Accept: 'application/json', ...(t.token ? { Authorization: `Bearer ${t.token}` } : {}) } }, (res) => {
      let buf = '';
      let read = 0;
      const waiters: Array<() => void> = [];
      const w: RawWatch = {
        status: res.statusCode ?? 0,
        events: [],
        ended: false,
        next: (timeoutMs = 5000) => new Promise((res2, rej2) => {
          const check = (): void => {
            if (read < w.events.length) { clearTimeout(timer); res2(w.events[read++]!); }
            else if (w.ended) { clearTimeout(timer); rej2(new Error('watch ended')); }
            else waiters.push(check);
          };
          const timer = setTimeout(() => {
            const i = waiters.indexOf(check);
            if (i >= 0) waiters.splice(i, 1);
            rej2(new Error(`no watch event within ${timeoutMs} ms`));
          }, timeoutMs);
          check();
        }),
        close: () => { req.destroy(); },
      };
      const wake = (): void => { for (const f of waiters.splice(0)) f(); };
      res.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (line) w.events.push(JSON.parse(line) as WatchEvent);
        }
        wake();
      });
      res.on('end', () => { w.ended = true; wake(); });
      res.on('close', () => { w.ended = true; wake(); });
      resolve(w);
    });
    req.on('error', (e) => { if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e); });
    req.end();
  });
}
