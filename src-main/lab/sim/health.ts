/**
 * How a simulated node's service answers, decided fresh on every request from the node's simulated
 * state, with seeded randomness:
 *
 * - firewall DROP on the path → the request hangs; REJECT → reset; packet loss → retransmission delays
 *   (node-view.ts); tbf/netem → added latency.
 * - service process killed (restarting) or stopped (systemctl) → connection reset; frozen (SIGSTOP) → hangs.
 * - stress-ng CPU load → slower, and under near-full load some requests wait long or get 503.
 * - memory pressure → swap-like delays, a few 503s at the top.
 * - db: data disk above 90 % → a growing share of 500s (writes fail: no space left).
 * - db partitioned from the API tier → after it heals, replication catches up for a seeded 2-6 s (503).
 * - api: its pooler (127.0.0.1:6432) blocked → 503; the db unreachable → reads fail over to the
 *   primary within a seeded 8-20 s, during which about a third of requests fail.
 * - gpu: /health stays up; throughput (in /health and /metrics) follows the GPU clock under the power cap.
 * - POST /control/outage?ms=N[&fail=F] → 503 for N ms, or, with 0 < F < 1, a flapping outage where
 *   a share F of requests fails, spread evenly (like the netns lab's service); `outages` records them.
 */
import { Outages } from '../shared/node-http.mjs';
import { between } from './plan.js';
import { dependencyPath, type NodeView, type PathOutcome } from './node-view.js';
import { readGpus, trainingThroughput } from './gpu-metrics.js';

export type ServiceState = 'running' | 'paused' | 'dead' | 'stopped' | 'none';

/** Ports the simulated dependencies listen on. */
export const POOLER = { host: '127.0.0.1', port: 6432 };
export const DB_PORT = 5432;
/** Data disk use above which the database starts failing writes, and where every write fails. */
const DISK_FAIL_FROM_PCT = 90;
const DISK_FAIL_ALL_PCT = 98;
/** An isolation shorter than this leaves replication no lag worth catching up. */
const MIN_ISOLATION_MS = 3000;
/** Share of API requests that fail while reads fail over. */
const FAILOVER_ERROR_SHARE = 0.35;

export interface Answer {
  kind: 'reply' | 'hang' | 'reset';
  status: number;
  body: Record<string, unknown>;
  delayMs: number;
}

export interface HealthDeps {
  now(): number;
  rand: () => number;
  service(): ServiceState;
  /** The db node's view (null when the lab has none). */
  db: NodeView | null;
  /** A peer address the db serves (the first API node), for the isolation test. */
  dbPeer: NodeView | null;
}

export class HealthModel {
  /** Outages asked for through /control/outage (the lab nodes' one implementation, shared with the netns lab). */
  readonly outages = new Outages();
  private dbLostAt?: number;
  private failoverMs = 0;
  private isolatedSince?: number;
  private catchUpUntil = 0;

  constructor(
    readonly self: NodeView,
    private readonly d: HealthDeps,
  ) {}

  private reply(status: number, body: Record<string, unknown>, delayMs: number): Answer {
    return { kind: 'reply', status, body: { node: this.self.id.name, role: this.self.id.role, ...body }, delayMs };
  }

  /** Latency of a healthy request under the node's CPU and memory load, plus an overload verdict. */
  private load(): { delayMs: number; overloaded: boolean } {
    const r = this.d.rand;
    const cpu = this.self.cpuPressure();
    const mem = this.self.memPressure();
    // 2-8 ms at rest; run-queue waits grow steeply as the CPUs fill up.
    let delay = between(r, 2, 8) * (1 + 10 * cpu * cpu);
    let overloaded = false;
    if (cpu > 0.85 && r() < 0.1) delay += between(r, 150, 600);
    if (cpu > 0.95 && r() < 0.03) overloaded = true;
    if (mem > 0.8) delay += between(r, 20, 100);
    if (mem > 0.9 && r() < 0.05) overloaded = true;
    return { delayMs: delay, overloaded };
  }

  /**
   * db side of the replica story: isolated from the API tier now? Tracks the catch-up after the
   * heal. Called on every request and by the lab's 500 ms tick (requests cannot reach a partitioned db).
   */
  tick(): boolean {
    const peer = this.d.dbPeer;
    if (!peer || this.self.id.role !== 'db') return false;
    const path = dependencyPath(peer, this.self, this.self.id.ip, DB_PORT, () => 1);
    const now = this.d.now();
    if (path.action !== 'pass') {
      this.isolatedSince ??= now;
      return true;
    }
    if (this.isolatedSince !== undefined && now - this.isolatedSince >= MIN_ISOLATION_MS) this.catchUpUntil = now + between(this.d.rand, 2000, 6000);
    this.isolatedSince = undefined;
    return false;
  }

  /** The /health answer now. */
  health(): Answer {
    const now = this.d.now();
    const svc = this.d.service();
    if (svc === 'dead' || svc === 'stopped') return { kind: 'reset', status: 0, body: {}, delayMs: 0 };
    if (svc === 'paused') return { kind: 'hang', status: 0, body: {}, delayMs: 0 };
    const { delayMs, overloaded } = this.load();
    if (this.outages.hit(now)) return this.reply(503, { ok: false, outageEndsAt: this.outages.until }, delayMs);
    if (overloaded) return this.reply(503, { ok: false, error: 'overloaded: request queue full' }, delayMs);
    const role = this.self.id.role;
    if (role === 'db') {
      this.tick();
      const disk = this.self.disk();
      const failShare = (disk.usedPct - DISK_FAIL_FROM_PCT) / (DISK_FAIL_ALL_PCT - DISK_FAIL_FROM_PCT);
      if (failShare > 0 && this.d.rand() < failShare) return this.reply(500, { ok: false, error: 'could not extend file "pg_wal/000000010000000000000042": No space left on device', diskUsedPct: disk.usedPct }, delayMs);
      if (now < this.catchUpUntil) return this.reply(503, { ok: false, replication: 'catching up', lagMs: this.catchUpUntil - now }, delayMs);
      return this.reply(200, { ok: true, replication: 'streaming', diskUsedPct: disk.usedPct }, delayMs);
    }
    if (role === 'api') {
      const pool = dependencyPath(this.self, null, POOLER.host, POOLER.port, this.d.rand);
      if (pool.action !== 'pass') return this.reply(503, { ok: false, error: `pooler ${POOLER.host}:${POOLER.port}: ${pool.action === 'reject' ? 'connection refused' : 'timed out'}` }, delayMs + (pool.action === 'drop' ? between(this.d.rand, 200, 350) : 0));
      const db = this.d.db ? dependencyPath(this.self, this.d.db, this.d.db.id.ip, DB_PORT, this.d.rand) : ({ action: 'pass', delayMs: 0 } as PathOutcome);
      if (db.action !== 'pass') {
        if (this.dbLostAt === undefined) {
          this.dbLostAt = now;
          this.failoverMs = between(this.d.rand, 8000, 20_000);
        }
        if (now - this.dbLostAt < this.failoverMs && this.d.rand() < FAILOVER_ERROR_SHARE) return this.reply(503, { ok: false, error: 'replica unreachable; failing reads over to the primary' }, delayMs + between(this.d.rand, 50, 250));
        return this.reply(200, { ok: true, db: now - this.dbLostAt < this.failoverMs ? 'failing over' : 'primary only (replica down)' }, delayMs);
      }
      this.dbLostAt = undefined;
      return this.reply(200, { ok: true, db: 'replica' }, delayMs);
    }
    if (role === 'gpu') {
      const gpus = readGpus(this.self.layout.state);
      return this.reply(200, { ok: true, trainingSamplesPerSec: Math.round(trainingThroughput(gpus)), gpus: gpus.length }, delayMs);
    }
    return this.reply(200, { ok: true }, delayMs);
  }
}
