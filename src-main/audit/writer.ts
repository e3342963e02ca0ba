/**
 * The store's operations on the database, each inside the caller's transaction: the rows it
 * writes, then its one chained event carrying their cover and the MAC. The store decides when and
 * whether they run (locking, retries, journal); this decides what they write.
 */
import type Database from 'better-sqlite3';
import type { Head } from './anchor.js';
import { canonicalJson, eventHash, GENESIS, type ChainedFields } from './chain.js';
import { CoverBuilder } from './cover.js';
import { eventMac, type AuditKey } from './keys.js';
import { RollupAccumulator, type RollupFlush } from './rollup.js';
import { parseDetail } from './sample-detail.js';
import type { SQL } from './statements.js';
import type { AuditEvent, AuditEventInput, AuditOp, FaultRow, SampleInput, Stamp } from './types.js';

export type Statements = { [K in keyof typeof SQL]: Database.Statement };

export class AuditWriter {
  readonly cover = new CoverBuilder();
  readonly rollups = new RollupAccumulator();
  /** The head appended by the transaction under way (the store moves the anchor to it after commit). */
  txHead?: Head;

  constructor(
    private readonly db: Database.Database,
    private readonly stmts: Statements,
    private readonly key: AuditKey,
    private readonly dbId: string,
  ) {}

  /** The operation's rows and its one chained event. */
  apply(op: AuditOp, st: Stamp): AuditEvent | undefined {
    const s = this.stmts;
    switch (op.op) {
      case 'append':
        return this.append(op.e, st);
      case 'createRun': {
        const r = op.r;
        s.insertRun.run({ id: r.id, scenario: r.scenario ?? null, title: r.title ?? null, env: r.env ?? null, commander: r.commander ?? null, status: 'running', started_at: st.ts, meta: canonicalJson(r.meta ?? {}) });
        this.cover.keyRow('runs', [r.id]);
        return this.append({ runId: r.id, kind: 'run.created', actor: r.commander, data: { scenario: r.scenario, title: r.title, env: r.env } }, st);
      }
      case 'endRun':
        this.writeRollups(this.rollups.take({ all: true, runId: op.id }));
        s.endRun.run({ id: op.id, status: op.status, ended_at: st.ts });
        this.cover.keyRow('runs', [op.id]);
        return this.append({ runId: op.id, kind: 'run.ended', data: { status: op.status, ...op.data } }, st);
      case 'faultIntent': {
        const f = op.f;
        s.insertFault.run({ id: f.id, run_id: f.runId, node: f.node, kind: f.kind, params: canonicalJson(f.params), state: 'intent', one_shot: f.oneShot ? 1 : 0, revert_cmd: f.revertCmd, lease_ttl_s: f.leaseTtlSec });
        this.cover.keyRow('faults', [f.id]);
        return this.append({ runId: f.runId, kind: 'fault.intent', node: f.node, data: { faultId: f.id, kind: f.kind, params: f.params, oneShot: f.oneShot, revertCmd: f.revertCmd, leaseTtlSec: f.leaseTtlSec } }, st);
      }
      case 'faultState': {
        const row = s.getFault.get(op.id) as FaultRow | undefined;
        if (!row) throw new Error(`no fault ${op.id} in the audit`);
        const { state, extra } = op;
        s.updateFault.run({
          id: op.id,
          state,
          lease_expires_at: extra.leaseExpiresAt ?? row.lease_expires_at,
          injected_at: state === 'active' ? (row.injected_at ?? st.ts) : row.injected_at,
          reverted_at: state === 'reverted' ? st.ts : row.reverted_at,
          detail: extra.detail ?? row.detail,
        });
        this.cover.keyRow('faults', [op.id]);
        return this.append({ runId: row.run_id, kind: `fault.${state}`, node: row.node, data: { faultId: op.id, ...extra } }, st);
      }
      case 'samples':
        for (const r of op.rows) this.insertSample(op.runId, op.probeId, r);
        this.writeRollups(this.rollups.take());
        return this.append({ runId: op.runId, kind: 'samples.batch', data: { probeId: op.probeId, n: op.rows.length, first: op.rows[0]!.tMs, last: op.rows[op.rows.length - 1]!.tMs, unhealthy: op.rows.filter((r) => !r.healthy).length } }, st);
      case 'sampleBatches': {
        let n = 0;
        let unhealthy = 0;
        let first = Infinity;
        let last = -Infinity;
        for (const [probeId, rows] of op.batches) {
          for (const r of rows) {
            this.insertSample(op.runId, probeId, r);
            n++;
            if (!r.healthy) unhealthy++;
            if (r.tMs < first) first = r.tMs;
            if (r.tMs > last) last = r.tMs;
          }
        }
        this.writeRollups(this.rollups.take());
        return this.append({ runId: op.runId, kind: 'samples.batch', data: { probes: op.batches.length, n, first, last, unhealthy } }, st);
      }
      case 'note': {
        const id = s.insertNote.run({ run_id: op.runId, ts: st.ts, role: op.n.role ?? null, author: op.n.author ?? null, text: op.n.text }).lastInsertRowid;
        this.cover.insertedRow('notes', id);
        return this.append({ runId: op.runId, kind: 'note', actor: op.n.author, data: { role: op.n.role, text: op.n.text } }, st);
      }
      case 'approval': {
        const a = op.a;
        const id = s.insertApproval.run({ run_id: op.runId, step: a.step, approver: a.approver, decision: a.decision, reason: a.reason ?? null, ts: st.ts }).lastInsertRowid;
        this.cover.insertedRow('approvals', id);
        return this.append({ runId: op.runId, kind: `approval.${a.decision}`, actor: a.approver, data: { step: a.step, reason: a.reason } }, st);
      }
      case 'rollups': {
        const f = this.rollups.take({ all: true });
        if (!f.rows.length && !f.marks.length) return undefined;
        this.writeRollups(f);
        return this.append({ kind: 'samples.rollups', data: { rows: f.rows.length } }, st);
      }
    }
  }

  /** Append one event; the head is read here, under the write lock the caller's transaction holds. */
  append(e: AuditEventInput, st: Stamp): AuditEvent {
    const last = this.stmts.lastEvent.get() as Head | undefined;
    const data = st.journal ? { ...(e.data ?? {}), journal: st.journal } : (e.data ?? {});
    const f: ChainedFields = { seq: (last?.seq ?? 0) + 1, run_id: e.runId ?? null, ts: st.ts, mono_ms: st.mono, kind: e.kind, actor: e.actor ?? null, node: e.node ?? null, data: canonicalJson(data), cover: this.cover.build(this.db) };
    const prev = last?.hash ?? GENESIS;
    const hash = eventHash(prev, f);
    const ev: AuditEvent = { ...f, cover: f.cover ?? null, prev_hash: prev, hash, key_id: this.key.id, mac: eventMac(this.key, this.dbId, hash) };
    this.stmts.insertEvent.run(ev);
    this.txHead = { seq: ev.seq, hash };
    return ev;
  }

  private insertSample(runId: string, probeId: string, r: SampleInput): void {
    const id = this.stmts.insertSample.run({ run_id: runId, probe_id: probeId, t_ms: r.tMs, value: r.value, healthy: r.healthy ? 1 : 0, detail: r.detail ?? null }).lastInsertRowid;
    this.cover.insertedRow('samples', id);
    const d = r.series !== undefined && r.latencyMs !== undefined ? { series: r.series, latencyMs: r.latencyMs } : parseDetail(r.detail);
    this.rollups.add(runId, probeId, { t: r.tMs, value: r.value, healthy: r.healthy, series: d.series, latencyMs: d.latencyMs }, () => this.rollupMark(runId, probeId)?.coveredUntil ?? -Infinity);
  }

  private writeRollups(f: RollupFlush): void {
    for (const r of f.rows) {
      const id = this.stmts.insertRollup.run({ run_id: r.runId, probe_id: r.probeId, series: r.series, bucket_ms: r.bucketMs, n: r.n, bad: r.bad, n_value: r.nValue, v_min: r.vMin, t_min: r.tMin, v_max: r.vMax, t_max: r.tMax, v_sum: r.vSum, first_t: r.firstT, last_t: r.lastT, hist: r.hist }).lastInsertRowid;
      this.cover.insertedRow('sample_rollups', id);
    }
    for (const [runId, probeId, until, seriesCount] of f.marks) {
      this.stmts.putRollupMark.run(runId, probeId, until, seriesCount);
      this.cover.keyRow('sample_rollup_marks', [runId, probeId]);
    }
  }

  /** Where a probe's rollups end (every raw sample before it is in one rollup row), and its series count. */
  rollupMark(runId: string, probeId: string): { coveredUntil: number; seriesCount: number } | undefined {
    const r = this.stmts.rollupMark.get(runId, probeId) as { covered_until: number; series_count: number } | undefined;
    return r ? { coveredUntil: r.covered_until, seriesCount: r.series_count } : undefined;
  }
}
