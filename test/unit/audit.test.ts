import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AuditStore, auditExecHooks, redact } from '../../src-main/audit/index.js';
import { MIGRATIONS } from '../../src-main/audit/migrations.js';
import { SshPool } from '../../src-main/ssh/index.js';
import { sh } from '../../src-main/shell/index.js';
import { startTestServer } from '../helpers/ssh-server.js';

const open: AuditStore[] = [];
function fresh(): { file: string; audit: AuditStore } {
  const file = join(mkdtempSync(join(tmpdir(), 'gd-audit-')), 'audit.sqlite');
  const audit = AuditStore.open(file);
  open.push(audit);
  return { file, audit };
}
afterEach(() => {
  for (const a of open.splice(0)) a.close();
});

describe('audit hash chain', () => {
  it('chains events and verifies a clean file', () => {
    const { audit } = fresh();
    audit.createRun({ id: 'r1', title: 'test', env: 'lab', commander: 'ana' });
    for (let i = 0; i < 20; i++) audit.append({ runId: 'r1', kind: 'step', data: { i } });
    audit.addNote('r1', { role: 'scribe', author: 'bo', text: 'latency rising' });
    const v = audit.verify();
    expect(v).toMatchObject({ ok: true, checked: 22 }); // run.created + 20 + note
    const evs = audit.events({ runId: 'r1' });
    expect(evs[1]!.prev_hash).toBe(evs[0]!.hash);
  });

  it('records the schema version through migrations', () => {
    const { file, audit } = fresh();
    expect(audit.schemaVersion).toBe(MIGRATIONS.length);
    audit.close();
    const again = AuditStore.open(file); // re-open: no migration re-applied
    open.push(again);
    expect(again.schemaVersion).toBe(MIGRATIONS.length);
  });

  it('names the first broken row when any byte of a row is flipped on disk', () => {
    const { file, audit } = fresh();
    for (let i = 0; i < 40; i++) audit.append({ runId: 'r', kind: 'tick', data: { marker: `payload-${String(i).padStart(3, '0')}` } });
    audit.close();
    const bytes = readFileSync(file);
    // Flip one byte inside the stored data of row 17. SQLite pages may also hold stale copies of a
    // row in freed space, so every copy of its unique text is flipped; the live one is among them.
    const needle = Buffer.from('payload-016');
    let flipped = 0;
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) {
      bytes[at + 10] = bytes[at + 10]! ^ 0x01;
      flipped++;
    }
    expect(flipped).toBeGreaterThan(0);
    writeFileSync(file, bytes);
    const again = AuditStore.open(file);
    open.push(again);
    const v = again.verify();
    expect(v.ok).toBe(false);
    expect(v.firstBroken?.seq).toBe(17);
    expect(v.checked).toBe(16);
  });

  it('detects a deleted row and an edited hash', () => {
    const { file, audit } = fresh();
    for (let i = 0; i < 10; i++) audit.append({ kind: 'tick', data: { i } });
    audit.close();
    // Tampering through SQLite itself (what a careless or malicious edit would do).
    const Database = createRequire(import.meta.url)('better-sqlite3');
    const db = new Database(file);
    db.prepare('DELETE FROM events WHERE seq = 5').run();
    db.close();
    const a2 = AuditStore.open(file);
    open.push(a2);
    expect(a2.verify().firstBroken?.seq).toBe(6);
  });

  it('keeps secrets out', () => {
    expect(redact('mysql -u root --password=hunter2 -e "select 1"')).not.toContain('hunter2');
    expect(redact('curl -H "Authorization: Bearer abcdefghijklmnop" https://x')).not.toContain('abcdefghijklmnop');
    expect(redact('https://user:s3cret@host/path')).not.toContain('s3cret');
    expect(redact('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----')).toBe('[REDACTED PRIVATE KEY]');
  });
});

describe('exec auditing', () => {
  it('commits the intent before the command runs and the outcome after', async () => {
    const srv = await startTestServer();
    const { audit } = fresh();
    const seenAtRun: number[] = [];
    const hooks = auditExecHooks(audit, { runId: 'r9', actor: 'ana' });
    const pool = new SshPool({
      ...hooks,
      beforeExec: (s, c, o) => {
        const t = hooks.beforeExec!(s, c, o);
        // by the time the command is sent, the intent row is readable from a second connection
        const other = AuditStore.open(audit.file);
        seenAtRun.push(other.events({ kind: 'exec.intent' }).length);
        other.close();
        return t;
      },
    });
    try {
      const spec = { name: 'n1', host: '127.0.0.1', port: srv.port, user: 'root', identityFiles: [srv.clientKeyFile], knownHostsFiles: [srv.knownHostsFile] };
      await pool.exec(spec, sh`echo ${'token=abc123'}; exit 4`);
    } finally {
      await pool.dispose();
      await srv.close();
    }
    expect(seenAtRun).toEqual([1]);
    const [intent, outcome] = audit.events({ runId: 'r9' });
    expect(intent!.kind).toBe('exec.intent');
    expect(intent!.data).not.toContain('abc123');
    expect(outcome!.kind).toBe('exec.outcome');
    const d = JSON.parse(outcome!.data);
    expect(d).toMatchObject({ intentSeq: intent!.seq, code: 4 });
    expect(d.stdout).toContain('[REDACTED]');
    expect(audit.verify().ok).toBe(true);
  });
});
