/**
 * `audit verify`'s check of the rows outside the events table: each must match the newest digest
 * the (already verified) chain holds for it; none may be missing or extra. See cover.ts.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { KEYED, RANGED, keyOf, rowDigest, rowText, type CoverData, type Range } from './cover.js';

export interface CoverProblem {
  table: string;
  what: string;
}

export interface CoverResult {
  /** Rows checked per table. */
  rows: Record<string, number>;
  problems: CoverProblem[];
}

/** How many problems are named in full; the rest are counted. */
const MAX_NAMED = 20;

export class CoverChecker {
  private readonly keyed = new Map<string, Map<string, { d: string; seq: number }>>();
  private readonly ranges = new Map<string, Array<Range & { seq: number }>>();

  /** Take the cover of one verified event (in chain order: the newest digest of a key wins). */
  add(seq: number, cover: string | null): string | undefined {
    if (cover === null) return undefined;
    let data: CoverData;
    try {
      data = JSON.parse(cover) as CoverData;
    } catch (e) {
      return `its cover is not JSON: ${(e as Error).message}`;
    }
    for (const [table, v] of Object.entries(data)) {
      if (KEYED[table]) {
        const m = this.keyed.get(table) ?? new Map<string, { d: string; seq: number }>();
        for (const [k, d] of Object.entries(v as Record<string, string>)) m.set(k, { d, seq });
        this.keyed.set(table, m);
      } else if ((RANGED as readonly string[]).includes(table)) {
        const list = this.ranges.get(table) ?? [];
        list.push({ ...(v as Range), seq });
        this.ranges.set(table, list);
      }
    }
    return undefined;
  }

  check(db: Database.Database): CoverResult {
    const rows: Record<string, number> = {};
    const problems: CoverProblem[] = [];
    let dropped = 0;
    const problem = (table: string, what: string) => (problems.length < MAX_NAMED ? problems.push({ table, what }) : dropped++);
    for (const table of Object.keys(KEYED)) {
      const want = this.keyed.get(table) ?? new Map<string, { d: string; seq: number }>();
      const seen = new Set<string>();
      let n = 0;
      for (const row of db.prepare(`SELECT * FROM ${table}`).iterate() as Iterable<Record<string, unknown>>) {
        n++;
        const k = keyOf(table, row);
        seen.add(k);
        const w = want.get(k);
        if (!w) problem(table, `row ${label(k)} is in no chained event (added outside gameday)`);
        else if (w.d !== rowDigest(row)) problem(table, `row ${label(k)} differs from what event ${w.seq} recorded (changed outside gameday)`);
      }
      for (const [k, w] of want) if (!seen.has(k) && w.d !== 'deleted') problem(table, `row ${label(k)}, recorded by event ${w.seq}, is missing (deleted)`);
      rows[table] = n;
    }
    for (const table of RANGED) {
      const want = [...(this.ranges.get(table) ?? [])].sort((a, b) => a.from - b.from);
      let i = 0;
      let n = 0;
      let h = createHash('sha256');
      let got = 0;
      const close = (r: Range & { seq: number }) => {
        const d = h.digest('hex');
        if (got !== r.n) problem(table, `rows ${r.from}–${r.to}: ${got} present, event ${r.seq} recorded ${r.n} (rows deleted)`);
        else if (d !== r.d) problem(table, `rows ${r.from}–${r.to} differ from what event ${r.seq} recorded (changed outside gameday)`);
        h = createHash('sha256');
        got = 0;
      };
      for (const row of db.prepare(`SELECT rowid AS _rowid, * FROM ${table} ORDER BY rowid`).iterate() as Iterable<Record<string, unknown>>) {
        n++;
        const id = Number(row._rowid);
        while (i < want.length && id > want[i]!.to) close(want[i++]!);
        if (i < want.length && id >= want[i]!.from) {
          h.update(rowText(row)).update('\n');
          got++;
        } else problem(table, `row ${id} is in no chained event (added outside gameday)`);
      }
      while (i < want.length) close(want[i++]!);
      rows[table] = n;
    }
    if (dropped) problems.push({ table: '…', what: `and ${dropped} more` });
    return { rows, problems };
  }
}

function label(k: string): string {
  return JSON.stringify(k.replace(/\u001f/g, '/'));
}
