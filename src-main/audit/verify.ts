/**
 * `audit verify`: walk the chain (links, hashes), authenticate each event's MAC, check every covered
 * row against the chain, and compare the end of the chain with the anchor and with a head the user
 * kept. Each check says what it looked at, so "intact" always means something named.
 */
import type Database from 'better-sqlite3';
import { readAnchor, anchorMacOk, type Head } from './anchor.js';
import { eventHash, GENESIS } from './chain.js';
import { CoverChecker } from './cover-check.js';
import { eventMac, type AuditKey } from './keys.js';
import type { AuditEvent } from './types.js';

export type CheckName = 'chain' | 'hmac' | 'rows' | 'anchor' | 'expected-head' | 'journal';

export interface VerifyCheck {
  name: CheckName;
  ok: boolean;
  text: string;
}

export interface VerifyReport {
  ok: boolean;
  checked: number;
  /** The first row whose link, hash or MAC does not hold. */
  firstBroken?: { seq: number; reason: string };
  /** The last event of the file (the chain's head), as stored. */
  head?: Head;
  checks: VerifyCheck[];
}

export interface VerifyContext {
  dbId: string;
  /** The user's key first, then any given with --key. */
  keys: AuditKey[];
  /** Where anchors live (the config dir); undefined = the default. */
  anchorDir?: string;
  /** A head the user kept (printed at the end of a run): `SEQ:HASH` or `HASH`. */
  expectHead?: { seq?: number; hash: string };
  /** Journal files waiting to be replayed, with their record counts. */
  pending?: Array<{ file: string; records: number }>;
}

/** Parse `--expect-head`: `SEQ:HASH` or `HASH` (64 hex). Undefined when it is neither. */
export function parseHead(s: string): { seq?: number; hash: string } | undefined {
  const m = /^(?:(\d{1,15}):)?([0-9a-f]{64})$/.exec(s.trim().toLowerCase());
  if (!m) return undefined;
  return { seq: m[1] === undefined ? undefined : Number(m[1]), hash: m[2]! };
}

export function verifyAudit(db: Database.Database, ctx: VerifyContext): VerifyReport {
  const checks: VerifyCheck[] = [];
  const cover = new CoverChecker();
  const hashAt = new Map<number, string>();
  let prev = GENESIS;
  let checked = 0;
  let expectSeq = 1;
  let firstBroken: VerifyReport['firstBroken'];
  let head: Head | undefined;
  const mac = { ok: 0, missing: 0, bad: 0, foreign: new Map<string, number>() };
  const own = ctx.keys[0];
  try {
    for (const row of db.prepare('SELECT * FROM events ORDER BY seq').iterate() as Iterable<AuditEvent>) {
      head = { seq: row.seq, hash: row.hash };
      hashAt.set(row.seq, row.hash);
      if (firstBroken) continue;
      if (row.seq !== expectSeq) firstBroken = { seq: row.seq, reason: `row ${expectSeq} is missing (rows jump from ${expectSeq - 1} to ${row.seq})` };
      else if (row.prev_hash !== prev) firstBroken = { seq: row.seq, reason: 'its prev_hash does not match the previous row (a row was removed, inserted or edited)' };
      else if (eventHash(prev, row) !== row.hash) firstBroken = { seq: row.seq, reason: 'its content does not match its hash (the row was altered)' };
      else {
        const k = ctx.keys.find((x) => x.id === row.key_id);
        if (!row.mac || !row.key_id) {
          mac.missing++;
          firstBroken = { seq: row.seq, reason: 'it carries no MAC (every event is authenticated; the MAC was removed)' };
        } else if (!k) mac.foreign.set(row.key_id, (mac.foreign.get(row.key_id) ?? 0) + 1);
        else if (eventMac(k, ctx.dbId, row.hash) !== row.mac) {
          mac.bad++;
          firstBroken = { seq: row.seq, reason: 'its MAC does not hold: the row was altered or the chain re-computed by someone without the key' };
        } else mac.ok++;
        const bad = firstBroken ? undefined : cover.add(row.seq, row.cover);
        if (bad) firstBroken = { seq: row.seq, reason: bad };
      }
      if (firstBroken) continue;
      prev = row.hash;
      checked++;
      expectSeq++;
    }
  } catch (e) {
    firstBroken ??= { seq: expectSeq, reason: `the database cannot be read past this row: ${(e as Error).message}` };
  }
  checks.push(
    firstBroken
      ? { name: 'chain', ok: false, text: `broken at event ${firstBroken.seq}: ${firstBroken.reason} (${checked} events before it are intact)` }
      : { name: 'chain', ok: true, text: `${checked} events, every link and hash holds` },
  );

  const foreign = [...mac.foreign.entries()].map(([id, n]) => `${n} with key ${id}`).join(', ');
  const keyText = own ? `key ${own.id} (${own.file})` : 'no key of yours';
  if (mac.bad || mac.missing) checks.push({ name: 'hmac', ok: false, text: `${mac.bad + mac.missing} event(s) not authentic (first: event ${firstBroken?.seq}); ${mac.ok} authenticated with ${keyText}` });
  else if (mac.foreign.size) checks.push({ name: 'hmac', ok: false, text: `${mac.ok} event(s) authenticated with ${keyText}; cannot authenticate ${foreign} — verify as the user who wrote them, or pass --key <their key file>` });
  else checks.push({ name: 'hmac', ok: true, text: firstBroken ? `${mac.ok} event(s) before the break authenticated with ${keyText}` : `all ${mac.ok} events authenticated with ${keyText}` });

  if (firstBroken) checks.push({ name: 'rows', ok: false, text: 'not checked: the chain they hang on is broken' });
  else {
    const r = cover.check(db);
    const counts = Object.entries(r.rows).map(([t, n]) => `${t} ${n}`).join(', ');
    checks.push(r.problems.length ? { name: 'rows', ok: false, text: `${r.problems.map((p) => `${p.table}: ${p.what}`).join('; ')} (rows checked: ${counts})` } : { name: 'rows', ok: true, text: `every row matches the chain (${counts})` });
  }

  checks.push(anchorCheck(ctx, head, hashAt, mac.ok));
  if (ctx.expectHead) checks.push(headCheck('expected-head', `the head you gave (${ctx.expectHead.seq ?? '?'}:${ctx.expectHead.hash.slice(0, 12)}…)`, ctx.expectHead, head, hashAt));
  for (const p of ctx.pending ?? []) checks.push({ name: 'journal', ok: true, text: `${p.records} record(s) of a STOP are waiting in ${p.file}: not yet in the chain (replayed at the next write to this audit)` });
  return { ok: checks.every((c) => c.ok), checked, firstBroken, head, checks };
}

/** Does the chain still hold `want` (by seq when known, else anywhere)? Names truncation or re-chaining. */
function headCheck(name: CheckName, what: string, want: { seq?: number; hash: string }, head: Head | undefined, hashAt: Map<number, string>): VerifyCheck {
  const last = head?.seq ?? 0;
  if (want.seq === undefined) {
    for (const [seq, h] of hashAt) if (h === want.hash) return { name, ok: true, text: `${what} is event ${seq} of ${last}: nothing before it was removed or re-chained` };
    return { name, ok: false, text: `${what} is not in the chain: events were removed (truncated) or re-chained since` };
  }
  if (last < want.seq) return { name, ok: false, text: `${what} names event ${want.seq}, but the file ends at event ${last}: ${want.seq - last} event(s) were removed (truncated)` };
  if (hashAt.get(want.seq) !== want.hash) return { name, ok: false, text: `event ${want.seq} is not ${what}: the chain was re-computed (re-chained) after a change` };
  return { name, ok: true, text: `${what} matches event ${want.seq} (file ends at ${last}): not truncated or re-chained before it` };
}

function anchorCheck(ctx: VerifyContext, head: Head | undefined, hashAt: Map<number, string>, ownEvents: number): VerifyCheck {
  const { anchor, corrupt, file } = readAnchor(ctx.dbId, ctx.anchorDir);
  if (corrupt) return { name: 'anchor', ok: false, text: `the anchor ${file} is damaged (${corrupt})` };
  if (!anchor) {
    if (ownEvents === 0) return { name: 'anchor', ok: true, text: `no anchor in ${file} and no event written with your key: nothing to compare (keep the head printed at the end of each run and pass --expect-head)` };
    return { name: 'anchor', ok: false, text: `no anchor in ${file}, although ${ownEvents} event(s) were written with your key: it was deleted (truncation and re-chaining cannot be ruled out; pass --expect-head with a head you kept)` };
  }
  const macOk = anchorMacOk(anchor, ctx.keys);
  if (macOk === undefined) return { name: 'anchor', ok: false, text: `the anchor ${file} was made with key ${anchor.keyId}, which you do not have` };
  if (!macOk) return { name: 'anchor', ok: false, text: `the anchor ${file} was edited (its MAC does not hold)` };
  return headCheck('anchor', `the anchor (${file}, written ${anchor.at})`, anchor, head, hashAt);
}
