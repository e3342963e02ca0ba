import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AnchorKeeper, readAnchor, type Head } from './anchor.js';
import { canonicalJson, eventHash, GENESIS, type ChainedFields } from './chain.js';
import { coverAll } from './cover.js';
import { AuditUnavailable, isBusy, isSqliteError } from './errors.js';
import { assertAuditFile, isAuditSchema, notAnAudit } from './file-check.js';
import { journalAppend, journalFile } from './journal.js';
import { eventMac, loadKey, type AuditKey } from './keys.js';
import { AUTH_MIGRATION, MIGRATIONS } from './migrations.js';
import { pendingRecords, replayJournals } from './replay.js';
import { SQL } from './statements.js';
import type { AuditEvent, AuditEventInput, AuditOp, AuditProblem, FaultIntentInput, FaultRow, FaultState, ReplayReport, RunInput, SampleInput, Stamp, StoredRollup, StoredSample } from './types.js';
import { verifyAudit, type VerifyReport } from './verify.js';
import { AuditWriter, type Statements } from './writer.js';

export type { AuditEvent, AuditEventInput, AuditProblem, FaultRow, FaultState, ReplayReport, SampleInput, StoredRollup, StoredSample } from './types.js';
export type { VerifyReport, VerifyCheck } from './verify.js';
export type { Head } from './anchor.js';

/**
 * How long a write waits for another process's transaction (SQLite's busy handler), and how many
 * times it tries again: ~6 s in all. A transaction of ours holds the lock for one fsync, but the
 * busy handler polls rather than queues, so on a loaded machine with several CLIs committing at
 * once a writer can be passed over for seconds (3 s in all was seen to fail 1 CLI of 12 on the lab).
 * The wait blocks this process (better-sqlite3 is synchronous: timers and signal handlers wait too),
 * which is why STOP uses the short one and then the journal.
 */
const BUSY_MS = 2000;
const RETRIES = 2;
/** During a STOP (and at close) a write waits this long once, then goes to the journal. */
const STOP_BUSY_MS = 250;

export interface OpenOptions {
  /** Refuse (AuditFileError) unless the file exists and is an audit: never create one (`audit verify`). */
  mustExist?: boolean;
}

/**
 * The workspace audit: one SQLite file, WAL, synchronous=FULL so a committed row survives a power
 * loss. Every write is one BEGIN IMMEDIATE transaction that reads the chain's head under the write
 * lock, so any number of processes append to one valid chain. Each event carries the previous
 * event's hash, digests of the rows its transaction wrote (cover.ts) and an HMAC under the user's
 * key (keys.ts); each commit moves the anchor (anchor.ts). A STOP's writes that cannot get the lock
 * go to a journal beside the database, replayed at the next open (replay.ts). Writes that must
 * precede an action (a command's intent) are committed before it starts. The only module importing
 * better-sqlite3.
 */
export class AuditStore {
  private readonly db: Database.Database;
  private readonly stmts: Statements;
  private readonly w: AuditWriter;
  private readonly t0 = performance.now();
  readonly key: AuditKey;
  readonly dbId: string;
  private stopping = false;
  private problem?: AuditProblem;
  /** Journal records replayed when this store opened (or closed), if any. */
  replayed?: ReplayReport;
  private anchor!: AnchorKeeper;

  private constructor(
    readonly file: string,
    opts: OpenOptions,
  ) {
    if (opts.mustExist) assertAuditFile(file);
    else if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.key = loadKey({ create: true })!;
    this.db = new Database(file, { fileMustExist: Boolean(opts.mustExist) });
    let upgraded: Head | undefined;
    try {
      // The busy handler first: several processes opening a fresh file race for WAL and migrations.
      this.db.pragma(`busy_timeout = ${BUSY_MS}`);
      if (opts.mustExist && !isAuditSchema(this.db)) throw notAnAudit(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      upgraded = this.migrate();
    } catch (e) {
      this.db.close();
      throw isSqliteError(e) ? new AuditUnavailable(file, e, 'opening and migrating') : e;
    }
    this.stmts = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, this.db.prepare(sql)])) as never;
    this.dbId = (this.stmts.dbId.get() as { v: string }).v;
    this.w = new AuditWriter(this.db, this.stmts, this.key, this.dbId);
    this.anchor = new AnchorKeeper(this.key, this.dbId, file);
    if (file === ':memory:') return;
    if (upgraded) this.anchor.move(upgraded);
    else this.anchor.check((seq) => (this.db.prepare('SELECT hash FROM events WHERE seq = ?').get(seq) as { hash: string } | undefined)?.hash, () => Boolean(this.db.prepare('SELECT 1 FROM events WHERE key_id = ? LIMIT 1').get(this.key.id)));
    this.replay();
  }

  static open(file: string, opts: OpenOptions = {}): AuditStore {
    return new AuditStore(file, opts);
  }

  /**
   * Apply missing migrations once: checked without a lock (the common case: nothing to do), then
   * under the write lock, re-checked there, so of several processes opening a fresh file at once
   * exactly one creates the tables and the others find them. Returns the head the upgrade to
   * authenticated events appended, if it did.
   */
  private migrate(): Head | undefined {
    const have = (): Set<number> => {
      try {
        return new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
      } catch {
        return new Set();
      }
    };
    if (MIGRATIONS.every((m) => have().has(m.version))) return undefined;
    return this.withLock(() => {
      this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const done = have();
      let head: Head | undefined;
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
        if (m.version === AUTH_MIGRATION) head = this.authenticateExisting();
      }
      return head;
    });
  }

  /**
   * Upgrading a file written before events were authenticated: MAC its events and cover its rows
   * with one event, so from now on any change to them shows. What was changed before the upgrade
   * cannot be told (the chain itself was already checkable then).
   */
  private authenticateExisting(): Head | undefined {
    const dbId = (this.db.prepare(SQL.dbId).get() as { v: string }).v;
    const rows = this.db.prepare('SELECT seq, hash FROM events ORDER BY seq').all() as Head[];
    const mark = this.db.prepare('UPDATE events SET key_id = ?, mac = ? WHERE seq = ?');
    for (const r of rows) mark.run(this.key.id, eventMac(this.key, dbId, r.hash), r.seq);
    const cover = coverAll(this.db);
    if (!rows.length && cover === null) return undefined;
    const prev = rows[rows.length - 1] ?? { seq: 0, hash: GENESIS };
    const f: ChainedFields = { seq: prev.seq + 1, run_id: null, ts: new Date().toISOString(), mono_ms: 0, kind: 'audit.upgraded', actor: null, node: null, data: canonicalJson({ eventsBefore: rows.length }), cover };
    const hash = eventHash(prev.hash, f);
    this.db.prepare(SQL.insertEvent).run({ ...f, prev_hash: prev.hash, hash, key_id: this.key.id, mac: eventMac(this.key, dbId, hash) });
    return { seq: f.seq, hash };
  }

  /** BEGIN IMMEDIATE (the lock first, so what is read inside is what we append to), bounded retries when busy. */
  private withLock<T>(fn: () => T): T {
    for (let attempt = 0; ; attempt++) {
      try {
        return this.db.transaction(fn).immediate();
      } catch (e) {
        this.w?.cover.reset();
        if (isBusy(e) && attempt < (this.stopping ? 0 : RETRIES)) continue;
        throw e;
      }
    }
  }

  /** One write transaction; after its commit the anchor moves to the head it appended. */
  private locked<T>(fn: () => T): T {
    this.w.txHead = undefined;
    const out = this.withLock(fn);
    if (this.w.txHead && this.file !== ':memory:') this.anchor.move(this.w.txHead);
    return out;
  }

  get schemaVersion(): number {
    return (this.db.prepare('SELECT max(version) v FROM schema_migrations').get() as { v: number }).v;
  }

  private stamp(): Stamp {
    return { ts: new Date().toISOString(), mono: Math.round((performance.now() - this.t0) * 1000) / 1000 };
  }

  /**
   * Every write goes through here. Normally: one transaction, or AuditUnavailable. While stopping
   * (or once this process has records in the journal, to keep them in order): a write the database
   * cannot take goes to the journal, and when even that fails it is counted as lost; never throws.
   */
  private exec(op: AuditOp): AuditEvent | undefined {
    const st = this.stamp();
    if (this.problem) return this.toJournal(op, st, 'earlier records of this process are in the journal (kept in order)');
    try {
      return this.locked(() => this.w.apply(op, st));
    } catch (e) {
      if (!isSqliteError(e)) throw e;
      if (!this.stopping) throw new AuditUnavailable(this.file, e, op.op === 'append' ? op.e.kind : op.op);
      return this.toJournal(op, st, (e as Error).message);
    }
  }

  private toJournal(op: AuditOp, st: Stamp, why: string): undefined {
    this.problem ??= { journaled: 0, lost: 0, journal: journalFile(this.file), why };
    try {
      if (this.file === ':memory:') throw new Error('an in-memory audit has no journal');
      journalAppend(this.file, this.key, { dbId: this.dbId, at: st.ts, mono: st.mono, op: op as AuditOp & Record<string, unknown>, why });
      this.problem.journaled++;
    } catch {
      this.problem.lost++;
    }
    return undefined;
  }

  /** STOP is under way: writes wait briefly, then go to the journal instead of failing or waiting. */
  setStopping(on: boolean): void {
    this.stopping = on;
    if (this.db.open) this.db.pragma(`busy_timeout = ${on ? STOP_BUSY_MS : BUSY_MS}`);
  }

  /** What this process could not write to the database (journaled or lost), if anything. */
  auditProblem(): AuditProblem | undefined {
    return this.problem ? { ...this.problem } : undefined;
  }

  /** Append one chained event in its own committed (fsynced) transaction; undefined when journaled. */
  append(e: AuditEventInput): AuditEvent | undefined {
    return this.exec({ op: 'append', e });
  }

  createRun(r: RunInput): void {
    this.exec({ op: 'createRun', r });
  }

  endRun(id: string, status: string, data: Record<string, unknown> = {}): void {
    this.exec({ op: 'endRun', id, status, data });
  }

  /** Record a fault before anything is sent to the node (state `intent`), committed. */
  recordFaultIntent(f: FaultIntentInput): void {
    this.exec({ op: 'faultIntent', f });
  }

  /** `atMs`: when it changed on the probes' monotonic clock (the live timers' instant), kept in the event's data. */
  setFaultState(id: string, state: FaultState, extra: { leaseExpiresAt?: string; detail?: string; atMs?: number } = {}): void {
    this.exec({ op: 'faultState', id, state, extra });
  }

  /** Probe samples in one transaction, with one chained event holding the batch's digest. */
  addSamples(runId: string, probeId: string, rows: SampleInput[]): void {
    if (rows.length) this.exec({ op: 'samples', runId, probeId, rows });
  }

  /**
   * Every probe's rows of one flush in one transaction (one fsync) with one chained event holding
   * the flush's digest: at 1000 probes × 1 Hz, one commit a second instead of a thousand.
   */
  addSampleBatches(runId: string, batches: Array<[probeId: string, rows: SampleInput[]]>): void {
    if (batches.length) this.exec({ op: 'sampleBatches', runId, batches });
  }

  addNote(runId: string, n: { role?: string; author?: string; text: string }): void {
    this.exec({ op: 'note', runId, n });
  }

  addApproval(runId: string, a: { step: string; approver: string; decision: 'approved' | 'rejected'; reason?: string }): void {
    this.exec({ op: 'approval', runId, a });
  }

  /**
   * Replay journals left by STOPs that could not write (this process's or others'). Waits only
   * briefly for the lock: when busy, the files stay for the next open.
   */
  private replay(): void {
    const was = this.stopping;
    this.setStopping(true);
    try {
      const r = replayJournals(this.file, this.dbId, [this.key], (fn) => this.locked(fn), {
        has: (id) => Boolean(this.stmts.journalReplayed.get(id)),
        apply: (op, st) => {
          try {
            this.db.transaction(() => this.w.apply(op, st))();
          } catch (e) {
            this.w.cover.reset();
            throw e;
          }
        },
        done: (id, at) => void this.stmts.markReplayed.run(id, at),
        record: (data) => void this.w.append({ kind: 'audit.journal-replayed', data }, this.stamp()),
      });
      if (r) {
        this.replayed = r;
        this.problem = undefined;
      }
    } catch (e) {
      if (!isSqliteError(e)) throw e;
    } finally {
      this.setStopping(was);
    }
  }

  /**
   * Accept the file as it is now (a backup restored on purpose): a chained `audit.reanchored` event
   * records the old anchor, and the anchor moves to the new head. Only after verify found nothing
   * but the anchor wrong (the CLI checks).
   */
  reanchor(actor: string): Head | undefined {
    const old = readAnchor(this.dbId);
    const ev = this.withLock(() => this.w.append({ kind: 'audit.reanchored', actor, data: { previous: old.anchor ? { seq: old.anchor.seq, hash: old.anchor.hash, at: old.anchor.at } : null, reason: this.anchor.problem ?? null } }, this.stamp()));
    this.anchor.move({ seq: ev.seq, hash: ev.hash }, true);
    return { seq: ev.seq, hash: ev.hash };
  }

  /** Why the anchor is not moved (it disagrees with the file, or cannot be written); verify says more. */
  get anchorProblem(): string | undefined {
    return this.anchor.problem;
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

  /** Where a probe's rollups end (every raw sample before it is in one rollup row), and its series count. */
  rollupMark(runId: string, probeId: string): { coveredUntil: number; seriesCount: number } | undefined {
    return this.w.rollupMark(runId, probeId);
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

  events(filter: { runId?: string; kind?: string; sinceSeq?: number; limit?: number } = {}): AuditEvent[] {
    return this.stmts.events.all({ run_id: filter.runId ?? null, kind: filter.kind ?? null, since: filter.sinceSeq ?? 0, lim: filter.limit ?? -1 }) as AuditEvent[];
  }

  runs(): Array<{ id: string; scenario: string | null; title: string | null; status: string; started_at: string; ended_at: string | null; /** JSON recorded at start (dryRun, simulated, mode). */ meta: string | null }> {
    return this.stmts.runs.all() as never;
  }

  /** The chain's head: its last event (count and hash). */
  head(): Head | undefined {
    return this.stmts.lastEvent.get() as Head | undefined;
  }

  /** A run's head: its last event (the chain up to it holds `seq` events). Printed at the end of each run. */
  runHead(runId: string): Head | undefined {
    return this.stmts.runHead.get(runId) as Head | undefined;
  }

  /** The anchor file of this database (in the user's config dir). */
  get anchorFile(): string {
    return readAnchor(this.dbId).file;
  }

  /** Walk the chain, MACs, covered rows, anchor and (optionally) a head the user kept. See verify.ts. */
  verify(o: { expectHead?: { seq?: number; hash: string }; keys?: AuditKey[] } = {}): VerifyReport {
    return verifyAudit(this.db, { dbId: this.dbId, keys: [this.key, ...(o.keys ?? [])], expectHead: o.expectHead, pending: pendingRecords(this.file, this.dbId, [this.key]) });
  }

  /** Every event as one JSON object per line. */
  *exportJsonl(runId?: string): Generator<string> {
    for (const row of this.stmts.allEvents.iterate() as Iterable<AuditEvent>) {
      if (runId && row.run_id !== runId) continue;
      yield JSON.stringify({ ...row, data: JSON.parse(row.data) as unknown });
    }
  }

  /** Writes what is still open (rollup buckets), replays this process's journal if it can, closes. Never waits long. */
  close(): void {
    if (!this.db.open) return;
    this.setStopping(true);
    if (!this.w.rollups.idle) this.exec({ op: 'rollups' });
    if (this.problem && this.file !== ':memory:') this.replay();
    this.anchor.flush();
    this.db.close();
  }
}
