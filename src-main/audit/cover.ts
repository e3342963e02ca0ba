/**
 * Rows outside the events table covered by the chain. Every write that changes a row of a covered
 * table appends, in the same transaction, an event whose `cover` names the rows and a sha256 of each
 * as stored (read back, so types and rounding are SQLite's). The event is chained and MAC'd, so a
 * row changed, added or deleted afterwards no longer matches the newest digest the chain holds for it.
 *
 * Keyed tables (rows updated in place: a fault's state) keep the newest digest per key; insert-only
 * tables (samples, notes…) keep one digest per contiguous rowid range inserted by a transaction.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** Tables whose rows change in place, with their key columns. */
export const KEYED: Record<string, readonly string[]> = { runs: ['id'], faults: ['id'], sample_rollup_marks: ['run_id', 'probe_id'] };
/** Tables written only by inserts. */
export const RANGED = ['samples', 'sample_rollups', 'notes', 'approvals'] as const;

export interface Range {
  from: number;
  to: number;
  n: number;
  d: string;
}

/** The parsed `cover` column of one event: table → key → digest, or table → inserted range. */
export type CoverData = Record<string, Record<string, string> | Range>;

function cell(v: unknown): unknown {
  return Buffer.isBuffer(v) ? `b:${v.toString('hex')}` : v;
}

/** A row as hashed: its values in column order (the table's schema order). */
export function rowText(row: Record<string, unknown>): string {
  return JSON.stringify(Object.values(row).map(cell));
}

export function rowDigest(row: Record<string, unknown>): string {
  return createHash('sha256').update(rowText(row)).digest('hex');
}

export function keyOf(table: string, row: Record<string, unknown>): string {
  return KEYED[table]!.map((k) => String(row[k])).join('\u001f');
}

/** Rows touched by the transaction under way; `build` reads them back and digests them. */
export class CoverBuilder {
  private keyed = new Map<string, Map<string, unknown[]>>();
  private ranged = new Map<string, { from: number; to: number }>();

  keyRow(table: keyof typeof KEYED & string, values: unknown[]): void {
    const m = this.keyed.get(table) ?? new Map<string, unknown[]>();
    m.set(values.map(String).join('\u001f'), values);
    this.keyed.set(table, m);
  }

  insertedRow(table: (typeof RANGED)[number], rowid: number | bigint): void {
    const id = Number(rowid);
    const r = this.ranged.get(table);
    if (!r) this.ranged.set(table, { from: id, to: id });
    else {
      r.from = Math.min(r.from, id);
      r.to = Math.max(r.to, id);
    }
  }

  /** Forget what a failed transaction touched. */
  reset(): void {
    this.keyed = new Map();
    this.ranged = new Map();
  }

  get empty(): boolean {
    return this.keyed.size === 0 && this.ranged.size === 0;
  }

  /** Canonical JSON of the cover (null when nothing was touched); resets the builder. */
  build(db: Database.Database): string | null {
    if (this.empty) return null;
    const out: Record<string, unknown> = {};
    for (const table of [...this.keyed.keys()].sort()) {
      const where = KEYED[table]!.map((k) => `${k} = ?`).join(' AND ');
      const stmt = db.prepare(`SELECT * FROM ${table} WHERE ${where}`);
      const m: Record<string, string> = {};
      for (const [key, values] of [...this.keyed.get(table)!.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const row = stmt.get(...values) as Record<string, unknown> | undefined;
        m[key] = row ? rowDigest(row) : 'deleted';
      }
      out[table] = m;
    }
    for (const table of [...this.ranged.keys()].sort()) {
      const { from, to } = this.ranged.get(table)!;
      out[table] = rangeOf(db, table, from, to);
    }
    this.reset();
    return JSON.stringify(out);
  }
}

/** Digest of the rows with from ≤ rowid ≤ to, in rowid order. */
export function rangeOf(db: Database.Database, table: string, from: number, to: number): Range {
  const h = createHash('sha256');
  let n = 0;
  for (const row of db.prepare(`SELECT rowid AS _rowid, * FROM ${table} WHERE rowid BETWEEN ? AND ? ORDER BY rowid`).iterate(from, to) as Iterable<Record<string, unknown>>) {
    h.update(rowText(row)).update('\n');
    n++;
  }
  return { from, to, n, d: h.digest('hex') };
}

/** The cover of every row already in the covered tables (legacy rows, once, at the upgrade). */
export function coverAll(db: Database.Database): string | null {
  const b = new CoverBuilder();
  for (const table of Object.keys(KEYED)) {
    for (const row of db.prepare(`SELECT ${KEYED[table]!.join(', ')} FROM ${table}`).all() as Array<Record<string, unknown>>) b.keyRow(table, KEYED[table]!.map((k) => row[k]));
  }
  for (const table of RANGED) {
    const r = db.prepare(`SELECT min(rowid) a, max(rowid) z FROM ${table}`).get() as { a: number | null; z: number | null };
    if (r.a !== null && r.z !== null) {
      b.insertedRow(table, r.a);
      b.insertedRow(table, r.z);
    }
  }
  return b.build(db);
}
