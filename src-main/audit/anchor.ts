/**
 * The anchor: the newest head (event count and hash) of one audit database, kept outside it in the
 * user's config dir and MAC'd with the audit key. Every commit that appends events moves it forward.
 * Deleting the last events of the database, or re-chaining it, leaves the anchor naming an event
 * that is gone or different, which `audit verify` reports. (Someone who holds the key can rewrite
 * the anchor too: the head printed at the end of each run, kept elsewhere, still catches that.)
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDir, recordMac, type AuditKey } from './keys.js';

export interface Head {
  /** Events in the chain up to and including the head (the head's seq). */
  seq: number;
  hash: string;
}

export interface Anchor extends Head {
  dbId: string;
  /** Where the database was when the anchor was written (informational: copies share an anchor). */
  file: string;
  at: string;
  keyId: string;
  mac: string;
}

export function anchorFile(dbId: string, dir = configDir()): string {
  return join(dir, 'anchors', `${dbId}.json`);
}

function anchorBody(a: Omit<Anchor, 'mac' | 'keyId' | 'file'>): string {
  return `${a.dbId}\u001f${a.seq}\u001f${a.hash}\u001f${a.at}`;
}

/** The anchor of a database, if any: `corrupt` when the file exists but cannot be parsed. */
export function readAnchor(dbId: string, dir?: string): { anchor?: Anchor; corrupt?: string; file: string } {
  const file = anchorFile(dbId, dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { file };
  }
  try {
    const a = JSON.parse(text) as Anchor;
    if (typeof a.seq !== 'number' || typeof a.hash !== 'string' || typeof a.mac !== 'string' || a.dbId !== dbId) return { file, corrupt: 'fields missing or for another database' };
    return { file, anchor: a };
  } catch (e) {
    return { file, corrupt: (e as Error).message };
  }
}

/** Is the anchor's MAC right under this key? `undefined` when it was made with another key. */
export function anchorMacOk(a: Anchor, keys: AuditKey[]): boolean | undefined {
  const k = keys.find((x) => x.id === a.keyId);
  if (!k) return undefined;
  return recordMac(k, 'anchor', anchorBody(a)) === a.mac;
}

/**
 * Move the anchor to `head` unless it already names a later event (several processes write one
 * database; the check and the rename are not atomic together, so at worst a slightly older head
 * stays, which is still a true one). Atomic: a reader sees the old or the new file, never half.
 */
export function advanceAnchor(key: AuditKey, dbId: string, dbFile: string, head: Head, o: { force?: boolean; dir?: string } = {}): void {
  const file = anchorFile(dbId, o.dir);
  const cur = readAnchor(dbId, o.dir).anchor;
  if (cur && cur.seq >= head.seq && !o.force) return;
  const at = new Date().toISOString();
  const a: Anchor = { dbId, file: dbFile, seq: head.seq, hash: head.hash, at, keyId: key.id, mac: recordMac(key, 'anchor', anchorBody({ dbId, seq: head.seq, hash: head.hash, at })) };
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(a)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * Does the anchor disagree with the file (checked when a writer opens it)? The reason, or undefined
 * when it agrees or there is none yet and no event of this key that should have made one.
 */
export function anchorDisagreement(dbId: string, key: AuditKey, hashAt: (seq: number) => string | undefined, ownEvents: () => boolean): string | undefined {
  const { anchor, corrupt } = readAnchor(dbId);
  if (corrupt) return `the anchor is damaged (${corrupt})`;
  if (!anchor) return ownEvents() ? 'the anchor of this audit is missing although events were written with your key' : undefined;
  if (anchorMacOk(anchor, [key]) !== true) return 'the anchor of this audit was not made with your key, or was edited';
  const h = hashAt(anchor.seq);
  if (h === anchor.hash) return undefined;
  return h ? `event ${anchor.seq} differs from the anchor (re-chained)` : `the file ends before event ${anchor.seq}, which the anchor names (truncated)`;
}

/** The anchor follows the chain's head within this long (AnchorKeeper.move). */
const ANCHOR_EVERY_MS = 200;

/**
 * One store's side of the anchor: checked once at open (a disagreement is kept as `problem`, and
 * the anchor is then never moved, so it stays as evidence), then moved after commits — at once when
 * it has not moved for ANCHOR_EVERY_MS, else within that time, and always at `flush` (close).
 * Writing the file on every commit halved the event rate; a head at most that old is as good for
 * telling truncation after the fact.
 */
export class AnchorKeeper {
  problem?: string;
  private due?: Head;
  private at = -Infinity;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly key: AuditKey,
    private readonly dbId: string,
    private readonly dbFile: string,
  ) {}

  check(hashAt: (seq: number) => string | undefined, ownEvents: () => boolean): void {
    this.problem = anchorDisagreement(this.dbId, this.key, hashAt, ownEvents);
  }

  /** `force`: a deliberate re-anchor (audit verify --reanchor) clears a problem and writes now. */
  move(head: Head, force = false): void {
    if (force) this.problem = undefined;
    if (this.problem) return;
    this.due = head;
    if (force || performance.now() - this.at >= ANCHOR_EVERY_MS) return this.flush(force);
    this.timer ??= setTimeout(() => this.flush(), ANCHOR_EVERY_MS).unref();
  }

  flush(force = false): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.due;
    this.due = undefined;
    if (!head || this.problem) return;
    this.at = performance.now();
    try {
      advanceAnchor(this.key, this.dbId, this.dbFile, head, { force });
    } catch (e) {
      this.problem = `the anchor cannot be written: ${(e as Error).message}`;
    }
  }
}
