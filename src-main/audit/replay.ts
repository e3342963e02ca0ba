/**
 * Replaying the journal (journal.ts) into the chain: oldest file first, records in the order they
 * were written, each once (their ids are kept in `journal_replayed` in the same transaction, so a
 * crash between the commit and the file's removal cannot replay twice). Lines whose MAC does not
 * hold are never replayed; they are named in the `audit.journal-replayed` event.
 */
import { basename } from 'node:path';
import { isSqliteError } from './errors.js';
import { claimJournal, journalFile, pendingJournals, readJournal, removeJournal } from './journal.js';
import type { AuditKey } from './keys.js';
import type { AuditOp, ReplayReport, Stamp } from './types.js';

export interface ReplayHooks {
  /** Was this record replayed already? */
  has(id: string): boolean;
  /** Apply one record (its own savepoint: a record that cannot apply leaves nothing). */
  apply(op: AuditOp, st: Stamp): void;
  done(id: string, at: string): void;
  /** Append the chained summary event. */
  record(data: Record<string, unknown>): void;
}

/** Replay every pending journal inside `locked` (one write transaction). Undefined: nothing pending. */
export function replayJournals(dbFile: string, dbId: string, keys: AuditKey[], locked: (fn: () => void) => void, h: ReplayHooks): ReplayReport | undefined {
  const live = journalFile(dbFile);
  const claimed = pendingJournals(dbFile)
    .map((f) => (f === live ? claimJournal(dbFile) : f))
    .filter((f): f is string => Boolean(f));
  if (!claimed.length) return undefined;
  const parsed = claimed.map((f) => ({ f, ...readJournal(f, dbId, keys) }));
  const report: ReplayReport = { records: 0, files: claimed, rejected: parsed.flatMap((p) => p.rejected.map((r) => ({ file: basename(p.f), ...r }))), skipped: [] };
  locked(() => {
    report.records = 0;
    report.skipped = [];
    for (const p of parsed) {
      for (const r of p.records) {
        if (h.has(r.id)) continue;
        try {
          h.apply(r.op as unknown as AuditOp, { ts: r.at, mono: r.mono, journal: { id: r.id, pid: r.pid, why: r.why } });
          report.records++;
        } catch (e) {
          if (isSqliteError(e)) throw e;
          report.skipped.push({ id: r.id, why: (e as Error).message });
        }
        h.done(r.id, new Date().toISOString());
      }
    }
    h.record({ records: report.records, files: claimed.map((f) => basename(f)), rejected: report.rejected, skipped: report.skipped });
  });
  for (const f of claimed) removeJournal(f);
  return report;
}

/** Journal files waiting beside the database and how many valid records each holds (for verify). */
export function pendingRecords(dbFile: string, dbId: string, keys: AuditKey[]): Array<{ file: string; records: number }> {
  if (dbFile === ':memory:') return [];
  return pendingJournals(dbFile).map((f) => {
    try {
      return { file: f, records: readJournal(f, dbId, keys).records.length };
    } catch {
      return { file: f, records: 0 };
    }
  });
}
