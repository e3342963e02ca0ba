import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson, eventHash, GENESIS, type ChainedFields } from './chain.js';
import { MIGRATIONS } from './migrations.js';
import { RollupAccumulator, type RollupFlush } from './rollup.js';
import { parseDetail } from './sample-detail.js';
import type { SampleRow } from '../probes/types.js';
import { SQL } from './statements.js';

export interface AuditEventInput {
  runId?: string | null;
  kind: string;
  actor?: string | null;
  node?: string | null;
  data?: Record<string, unknown>;
}

export interface AuditEvent extends ChainedFields {
  prev_hash: string;
  hash: string;
}

/** A sample as addSamples takes it (the probes' batched row): series and latency come from `detail` unless given. */
export type SampleInput = SampleRow;

export interface StoredSample {
  probe_id: string;
  t_ms: number;
  value: number | null;
  healthy: number;
  detail: string | null;
}

export interface StoredRollup {
  series: string | null;
  bucket_ms: number;
  n: number;
  bad: number;
  n_value: number;
  v_min: number | null;
  t_min: number | null;
  v_max: number | null;
  t_max: number | null;
  v_sum: number;
  first_t: number;
  last_t: number;
  hist: Buffer | null;
}

export interface VerifyReport {
  ok: boolean;
  checked: number;
  /** The first row whose hash or link does not hold. */
  firstBroken?: { seq: number; reason: string };
}

export type FaultState = 'intent' | 'injecting' | 'active' | 'reverting' | 'reverted' | 'residue' | 'unreachable' | 'failed' | 'one-shot-done';

export interface FaultRow {
  id: string;
  run_id: string;
  node: string;
  kind: string;
  params: string;
  state: FaultState;
  one_shot: number;
  revert_cmd: string | null;
  lease_ttl_s: number | null;
  lease_expires_at: string | null;
  injected_at: string | null;
  reverted_at: string | null;
  detail: string | null;
}

/**
 * The workspace audit: one SQLite file, WAL, synchronous=FULL so a committed row survives a power
 * loss (better-sqlite3 defaults WAL to NORMAL, which may lose the last commits). Every event row
 * carries the previous row's hash. Writes that must precede an action (a command's intent) are
 * their own transaction, committed before the action starts. The only module importing better-sqlite3.
 */
export class AuditStore {
  private readonly db: Database.Database;
  private readonly stmts: { [K in keyof typeof SQL]: Database.Statement };
  private readonly t0 = performance.now();
  private lastHash: string;
  private readonly rollups = new RollupAccumulator();

  private constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    this.stmts = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, this.db.prepare(sql)])) as never;
    const last = this.stmts.lastEvent.get() as { hash: string } | undefined;
    this.lastHash = last?.hash ?? GENESIS;
  }

  static open(file: string): AuditStore {
    return new AuditStore(file);
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const have = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (have.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      })();
    }
  }

  get schemaVersion(): number {
    return (this.db.prepare('SELECT max(version) v FROM schema_migrations').get() as { v: number }).v;
  }

  /** Append one chained event in its own committed (fsynced) transaction. */
  append(e: AuditEventInput): AuditEvent {
    return this.db.transaction(() => this.appendInTx(e))();
  }

  private appendInTx(e: AuditEventInput): AuditEvent {
    const seq = ((this.stmts.maxSeq.get() as { s: number | null }).s ?? 0) + 1;
    const f: ChainedFields = {
      seq,
      run_id: e.runId ?? null,
      ts: new Date().toISOString(),
      mono_ms: Math.round((performance.now() - this.t0) * 1000) / 1000,
      kind: e.kind,
      actor: e.actor ?? null,
      node: e.node ?? null,
      data: canonicalJson(e.data ?? {}),
    };
    const prev = this.lastHash;
    const hash = eventHash(prev, f);
    this.stmts.insertEvent.run({ ...f, prev_hash: prev, hash });
    this.lastHash = hash;
    return { ...f, prev_hash: prev, hash };
  }

  /** Run several writes as one transaction; events appended inside stay chained in order. */
  tx<T>(fn: (append: (e: AuditEventInput) => AuditEvent) => T): T {
    const saved = this.lastHash;
    try {
      return this.db.transaction(() => fn((e) => this.appendInTx(e)))();
    } catch (err) {
      this.lastHash = saved;
      throw err;
    }
  }

  createRun(r: { id: string; scenario?: string; title?: string; env?: string; commander?: string; meta?: Record<string, unknown> }): void {
    this.tx((append) => {
      this.stmts.insertRun.run({ id: r.id, scenario: r.scenario ?? null, title: r.title ?? null, env: r.env ?? null, commander: r.commander ?? null, status: 'running', started_at: new Date().toISOString(), meta: canonicalJson(r.meta ?? {}) });
      append({ runId: r.id, kind: 'run.created', actor: r.commander, data: { scenario: r.scenario, title: r.title, env: r.env } });
    });
  }

  endRun(id: string, status: string, data: Record<string, unknown> = {}): void {
    this.tx((append) => {
      this.writeRollups(this.rollups.take({ all: true, runId: id }));
      this.stmts.endRun.run({ id, status, ended_at: new Date().toISOString() });
      append({ runId: id, kind: 'run.ended', data: { status, ...data } });
    });
  }

  /** Record a fault before anything is sent to the node (state `intent`), committed. */
  recordFaultIntent(f: { id: string; runId: string; node: string; kind: string; params: unknown; oneShot: boolean; revertCmd: string; leaseTtlSec: number }): void {
    this.tx((append) => {
      this.stmts.insertFault.run({ id: f.id, run_id: f.runId, node: f.node, kind: f.kind, params: canonicalJson(f.params), state: 'intent', one_shot: f.oneShot ? 1 : 0, revert_cmd: f.revertCmd, lease_ttl_s: f.leaseTtlSec });
      append({ runId: f.runId, kind: 'fault.intent', node: f.node, data: { faultId: f.id, kind: f.kind, params: f.params, oneShot: f.oneShot, revertCmd: f.revertCmd, leaseTtlSec: f.leaseTtlSec } });
    });
  }

  setFaultState(id: string, state: FaultState, extra: { leaseExpiresAt?: string; detail?: string } = {}): void {
    this.tx((append) => {
      const row = this.stmts.getFault.get(id) as FaultRow | undefined;
      if (!row) throw new Error(`no fault ${id} in the audit`);
      const now = new Date().toISOString();
      this.stmts.updateFault.run({
        id,
        state,
        lease_expires_at: extra.leaseExpiresAt ?? row.lease_expires_at,
        injected_at: state === 'active' ? (row.injected_at ?? now) : row.injected_at,
        reverted_at: state === 'reverted' ? now : row.reverted_at,
        detail: extra.detail ?? row.detail,
      });
      append({ runId: row.run_id, kind: `fault.${state}`, node: row.node, data: { faultId: id, ...extra } });
    });
  }

  getFault(id: string): FaultRow | undefined {
    return this.stmts.getFault.get(id) as FaultRow | undefined;
  }

  /** Faults that may still be in effect on a node: sent (or about to be) and not confirmed reverted. */
  openFaults(runId?: string): FaultRow[] {
    const rows = this.stmts.openFaults.all() as FaultRow[];
    return runId ? rows.filter((r) => r.run_id === runId) : rows;
  }

  runFaults(runId: string): FaultRow[] {
    return this.stmts.runFaults.all(runId) as FaultRow[];
  }

  /** Probe samples in one transaction, with one chained event holding the batch's digest. */
  addSamples(runId: string, probeId: string, rows: SampleInput[]): void {
    if (rows.length === 0) return;
    this.tx((append) => {
      for (const r of rows) this.insertSample(runId, probeId, r);
      this.writeRollups(this.rollups.take());
      append({ runId, kind: 'samples.batch', data: { probeId, n: rows.length, first: rows[0]!.tMs, last: rows[rows.length - 1]!.tMs, unhealthy: rows.filter((r) => !r.healthy).length } });
    });
  }

  /**
   * Every probe's rows of one flush in one transaction (one fsync) with one chained event holding
   * the flush's digest: at 1000 probes × 1 Hz, one commit a second instead of a thousand.
   */
  addSampleBatches(runId: string, batches: Array<[probeId: string, rows: SampleInput[]]>): void {
    if (batches.length === 0) return;
    this.tx((append) => {
      let n = 0;
      let unhealthy = 0;
      let first = Infinity;
      let last = -Infinity;
      for (const [probeId, rows] of batches) {
        for (const r of rows) {
          this.insertSample(runId, probeId, r);
          n++;
          if (!r.healthy) unhealthy++;
          if (r.tMs < first) first = r.tMs;
          if (r.tMs > last) last = r.tMs;
        }
      }
      this.writeRollups(this.rollups.take());
      append({ runId, kind: 'samples.batch', data: { probes: batches.length, n, first, last, unhealthy } });
    });
  }

  private insertSample(runId: string, probeId: string, r: SampleInput): void {
    this.stmts.insertSample.run({ run_id: runId, probe_id: probeId, t_ms: r.tMs, value: r.value, healthy: r.healthy ? 1 : 0, detail: r.detail ?? null });
    const d = r.series !== undefined && r.latencyMs !== undefined ? { series: r.series, latencyMs: r.latencyMs } : parseDetail(r.detail);
    this.rollups.add(runId, probeId, { t: r.tMs, value: r.value, healthy: r.healthy, series: d.series, latencyMs: d.latencyMs }, () => this.rollupMark(runId, probeId)?.coveredUntil ?? -Infinity);
  }

  private writeRollups(f: RollupFlush): void {
    for (const r of f.rows) {
      this.stmts.insertRollup.run({ run_id: r.runId, probe_id: r.probeId, series: r.series, bucket_ms: r.bucketMs, n: r.n, bad: r.bad, n_value: r.nValue, v_min: r.vMin, t_min: r.tMin, v_max: r.vMax, t_max: r.tMax, v_sum: r.vSum, first_t: r.firstT, last_t: r.lastT, hist: r.hist });
    }
    for (const [runId, probeId, until, seriesCount] of f.marks) this.stmts.putRollupMark.run(runId, probeId, until, seriesCount);
  }

  /** Where a probe's rollups end (every raw sample before it is in one rollup row), and its series count. */
  rollupMark(runId: string, probeId: string): { coveredUntil: number; seriesCount: number } | undefined {
    const r = this.stmts.rollupMark.get(runId, probeId) as { covered_until: number; series_count: number } | undefined;
    return r ? { coveredUntil: r.covered_until, seriesCount: r.series_count } : undefined;
  }

  /** Rollup rows of buckets starting in [from, to), in time order (series null = the probe row). */
  rollupsBetween(runId: string, probeId: string, from: number, to: number): StoredRollup[] {
    return this.stmts.rollupsBetween.all(runId, probeId, from, to) as StoredRollup[];
  }

  /** A probe's raw samples with from ≤ t < to, in time order. */
  samplesBetween(runId: string, probeId: string, from: number, to: number): StoredSample[] {
    return this.stmts.samplesBetween.all(runId, probeId, from, to) as StoredSample[];
  }

  /** Probe ids that stored samples in a run (read from the samples index, not the events). */
  sampleProbeIds(runId: string): string[] {
    return (this.stmts.sampleProbeIds.all(runId) as Array<{ probe_id: string }>).map((r) => r.probe_id);
  }

  samples(runId: string, probeId?: string): StoredSample[] {
    return (probeId ? this.stmts.samplesForProbe.all(runId, probeId) : this.stmts.samplesForRun.all(runId)) as never;
  }

  addNote(runId: string, n: { role?: string; author?: string; text: string }): void {
    this.tx((append) => {
      this.stmts.insertNote.run({ run_id: runId, ts: new Date().toISOString(), role: n.role ?? null, author: n.author ?? null, text: n.text });
      append({ runId, kind: 'note', actor: n.author, data: { role: n.role, text: n.text } });
    });
  }

  addApproval(runId: string, a: { step: string; approver: string; decision: 'approved' | 'rejected'; reason?: string }): void {
    this.tx((append) => {
      this.stmts.insertApproval.run({ run_id: runId, step: a.step, approver: a.approver, decision: a.decision, reason: a.reason ?? null, ts: new Date().toISOString() });
      append({ runId, kind: `approval.${a.decision}`, actor: a.approver, data: { step: a.step, reason: a.reason } });
    });
  }

  events(filter: { runId?: string; kind?: string; sinceSeq?: number; limit?: number } = {}): AuditEvent[] {
    return this.stmts.events.all({ run_id: filter.runId ?? null, kind: filter.kind ?? null, since: filter.sinceSeq ?? 0, lim: filter.limit ?? -1 }) as AuditEvent[];
  }

  runs(): Array<{ id: string; scenario: string | null; title: string | null; status: string; started_at: string; ended_at: string | null; /** JSON recorded at start (dryRun, simulated, mode). */ meta: string | null }> {
    return this.stmts.runs.all() as never;
  }

  /** Walk the chain from the first row; name the first row whose link or hash does not hold. */
  verify(): VerifyReport {
    let prev = GENESIS;
    let checked = 0;
    let expectSeq = 1;
    try {
      for (const row of this.stmts.allEvents.iterate() as Iterable<AuditEvent>) {
        if (row.seq !== expectSeq) return { ok: false, checked, firstBroken: { seq: row.seq, reason: `row ${expectSeq} is missing (rows jump from ${expectSeq - 1} to ${row.seq})` } };
        if (row.prev_hash !== prev) return { ok: false, checked, firstBroken: { seq: row.seq, reason: 'its prev_hash does not match the previous row (a row was removed, inserted or edited)' } };
        if (eventHash(prev, row) !== row.hash) return { ok: false, checked, firstBroken: { seq: row.seq, reason: 'its content does not match its hash (the row was altered)' } };
        prev = row.hash;
        checked++;
        expectSeq++;
      }
    } catch (e) {
      return { ok: false, checked, firstBroken: { seq: expectSeq, reason: `the database cannot be read past this row: ${(e as Error).message}` } };
    }
    return { ok: true, checked };
  }

  /** Every event as one JSON object per line. */
  *exportJsonl(runId?: string): Generator<string> {
    for (const row of this.stmts.allEvents.iterate() as Iterable<AuditEvent>) {
      if (runId && row.run_id !== runId) continue;
      yield JSON.stringify({ ...row, data: JSON.parse(row.data) as unknown });
    }
  }

  close(): void {
    if (!this.db.open) return;
    // Buckets still open (a run that never ended) are written; coverage stays honest either way.
    this.tx(() => this.writeRollups(this.rollups.take({ all: true })));
    this.db.close();
  }
}
