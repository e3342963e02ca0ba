/**
 * A simulated node's HTTP service on <node address>:8080, behind the node's firewall gate: the lab
 * nodes' HTTP contract (../shared/node-http.mjs, the same as the netns lab's nodes serve), with
 * answers shaped by the node's simulated state:
 *
 *   GET  /health                 the node's health (health.ts), JSON
 *   GET  /metrics                Prometheus text: up, CPU/memory pressure, data disk, GPU power/clock, training throughput
 *   GET  /control/state          what the simulation currently applies (for people and tests)
 *   GET  /bytes?n=N              N bytes (application/octet-stream), after their time through the node's egress shaping
 */
import http from 'node:http';
import { intParam, MAX_BYTES, outageControl, send, sink, streamBytes } from '../shared/node-http.mjs';
import { listenGated, retransmit, type Gate } from './gate.js';
import { readGpus, trainingThroughput } from './gpu-metrics.js';
import type { Answer, HealthModel, ServiceState } from './health.js';
import { connectPath, EXCHANGE_BYTES, requestPath, type NodeView, type PathOutcome } from './node-view.js';

/** A hung request's socket is freed after this long (clients time out long before). */
const HANG_MS = 120_000;
/** TCP_RTO_MIN: first retransmission of a dropped segment. */
const DATA_RTO_MS = 200;
/** How often a request waiting on a frozen service checks whether it was resumed. */
const PAUSE_POLL_MS = 250;

export interface HttpNodeOptions {
  host: string;
  port: number;
  view: NodeView;
  model: HealthModel;
  service: () => ServiceState;
  rand: () => number;
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
      case 'POST /control/outage':
      case 'DELETE /control/outage': {
        const r = outageControl(route, url, o.model.outages, o.view.id.name, Date.now());
        return r ? send(res, r.status, r.body) : undefined;
      }
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
          disk: o.view.disk(), outageUntil: o.model.outages.until, outages: o.model.outages.history, path, stress: o.view.stress(), gpus: readGpus(o.view.layout.state),
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
