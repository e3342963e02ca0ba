/**
 * The pending-records journal: when a STOP cannot write the audit (another process holds its lock,
 * the disk refuses), the records go here, one JSON line each, fsynced, MAC'd, beside the database.
 * The next process that opens the database for writing replays them into the chain (oldest first,
 * each once) and says so. STOP therefore never waits on, or dies of, the audit.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { canonicalJson } from './chain.js';
import { recordMac, type AuditKey } from './keys.js';

/** One store operation as recorded: its name and arguments (JSON), when and by whom it was made. */
export interface JournalRecord {
  v: 1;
  id: string;
  dbId: string;
  pid: number;
  /** Wall time of the operation (the replayed rows keep it). */
  at: string;
  mono: number;
  op: Record<string, unknown> & { op: string };
  /** Why the database could not take it. */
  why: string;
  keyId: string;
  mac: string;
}

export function journalFile(dbFile: string): string {
  return `${dbFile}.journal.jsonl`;
}

function body(r: Omit<JournalRecord, 'mac'>): string {
  return canonicalJson({ ...r });
}

/** Append one record, durably (fsync) before returning: it is the only copy. */
export function journalAppend(dbFile: string, key: AuditKey, r: Omit<JournalRecord, 'v' | 'id' | 'pid' | 'keyId' | 'mac'>): JournalRecord {
  const rec: Omit<JournalRecord, 'mac'> = { v: 1, id: `${process.pid}-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`, pid: process.pid, keyId: key.id, ...r };
  const full: JournalRecord = { ...rec, mac: recordMac(key, 'journal', body(rec)) };
  // One write(2) per line on an O_APPEND descriptor: lines of several processes never interleave.
  const fd = openSync(journalFile(dbFile), 'a', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(full)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return full;
}

/** Journal files waiting beside the database: the live one and any claimed by a replay that did not finish. */
export function pendingJournals(dbFile: string): string[] {
  const live = journalFile(dbFile);
  const dir = dirname(dbFile);
  const prefix = `${basename(live)}.replay-`;
  let claimed: string[] = [];
  try {
    claimed = readdirSync(dir).filter((f) => f.startsWith(prefix)).map((f) => join(dir, f)).sort();
  } catch {
    /* no directory: nothing pending */
  }
  return [...claimed, ...(existsSync(live) ? [live] : [])];
}

/**
 * Claim the live journal for a replay (rename: appends from other processes that open it afterwards
 * start a new file, so nothing appended later is lost by the unlink after the replay).
 */
export function claimJournal(dbFile: string): string | undefined {
  const live = journalFile(dbFile);
  const claimed = `${live}.replay-${Date.now().toString().padStart(15, '0')}-${process.pid}`;
  try {
    renameSync(live, claimed);
    return claimed;
  } catch {
    return undefined;
  }
}

export interface ParsedJournal {
  records: JournalRecord[];
  /** Lines that are not a record or whose MAC does not hold (never replayed). */
  rejected: Array<{ line: number; why: string }>;
}

/** Read a journal file; keep only lines this database's key vouches for. */
export function readJournal(file: string, dbId: string, keys: AuditKey[]): ParsedJournal {
  const out: ParsedJournal = { records: [], rejected: [] };
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    let r: JournalRecord;
    try {
      r = JSON.parse(text) as JournalRecord;
    } catch {
      // A process killed mid-write leaves a torn last line: it never reached fsync, so it was never promised.
      out.rejected.push({ line: i + 1, why: 'not JSON (a torn write)' });
      return;
    }
    const k = keys.find((x) => x.id === r.keyId);
    const { mac, ...rest } = r;
    if (r.dbId !== dbId) out.rejected.push({ line: i + 1, why: `for another database (${String(r.dbId)})` });
    else if (!k) out.rejected.push({ line: i + 1, why: `MAC made with an unknown key ${String(r.keyId)}` });
    else if (recordMac(k, 'journal', body(rest)) !== mac) out.rejected.push({ line: i + 1, why: 'its MAC does not hold (edited)' });
    else out.records.push(r);
  });
  return out;
}

export function removeJournal(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}
