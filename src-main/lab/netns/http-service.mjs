#!/usr/bin/env node
/**
 * The netns lab's per-node HTTP service (plain Node, no dependencies).
 *
 * It is the ground truth for recovery tests: an outage started with POST /control/outage?ms=N makes
 * /health answer 503 for exactly N ms (judged by the service's own clock, start ≤ now < end), and the
 * reply carries the start and end epoch milliseconds so a test can compare the RTO it measured with the
 * real one. With &fail=F (0 < F < 1) the outage flaps: a share F of requests fails, spread evenly
 * (error diffusion: deterministic, never a lucky long run of successes). Every outage is kept in
 * /control/state `outages` (the service's own record of when it was broken). /bytes and /sink give a
 * bandwidth-limit fault something to measure.
 *
 * Usage: node http-service.mjs --host IP --port 8080 --node NAME [--pid-file FILE]
 *
 *   GET  /health                 200 {"ok":true,"node"} | 503 {"ok":false,"node","outageEndsAt"} during an outage
 *   POST /control/outage?ms=N[&fail=F]  start an outage of N ms now → {"node","ms","start","end","fail"}
 *   DELETE /control/outage       end any outage now
 *   GET  /control/state          {"node","pid","now","healthy","outage","outages","requests","outagesStarted"}
 *   GET  /bytes?n=N              stream N bytes (application/octet-stream)
 *   POST /sink                   read the whole body → {"bytes","durationMs"}
 */
import { createServer } from 'node:http';
import { writeFileSync, rmSync } from 'node:fs';

/** Longest outage a test may ask for: one hour is far past any lab RTO and keeps typos from sticking. */
const MAX_OUTAGE_MS = 3_600_000;
/** Largest /bytes body: 4 GiB is plenty for a bandwidth probe and stops a runaway request. */
const MAX_BYTES = 4 * 1024 ** 3;
/** Chunk written per step of /bytes: 64 KiB matches Node's default stream high-water mark. */
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

function parseArgs(list) {
  const out = { host: '127.0.0.1', port: 8080, node: 'node', pidFile: '' };
  for (let i = 0; i < list.length; i += 2) {
    const key = list[i];
    const value = list[i + 1] ?? '';
    if (key === '--host') out.host = value;
    else if (key === '--port') out.port = Number(value);
    else if (key === '--node') out.node = value;
    else if (key === '--pid-file') out.pidFile = value;
    else throw new Error(`unknown argument ${key}`);
  }
  // 0 = any free port (tests outside the netns lab); the chosen one is printed.
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) throw new Error(`bad --port ${out.port}`);
  return out;
}

const args = parseArgs(process.argv.slice(2));
/** Outages kept in the record (a test asks for a handful). */
const OUTAGE_HISTORY = 50;
const state = { outage: null, outages: [], acc: 0, requests: 0, outagesStarted: 0 };

function inOutage(now) {
  return Boolean(state.outage && state.outage.start <= now && now < state.outage.end);
}

function healthy(now) {
  return !inOutage(now);
}

/** Does this /health request fail? Every one in a clean outage; a share `fail`, spread evenly, in a flapping one. */
function fails(now) {
  if (!inOutage(now)) return false;
  state.acc += state.outage.fail;
  if (state.acc < 1 - 1e-9) return false;
  state.acc -= 1;
  return true;
}

/** `fail` of an outage: a share in (0, 1], default 1; null when malformed. */
function failParam(url) {
  const raw = url.searchParams.get('fail');
  if (raw === null) return 1;
  const f = /^(?:0?\.\d+|1(?:\.0*)?)$/.test(raw) ? Number(raw) : Number.NaN;
  return f > 0 && f <= 1 ? f : null;
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** Parse a non-negative integer query parameter; null when missing or malformed. */
function intParam(url, name, max) {
  const raw = url.searchParams.get(name);
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n <= max ? n : null;
}

function streamBytes(res, total) {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total, 'cache-control': 'no-store' });
  let left = total;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      const more = res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
      if (!more) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('close', () => (left = 0));
  pump();
}

function sink(req, res) {
  const started = process.hrtime.bigint();
  let bytes = 0;
  req.on('data', (chunk) => (bytes += chunk.length));
  req.on('end', () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    sendJson(res, 200, { node: args.node, bytes, durationMs });
  });
  req.on('error', () => res.destroy());
}

const server = createServer((req, res) => {
  state.requests += 1;
  const url = new URL(req.url ?? '/', 'http://lab');
  const now = Date.now();
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case 'GET /health':
      if (!fails(now)) return sendJson(res, 200, { ok: true, node: args.node });
      return sendJson(res, 503, { ok: false, node: args.node, outageEndsAt: state.outage.end });
    case 'POST /control/outage': {
      const ms = intParam(url, 'ms', MAX_OUTAGE_MS);
      if (ms === null) return sendJson(res, 400, { error: `ms must be an integer 0..${MAX_OUTAGE_MS}` });
      const fail = failParam(url);
      if (fail === null) return sendJson(res, 400, { error: 'fail must be a number in (0, 1]' });
      state.outage = { start: now, end: now + ms, fail };
      state.acc = 0;
      state.outages.push(state.outage);
      if (state.outages.length > OUTAGE_HISTORY) state.outages.shift();
      state.outagesStarted += 1;
      req.resume();
      return sendJson(res, 200, { node: args.node, ms, start: now, end: now + ms, fail });
    }
    case 'DELETE /control/outage':
      if (state.outage && state.outage.end > now) state.outage.end = now;
      state.outage = null;
      return sendJson(res, 200, { node: args.node, healthy: true });
    case 'GET /control/state':
      return sendJson(res, 200, {
        node: args.node, pid: process.pid, now, healthy: healthy(now),
        outage: state.outage, outages: state.outages, requests: state.requests, outagesStarted: state.outagesStarted,
      });
    case 'GET /bytes': {
      const n = intParam(url, 'n', MAX_BYTES);
      if (n === null) return sendJson(res, 400, { error: `n must be an integer 0..${MAX_BYTES}` });
      return streamBytes(res, n);
    }
    case 'POST /sink':
      return sink(req, res);
    default:
      req.resume();
      return sendJson(res, 404, { error: `no route ${route}` });
  }
});

function shutdown() {
  if (args.pidFile) rmSync(args.pidFile, { force: true });
  server.close();
  // Keep-alive sockets would hold close() open; the lab wants the process gone now.
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

server.listen(args.port, args.host, () => {
  if (args.pidFile) writeFileSync(args.pidFile, `${process.pid}\n`);
  process.stdout.write(`${new Date().toISOString()} ${args.node} listening on ${args.host}:${server.address().port}\n`);
});
