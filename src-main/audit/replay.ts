/**
 * Replaying the journal (journal.ts) into the chain: oldest file first, records in the order they
 * were written, each once (their ids are kept in `journal_replayed` in the same transaction, so a
 * crash between the commit and the file's removal cannot replay twice). Lines whose MAC does not
 * hold are never replayed; they are named in the `audit.journal-replayed` event.
 */
import { statSync } from 'node:fs';
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

/**
 * Replay every pending journal inside `locked` (one write transaction). The live file is claimed
 * (renamed) only once the lock is held: when the lock cannot be had, the journal stays where the
 * messages said it is. Undefined: nothing pending.
 */
export function replayJournals(dbFile: string, dbId: string, keys: AuditKey[], locked: (fn: () => void) => void, h: ReplayHooks): ReplayReport | undefined {
  if (!pendingJournals(dbFile).length) return undefined;
  const live = journalFile(dbFile);
  let report: ReplayReport | undefined;
  let claimed: string[] = [];
  let sizes = new Map<string, number>();
  locked(() => {
    claimed = pendingJournals(dbFile)
      .map((f) => (f === live ? claimJournal(dbFile) : f))
      .filter((f): f is string => Boolean(f));
    if (!claimed.length) return;
    const parsed = claimed.map((f) => ({ f, size: sizeOf(f), ...readJournal(f, dbId, keys) }));
    sizes = new Map(parsed.map((p) => [p.f, p.size]));
    const r: ReplayReport = { records: 0, files: claimed, rejected: parsed.flatMap((p) => p.rejected.map((x) => ({ file: basename(p.f), ...x }))), skipped: [] };
    for (const p of parsed) {
      for (const rec of p.records) {
        if (h.has(rec.id)) continue;
        try {
          h.apply(rec.op as unknown as AuditOp, { ts: rec.at, mono: rec.mono, journal: { id: rec.id, pid: rec.pid, why: rec.why } });
          r.records++;
        } catch (e) {
          if (isSqliteError(e)) throw e;
          r.skipped.push({ id: rec.id, why: (e as Error).message });
        }
        h.done(rec.id, new Date().toISOString());
      }
    }
    h.record({ records: r.records, files: claimed.map((f) => basename(f)), rejected: r.rejected, skipped: r.skipped });
    report = r;
  });
  // Committed: the files can go (a crash before this leaves them; their ids are marked, so no double
  // replay). A file that grew since it was read (a STOP of another process appending through a
  // descriptor opened before the rename) stays: the next replay takes the new lines.
  for (const f of claimed) if (sizeOf(f) === sizes.get(f)) removeJournal(f);
  return report;
}

function sizeOf(f: string): number {
  try {
    return statSync(f).size;
  } catch {
    return -1;
  }
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
