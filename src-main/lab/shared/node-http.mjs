// The lab nodes' HTTP service: one contract and one implementation of its shared behaviour for both
// labs (plain Node ESM, no dependencies). The netns lab runs it as a program in every namespace
// (../netns/http-service.mjs); the simulated lab serves it in-process behind each node's simulated
// firewall, with delays and failures from its health model (../sim/http-node.ts).
//
//   GET  /health                 200 {"ok":true,"node"} | 503 {"ok":false,"node","outageEndsAt"} during an outage
//   POST /control/outage?ms=N[&fail=F]  start an outage of N ms now → {"node","ms","start","end","fail"}
//   DELETE /control/outage       end any outage now → {"node","healthy":true}
//   GET  /control/state          the service's own record: "outages" (start, end, fail) and more
//   GET  /bytes?n=N              stream N bytes (application/octet-stream)
//   POST /sink                   read the whole body → {"node","bytes","durationMs"}
//
// Outages are the ground truth of recovery tests: /health fails for exactly N ms (start ≤ now < end,
// by the service's own clock) and the record carries the start and end epoch milliseconds. With
// fail=F (0 < F < 1) the outage flaps: a share F of requests fails, spread evenly (error diffusion:
// deterministic, never a lucky long run of successes).

/** Longest outage one may ask for: one hour is far past any lab RTO and keeps typos from sticking. */
export const MAX_OUTAGE_MS = 3_600_000;
/** Largest /bytes body: 4 GiB is plenty for a bandwidth probe and stops a runaway request. */
export const MAX_BYTES = 4 * 1024 ** 3;
/** Outages kept in the record (a test asks for a handful). */
const OUTAGE_HISTORY = 50;
/** Chunk written per step of /bytes: 64 KiB matches Node's default stream high-water mark. */
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** A non-negative integer query parameter up to `max`; null when missing or malformed. */
export function intParam(url, name, max) {
  const raw = url.searchParams.get(name);
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n <= max ? n : null;
}

/** `fail` of an outage: a share in (0, 1], default 1 (every request fails); null when malformed. */
export function failParam(url) {
  const raw = url.searchParams.get('fail');
  if (raw === null) return 1;
  const f = /^(?:0?\.\d+|1(?:\.0*)?)$/.test(raw) ? Number(raw) : Number.NaN;
  return f > 0 && f <= 1 ? f : null;
}

/** Reply with JSON (or `type` text), never cached. */
export function send(res, status, body, type = 'application/json') {
  const text = type === 'application/json' ? JSON.stringify(body) : String(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** Stream `total` bytes with back-pressure (the /bytes body). */
export function streamBytes(res, total) {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total, 'cache-control': 'no-store' });
  let left = total;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('close', () => (left = 0));
  pump();
}

/** Read a whole request body; answer its size and how long it took (the /sink route). */
export function sink(node, req, res) {
  const started = performance.now();
  let bytes = 0;
  req.on('data', (chunk) => (bytes += chunk.length));
  req.on('end', () => send(res, 200, { node, bytes, durationMs: performance.now() - started }));
  req.on('error', () => res.destroy());
}

/** A service's outages: the current one, the record of past ones, and which requests fail. */
export class Outages {
  /** The outage in force or last started ({ start, end, fail }), null after DELETE. */
  current = null;
  /** The last outages started, oldest first (the record tests compare with). */
  history = [];
  /** Outages started since the service began. */
  started = 0;
  #acc = 0;

  /** Start an outage of `ms` now, failing a share `fail` of requests (1 = all); returns its record. */
  start(now, ms, fail = 1) {
    const rec = { start: now, end: now + ms, fail };
    this.current = rec;
    this.#acc = 0;
    this.history.push(rec);
    if (this.history.length > OUTAGE_HISTORY) this.history.shift();
    this.started += 1;
    return rec;
  }

  /** End any outage now (its record keeps the real end). */
  end(now) {
    if (this.current && this.current.end > now) this.current.end = now;
    this.current = null;
  }

  /** End of the outage in force, or 0. */
  get until() {
    return this.current?.end ?? 0;
  }

  /** Is an outage in force at `now`? */
  active(now) {
    return Boolean(this.current && this.current.start <= now && now < this.current.end);
  }

  /** Does a /health request at `now` fail? Every one in a clean outage; a share `fail`, spread evenly, in a flapping one. */
  hit(now) {
    if (!this.active(now)) return false;
    this.#acc += this.current.fail;
    if (this.#acc < 1 - 1e-9) return false;
    this.#acc -= 1;
    return true;
  }
}

/** POST and DELETE /control/outage on `outages`: the reply, or null when `route` is another route. */
export function outageControl(route, url, outages, node, now) {
  if (route === 'DELETE /control/outage') {
    outages.end(now);
    return { status: 200, body: { node, healthy: true } };
  }
  if (route !== 'POST /control/outage') return null;
  const ms = intParam(url, 'ms', MAX_OUTAGE_MS);
  if (ms === null) return { status: 400, body: { error: `ms must be an integer 0..${MAX_OUTAGE_MS}` } };
  const fail = failParam(url);
  if (fail === null) return { status: 400, body: { error: 'fail must be a number in (0, 1]' } };
  const rec = outages.start(now, ms, fail);
  return { status: 200, body: { node, ms, ...rec } };
}
