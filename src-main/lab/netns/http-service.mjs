#!/usr/bin/env node
/**
 * The netns lab's per-node HTTP service (plain Node, no dependencies): the lab nodes' HTTP contract
 * (../shared/node-http.mjs, the same as the simulated lab's nodes serve) as a program, one per
 * namespace. Health follows only the outages asked for through /control/outage: the node's real
 * faults (firewall, tc, stopped processes) act on it from outside, as on a real machine.
 *
 * Usage: node http-service.mjs --host IP --port 8080 --node NAME [--pid-file FILE]
 *
 *   GET /control/state  {"node","pid","now","healthy","outage","outages","requests","outagesStarted"}
 */
import { createServer } from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import { intParam, MAX_BYTES, outageControl, Outages, send, sink, streamBytes } from '../shared/node-http.mjs';

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
const outages = new Outages();
let requests = 0;

const server = createServer((req, res) => {
  requests += 1;
  const url = new URL(req.url ?? '/', 'http://lab');
  const now = Date.now();
  const route = `${req.method} ${url.pathname}`;
  if (route !== 'POST /sink') req.resume();
  const control = outageControl(route, url, outages, args.node, now);
  if (control) return send(res, control.status, control.body);
  switch (route) {
    case 'GET /health':
      if (!outages.hit(now)) return send(res, 200, { ok: true, node: args.node });
      return send(res, 503, { ok: false, node: args.node, outageEndsAt: outages.until });
    case 'GET /control/state':
      return send(res, 200, {
        node: args.node, pid: process.pid, now, healthy: !outages.active(now),
        outage: outages.current, outages: outages.history, requests, outagesStarted: outages.started,
      });
    case 'GET /bytes': {
      const n = intParam(url, 'n', MAX_BYTES);
      if (n === null) return send(res, 400, { error: `n must be an integer 0..${MAX_BYTES}` });
      return streamBytes(res, n);
    }
    case 'POST /sink':
      return sink(args.node, req, res);
    default:
      return send(res, 404, { error: `no route ${route}` });
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
