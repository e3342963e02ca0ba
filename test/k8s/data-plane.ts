/**
 * A small data plane so probes see faults: every running pod of a Deployment is backed by a tiny
 * HTTP server on 127.0.0.1 (random port), and effects the Chaos Mesh emulation applies change how
 * that backend answers (a dropped request is held unanswered until the client gives up, as lost
 * packets look to a client with a timeout). Every effect is recorded as a window in the ground
 * truth log, so tests can compare what a product reports with what was really in effect.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a fault does to a pod's answers. */
export type Effect =
  | { kind: 'loss'; fraction: number } // that fraction of requests never answered
  | { kind: 'partition' } // no request answered
  | { kind: 'delay'; ms: number; jitterMs: number } // answers later
  | { kind: 'bandwidth'; ms: number } // answers later (approximation of a rate limit)
  | { kind: 'stress'; ms: number } // slower answers (CPU/memory pressure)
  | { kind: 'io-delay'; ms: number }
  | { kind: 'io-fault' } // answers 500
  | { kind: 'unavailable' } // pod-failure: the container is a pause image, nothing listens
  | { kind: 'marker'; what: string }; // DNS/time faults: no effect on an HTTP answer, recorded only

/** One window during which an effect was in effect on a pod (ground truth). */
export interface FaultWindow {
  pod: string; // "namespace/name"
  effect: Effect;
  /** Who applied it: "NetworkChaos shop/loss-1". */
  source: string;
  /** The Chaos Mesh record id it belongs to. */
  recordId: string;
  from: number;
  to?: number;
  /** How it ended: recovered by the controller, or gone with the pod. */
  endedBy?: 'recovered' | 'pod-deleted';
}

/** A pod's backend and its effects. */
interface Backend {
  server: Server;
  port: number;
  sockets: Set<Socket>;
  effects: Map<string, { effect: Effect; window: FaultWindow }>;
}

/** Why a request got the answer it got (returned in the JSON body, for debugging tests). */
function decide(effects: Effect[]): { drop: boolean; delayMs: number; status: number } {
  let delayMs = 0;
  let status = 200;
  for (const e of effects) {
    if (e.kind === 'partition' || e.kind === 'unavailable') return { drop: true, delayMs: 0, status };
    if (e.kind === 'loss' && Math.random() < e.fraction) return { drop: true, delayMs: 0, status };
    if (e.kind === 'delay') delayMs += e.ms + (e.jitterMs > 0 ? Math.round((Math.random() * 2 - 1) * e.jitterMs) : 0);
    if (e.kind === 'bandwidth' || e.kind === 'stress' || e.kind === 'io-delay') delayMs += e.ms;
    if (e.kind === 'io-fault') status = 500;
  }
  return { drop: false, delayMs: Math.max(0, delayMs), status };
}

/** The pod backends of one test cluster. */
export class DataPlane {
  private readonly backends = new Map<string, Backend>();
  private readonly windows: FaultWindow[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts the backend of a pod; resolves with its port. */
  async startPod(pod: string): Promise<number> {
    const existing = this.backends.get(pod);
    if (existing) return existing.port;
    const sockets = new Set<Socket>();
    const effects = new Map<string, { effect: Effect; window: FaultWindow }>();
    const server = createServer((req, res) => this.answer(pod, effects, req, res));
    server.keepAliveTimeout = 1000;
    server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    this.backends.set(pod, { server, port, sockets, effects });
    return port;
  }

  private answer(pod: string, effects: Map<string, { effect: Effect }>, req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const d = decide([...effects.values()].map((e) => e.effect));
    if (d.drop) return; // held unanswered: the client times out; the socket dies with the pod or the server
    const reply = (): void => {
      const body = JSON.stringify({ pod, status: d.status === 200 ? 'ok' : 'io-error', delayMs: d.delayMs });
      res.writeHead(d.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (d.delayMs === 0) { reply(); return; }
    const t = setTimeout(() => { this.timers.delete(t); reply(); }, d.delayMs);
    this.timers.add(t);
  }

  /** Stops a pod's backend (pod deleted or terminating): open connections are cut, windows end. */
  async stopPod(pod: string): Promise<void> {
    const b = this.backends.get(pod);
    if (!b) return;
    this.backends.delete(pod);
    for (const { window } of b.effects.values()) this.close(window, 'pod-deleted');
    b.effects.clear();
    for (const s of b.sockets) s.destroy();
    await new Promise<void>((resolve) => b.server.close(() => resolve()));
  }

  /** The backend port of a running pod, or undefined. */
  portOf(pod: string): number | undefined {
    return this.backends.get(pod)?.port;
  }

  /** Does the pod have a backend (is it serving)? */
  isServing(pod: string): boolean {
    return this.backends.has(pod);
  }

  /** Applies an effect under an id (one per Chaos Mesh record). False when the pod has no backend. */
  apply(pod: string, id: string, effect: Effect, source: string, recordId: string): boolean {
    const b = this.backends.get(pod);
    if (!b) return false;
    if (b.effects.has(id)) return true;
    const window: FaultWindow = { pod, effect, source, recordId, from: this.now() };
    this.windows.push(window);
    b.effects.set(id, { effect, window });
    return true;
  }

  /** Removes an effect; true if it was there. */
  recover(pod: string, id: string): boolean {
    const b = this.backends.get(pod);
    const e = b?.effects.get(id);
    if (!b || !e) return false;
    b.effects.delete(id);
    this.close(e.window, 'recovered');
    return true;
  }

  /** Effects in force on a pod now. */
  effectsOn(pod: string): Effect[] {
    return [...(this.backends.get(pod)?.effects.values() ?? [])].map((e) => e.effect);
  }

  /** Every fault window so far (copies), open ones without `to`. */
  truth(): FaultWindow[] {
    return this.windows.map((w) => ({ ...w, effect: { ...w.effect } }));
  }

  private close(w: FaultWindow, by: 'recovered' | 'pod-deleted'): void {
    if (w.to !== undefined) return;
    w.to = this.now();
    w.endedBy = by;
  }

  /** Stops every backend and timer. */
  async dispose(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.backends.keys()].map((p) => this.stopPod(p)));
  }
}
