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
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
function gexec(selector: string, cmd: string, env: Record<string, string> = {}): Promise<{ out: string; err: string; status: number | null }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, '--inventory', lab.inventoryPath, 'exec', '--workspace', ws, selector, '--', cmd], { env: { ...process.env, NO_COLOR: '1', ...env } });
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
