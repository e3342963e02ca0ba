/**
 * The warm pool: with a console live in the workspace, `gameday exec` from another process runs
 * through the console's open SSH connections (ssh/pool-share.ts) — observed from outside: the
 * node's sshd sees the same client connection (source port) for two separate CLI processes, and
 * that connection is still established on the node (ss in its namespace) after both exited; the
 * console's audit records the commands. With no live pool (or GAMEDAY_SHARED_POOL=0) each CLI
 * opens its own connection. The output is the same either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ConsoleService, consoleServiceOptions } from '../../src-main/console/index.js';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { inNs } from './helpers/observe.js';

const BIN = join(process.cwd(), 'resources/bin/gameday.mjs');
let lab: LabInfo;
let ws: string;

beforeAll(() => {
  lab = getTestLab();
  ws = mkdtempSync(join(tmpdir(), 'gd-warm-'));
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

/**
 * `gameday exec` as a user types it; returns stdout, stderr and the status. Asynchronous: the
 * console lives in this process and must keep answering on its socket meanwhile.
 */
function gexec(selector: string, cmd: string, env: Record<string, string> = {}, inventory: string | null = lab.inventoryPath): Promise<{ out: string; err: string; status: number | null }> {
  return new Promise((resolve) => {
    const inv = inventory === null ? [] : ['--inventory', inventory];
    // Run from the workspace (no ./inventory.yaml there) so no inventory is chosen but the one given.
    const base = { ...process.env };
    delete base.GAMEDAY_INVENTORY;
    const p = spawn(process.execPath, [BIN, ...inv, 'exec', '--workspace', ws, selector, '--', cmd], { cwd: ws, env: { ...base, NO_COLOR: '1', ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ out, err, status });
    });
  });
}

/** Client source ports of the SSH connections established to the node, as the node sees them. */
async function sshClientPorts(node: string): Promise<number[]> {
  const out = await inNs(lab, node, 'ss', ['-Htn', 'state', 'established', '( sport = :22 )']);
  return out
    .split('\n')
    .map((l) => /\S+:(\d+)\s*$/.exec(l.trim())?.[1])
    .filter((p): p is string => !!p)
    .map(Number);
}

/** The client port sshd gave this session ($SSH_CONNECTION = client_ip client_port server_ip server_port). */
const portOf = (out: string): number => Number(/\| \S+ (\d+) \S+ 22\s*$/m.exec(out)?.[1]);

describe('warm pool through the workspace socket', () => {
  it('exec with a console live reuses its connection (same sshd session port, still open after the CLI exits), audited, same output', async () => {
    const svc = new ConsoleService(consoleServiceOptions({ workspace: ws, inventory: lab.inventoryPath }));
    let own: Awaited<ReturnType<typeof gexec>>;
    try {
      expect(readdirSync(join(ws, 'control')).filter((f) => f.endsWith('.pool'))).toHaveLength(1);
      const a = await gexec('node01', 'echo $SSH_CONNECTION; hostname');
      const b = await gexec('node01', 'echo $SSH_CONNECTION; hostname');
      console.log(`[warm-pool] a: ${a.out.trim()} / ${a.err.trim()}\n[warm-pool] b: ${b.out.trim()}`);
      expect([a.status, b.status]).toEqual([0, 0]);
      expect(a.err).toMatch(/through the open connections of console-/);
      const pa = portOf(a.out);
      expect(pa).toBeGreaterThan(0);
      // Two CLI processes, one sshd connection: only a pool living outside them can do that.
      expect(portOf(b.out)).toBe(pa);
      // The node still has that connection after both CLIs exited: the console holds it.
      expect(await sshClientPorts('node01')).toContain(pa);

      own = await gexec('node01', 'echo $SSH_CONNECTION; hostname', { GAMEDAY_SHARED_POOL: '0' });
      expect(own.status).toBe(0);
      expect(own.err).not.toMatch(/through the open connections/);
      expect(portOf(own.out)).not.toBe(pa);
      // Same output apart from the session's own port.
      const strip = (s: string) => s.replace(/ \d+ (\S+) 22$/m, ' PORT $1 22');
      expect(strip(a.out)).toBe(strip(own.out));
      expect(a.out).toMatch(/^node01 \| /m);
    } finally {
      await svc.dispose();
    }
    // The commands that went through the console are in its audit (actor console), with their outcome.
    const db = new Database(join(ws, 'audit.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT kind, actor, node, data FROM events WHERE kind IN ('exec.intent','exec.outcome') AND data LIKE '%SSH_CONNECTION%'").all() as Array<{ kind: string; actor: string; node: string }>;
      expect(rows.filter((r) => r.kind === 'exec.intent').map((r) => `${r.actor}@${r.node}`)).toEqual(['console@node01', 'console@node01']);
      const outcomes = db.prepare("SELECT node FROM events WHERE kind = 'exec.outcome' AND actor = 'console'").all() as Array<{ node: string }>;
      expect(outcomes.map((r) => r.node)).toEqual(['node01', 'node01']);
    } finally {
      db.close();
    }
    // The console closed: its socket is gone and exec opens its own connection again.
    expect(existsSync(join(ws, 'control')) && readdirSync(join(ws, 'control')).some((f) => f.endsWith('.pool'))).toBe(false);
    const after = await gexec('node01', 'echo $SSH_CONNECTION; hostname');
    expect(after.status).toBe(0);
    expect(after.err).not.toMatch(/through the open connections/);
  });

  it('the console resolves the selector: same nodes and output as own connections; a bad selector is exit 3 with its hint; another --inventory falls back', async () => {
    const svc = new ConsoleService(consoleServiceOptions({ workspace: ws, inventory: lab.inventoryPath }));
    try {
      const cmd = 'echo $SSH_CONNECTION; hostname';
      // Warm the console's connections, then note its sshd session port on node03.
      const first = await gexec('node03', cmd);
      expect(first.status, first.err).toBe(0);
      const consolePort = portOf(first.out);
      for (const [sel, inv] of [['node01,node03', lab.inventoryPath], ['node01,node02,node03,!node02', null]] as const) {
        const warm = await gexec(sel, cmd, {}, inv);
        const own = await gexec(sel, cmd, { GAMEDAY_SHARED_POOL: '0' }, lab.inventoryPath);
        console.log(`[warm-pool] ${sel}: ${warm.out.trim()} / ${warm.err.trim()}`);
        expect([warm.status, own.status], warm.err + own.err).toEqual([0, 0]);
        expect(warm.err).toMatch(/through the open connections of console-/);
        // Same nodes, same tags and lines, same summary; only the sshd session ports differ.
        const norm = (s: string) => s.replace(/ \d+ (\S+) 22$/gm, ' PORT $1 22').split('\n').sort().join('\n');
        expect(norm(warm.out)).toBe(norm(own.out));
        expect(warm.out).toMatch(/^node01 \| \S+ \d+ \S+ 22$/m);
        expect(warm.out).toMatch(/^node03 \| \S+ \d+ \S+ 22$/m);
        expect(warm.out).not.toMatch(/node02/);
        expect(warm.err.split('\n').filter((l) => /nodes exited 0/.test(l))).toEqual(own.err.split('\n').filter((l) => /nodes exited 0/.test(l)));
        // The node sees the console's connection (from outside: sshd's client port), not a new one.
        expect(warm.out).toMatch(new RegExp(`^node03 \\| \\S+ ${consolePort} \\S+ 22$`, 'm'));
      }

      // A wrong selector: resolved by the console, reported like own connections (what, hint, exit 3).
      const bad = await gexec('nosuchnode', 'hostname');
      const badOwn = await gexec('nosuchnode', 'hostname', { GAMEDAY_SHARED_POOL: '0' });
      expect(bad.status).toBe(3);
      expect(bad.err).toMatch(/selector "nosuchnode"/);
      expect(bad.err).toMatch(/hint: /);
      expect(bad.err).not.toMatch(/\n\s+at /); // no stack trace
      expect(bad.err).toBe(badOwn.err);
      expect(bad.out).toBe('');

      // --inventory of another file (same nodes, other path): not the console's, so own connections, said on stderr.
      const other = join(ws, 'other-inventory.yaml');
      writeFileSync(other, readFileSync(lab.inventoryPath, 'utf8').replaceAll('./', `${dirname(lab.inventoryPath)}/`));
      const fb = await gexec('node03', cmd, {}, other);
      expect(fb.status, fb.err).toBe(0);
      expect(fb.err).toMatch(/console-\d+ has \S+ open, not \S*other-inventory\.yaml: opening connections of our own/);
      expect(fb.err).not.toMatch(/through the open connections/);
      expect(fb.out).toMatch(/^node03 \| \S+ \d+ \S+ 22$/m);
      expect(portOf(fb.out)).not.toBe(consolePort);
    } finally {
      await svc.dispose();
    }
  });

  it('a stale socket (its process gone) is removed and exec opens its own connections', async () => {
    const dir = join(ws, 'control');
    // A socket file nobody listens on, as a killed console leaves it.
    const r = spawnSync(process.execPath, ['-e', `const s=require('net').createServer().listen(${JSON.stringify(join(dir, 'console-999999.pool'))},()=>process.exit(0))`]);
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, 'console-999999.pool'))).toBe(true);
    const x = await gexec('node02', 'hostname');
    expect(x.status).toBe(0);
    expect(x.out).toMatch(/node02/);
    expect(existsSync(join(dir, 'console-999999.pool'))).toBe(false);
  });
});
