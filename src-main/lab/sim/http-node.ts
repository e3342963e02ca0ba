/**
 * A simulated node's HTTP service on <node address>:8080, behind the node's firewall gate:
 *
 *   GET  /health                 the node's health (health.ts), JSON
 *   GET  /metrics                Prometheus text: up, CPU/memory pressure, data disk, GPU power/clock, training throughput
 *   POST /control/outage?ms=N[&fail=F]  503 for N ms; 0 < F < 1 fails that share of requests, evenly
 *                                spread (flapping); same contract as ../netns/http-service.mjs
 *   DELETE /control/outage       end it
 *   GET  /control/state          what the simulation currently applies (for people and tests)
 *   GET  /bytes?n=N              N bytes (application/octet-stream), after their time through the node's egress shaping
 *   POST /sink                   read the whole body → {"bytes","durationMs"} (same as the netns lab's service)
 */
import http from 'node:http';
import { listenGated, retransmit, type Gate } from './gate.js';
import { readGpus, trainingThroughput } from './gpu-metrics.js';
import type { Answer, HealthModel, ServiceState } from './health.js';
import { connectPath, EXCHANGE_BYTES, requestPath, type NodeView, type PathOutcome } from './node-view.js';

/** Longest outage one may ask for (one hour, like the netns lab's service). */
const MAX_OUTAGE_MS = 3_600_000;
/** A hung request's socket is freed after this long (clients time out long before). */
const HANG_MS = 120_000;
/** TCP_RTO_MIN: first retransmission of a dropped segment. */
const DATA_RTO_MS = 200;
/** How often a request waiting on a frozen service checks whether it was resumed. */
const PAUSE_POLL_MS = 250;
/** Largest /bytes body (as the netns lab's service): plenty for a bandwidth probe, stops a runaway request. */
const MAX_BYTES = 4 * 1024 ** 3;
/** Chunk written per step of /bytes: 64 KiB, Node's default stream high-water mark. */
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** A non-negative integer query parameter up to `max`; null when missing or malformed. */
function intParam(url: URL, name: string, max: number): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n <= max ? n : null;
}

/** `fail` of an outage: a share in (0, 1], default 1 (every request fails); null when malformed. */
function failParam(url: URL): number | null {
  const raw = url.searchParams.get('fail');
  if (raw === null) return 1;
  const f = /^(?:0?\.\d+|1(?:\.0*)?)$/.test(raw) ? Number(raw) : Number.NaN;
  return f > 0 && f <= 1 ? f : null;
}

/** Stream `total` bytes with backpressure (same body as the netns lab's service). */
function streamBytes(res: http.ServerResponse, total: number): void {
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

/** Read a whole request body; answer its size and how long it took. */
function sink(node: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const started = performance.now();
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => send(res, 200, { node, bytes, durationMs: performance.now() - started }));
  req.on('error', () => res.destroy());
}

export interface HttpNodeOptions {
  host: string;
  port: number;
  view: NodeView;
  model: HealthModel;
  service: () => ServiceState;
  rand: () => number;
}

function send(res: http.ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? JSON.stringify(body) : String(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function metrics(o: HttpNodeOptions): string {
  const v = o.view;
  const gpus = readGpus(v.layout.state);
  const svc = o.service();
  const lines = [
    '# HELP gameday_sim_up 1 while the node\'s service runs.',
    '# TYPE gameday_sim_up gauge',
    `gameday_sim_up{node="${v.id.name}"} ${svc === 'running' || svc === 'none' ? 1 : 0}`,
    '# TYPE gameday_sim_cpu_pressure gauge',
    `gameday_sim_cpu_pressure{node="${v.id.name}"} ${v.cpuPressure().toFixed(3)}`,
    '# TYPE gameday_sim_memory_pressure gauge',
    `gameday_sim_memory_pressure{node="${v.id.name}"} ${v.memPressure().toFixed(3)}`,
    '# TYPE gameday_sim_data_disk_used_percent gauge',
    `gameday_sim_data_disk_used_percent{node="${v.id.name}"} ${v.disk().usedPct}`,
  ];
  if (gpus.length) {
    lines.push('# HELP gameday_sim_training_samples_per_second Simulated training throughput (follows the GPU clock under its power cap).', '# TYPE gameday_sim_training_samples_per_second gauge');
    lines.push(`gameday_sim_training_samples_per_second{node="${v.id.name}"} ${trainingThroughput(gpus).toFixed(1)}`);
    lines.push('# TYPE gameday_sim_gpu_power_watts gauge', ...gpus.map((g) => `gameday_sim_gpu_power_watts{node="${v.id.name}",gpu="${g.index}"} ${g.powerW}`));
    lines.push('# TYPE gameday_sim_gpu_power_cap_watts gauge', ...gpus.map((g) => `gameday_sim_gpu_power_cap_watts{node="${v.id.name}",gpu="${g.index}"} ${g.capW}`));
    lines.push('# TYPE gameday_sim_gpu_sclk_mhz gauge', ...gpus.map((g) => `gameday_sim_gpu_sclk_mhz{node="${v.id.name}",gpu="${g.index}"} ${g.sclkMHz}`));
  }
  return `${lines.join('\n')}\n`;
}

export async function startHttpNode(o: HttpNodeOptions): Promise<Gate> {
  /** Answer /health; a frozen (SIGSTOPped) service answers once it is resumed, like a real one working off its backlog. */
  const health = (req: http.IncomingMessage, res: http.ServerResponse, extraDelay: number, waited = 0): void => {
    const a: Answer = o.model.health();
    if (a.kind === 'reset') return void req.socket.resetAndDestroy();
    if (a.kind === 'hang') {
      if (waited >= HANG_MS) return void req.socket.destroy();
      const t = setTimeout(() => health(req, res, extraDelay, waited + PAUSE_POLL_MS), PAUSE_POLL_MS);
      req.socket.once('close', () => clearTimeout(t));
      return;
    }
    setTimeout(() => {
      if (!res.destroyed) send(res, a.status, a.body);
    }, Math.round(a.delayMs + extraDelay));
  };
  const handle = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, route: string, path: PathOutcome): void => {
    switch (route) {
      case 'GET /health':
        return health(req, res, path.delayMs);
      case 'GET /metrics':
        return void setTimeout(() => send(res, 200, metrics(o), 'text/plain; version=0.0.4'), path.delayMs);
      case 'POST /control/outage': {
        const raw = url.searchParams.get('ms') ?? '';
        const ms = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
        if (!(ms <= MAX_OUTAGE_MS)) return send(res, 400, { error: `ms must be an integer 0..${MAX_OUTAGE_MS}` });
        const fail = failParam(url);
        if (fail === null) return send(res, 400, { error: 'fail must be a number in (0, 1]' });
        const rec = o.model.startOutage(Date.now(), ms, fail);
        return send(res, 200, { node: o.view.id.name, ms, ...rec });
      }
      case 'DELETE /control/outage':
        o.model.endOutage(Date.now());
        return send(res, 200, { node: o.view.id.name, healthy: true });
      case 'GET /bytes': {
        const n = intParam(url, 'n', MAX_BYTES);
        if (n === null) return send(res, 400, { error: `n must be an integer 0..${MAX_BYTES}` });
        return void setTimeout(() => {
          if (!res.destroyed) streamBytes(res, n);
        }, path.delayMs);
      }
      case 'POST /sink':
        return sink(o.view.id.name, req, res);
      case 'GET /control/state':
        return send(res, 200, {
          node: o.view.id.name, simulated: true, service: o.service(), cpuPressure: o.view.cpuPressure(), memPressure: o.view.memPressure(),
          disk: o.view.disk(), outageUntil: o.model.outageUntil, outages: o.model.outages, path, stress: o.view.stress(), gpus: readGpus(o.view.layout.state),
        });
      default:
        return send(res, 404, { error: `no route ${route}` });
    }
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const route = `${req.method} ${url.pathname}`;
    const client = { ip: req.socket.remoteAddress ?? '127.0.0.1', port: req.socket.remotePort ?? 0 };
    if (route !== 'POST /sink') req.resume();
    // What the reply puts on the wire decides its time through a rate limit (tbf).
    const n = route === 'GET /bytes' ? intParam(url, 'n', MAX_BYTES) : null;
    const replyBytes = EXCHANGE_BYTES + (n ?? 0);
    const check = () => requestPath(o.view, client, o.port, o.rand, replyBytes);
    const go = (path: PathOutcome) => (path.action === 'reject' ? void req.socket.resetAndDestroy() : handle(req, res, url, route, path));
    const first = check();
    if (first.action !== 'drop') return go(first);
    // Dropped: TCP retransmits the segment (RTO 200 ms, doubling) until the path opens or it gives up.
    const cancel = retransmit(check, DATA_RTO_MS, HANG_MS, go, () => req.socket.destroy());
    req.socket.once('close', cancel);
  });
  server.keepAliveTimeout = 5000;
  const gate = await listenGated(
    o.host,
    o.port,
    (s) => {
      const svc = o.service();
      // Nothing listens while the service process is down: the kernel answers with a reset.
      if (svc === 'dead' || svc === 'stopped') return { action: 'reject', delayMs: 0, why: `service ${svc}` };
      return connectPath(o.view, { ip: s.remoteAddress ?? '127.0.0.1', port: s.remotePort ?? 0 }, o.port, o.rand);
    },
    (s) => server.emit('connection', s),
  );
  return {
    ...gate,
    close: async () => {
      server.closeAllConnections();
      await gate.close();
    },
  };
}
