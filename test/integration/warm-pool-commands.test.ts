/**
 * The warm pool for `gameday inject`, `preflight` and `inventory check` (ssh/shared-pool.ts): with
 * a console live in the workspace (`gameday console`, its own process), their node commands go
 * through its open SSH connections. Observed from the nodes: each node's sshd logs every accepted
 * login ("Accepted publickey …" in its sshd.log); through the console there is none, with own
 * connections there is one per node (the positive control). The fault is seen from outside
 * (iptables in the node's namespace, TCP from the host) in effect during the hold and gone after.
 * The console killed with -9 mid-hold: the renewals and the revert go on over connections of the
 * CLI's own (new logins seen), and the node is clean at the end. No live pool, or a stale socket:
 * own connections, as before. Results are the same either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nodeDir } from '../../src-main/lab/netns/plan.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { getTestLab } from '../lab/fixture.js';
import { cli, startCli, waitUntil, workspace, type CliProc, type CliResult } from './helpers/engine-cli.js';
import { inNs, residue, tcpFromHost } from './helpers/observe.js';

let lab: LabInfo;
let ws: string;
const NODES = ['node01', 'node02', 'node03'];
const SEL = NODES.join(',');
const INJECT = ['inject', 'port-block', 'node02', '-p', 'port=8080', '--approver', 'second-person'];

beforeAll(() => {
  lab = getTestLab();
  ws = workspace();
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

/** Logins each node's sshd accepted so far (its own log: the node's view, not ours). */
function logins(nodes = NODES): number {
  return nodes.reduce((sum, n) => sum + (readFileSync(join(nodeDir(lab.dir, n), 'sshd.log'), 'utf8').match(/^.*Accepted \S+ for /gm)?.length ?? 0), 0);
}

const pools = (): string[] => (existsSync(join(ws, 'control')) ? readdirSync(join(ws, 'control')).filter((f) => f.endsWith('.pool')) : []);
const ipOf = (name: string): string => lab.nodes.find((n) => n.name === name)!.ip;
/** GD- chains, their rules and tagged rules in the node's own namespace, read from the host. */
const firewall = async (node: string): Promise<string[]> => (await inNs(lab, node, 'iptables', ['-S'])).split('\n').filter((l) => /^-[NA] GD-|gameday:/.test(l));
/**
 * The same without the run's and fault's ids and the client port of the SSH session that injected
 * (its management flow, exempted first: the console's connection through it, our own without).
 */
const shape = (rules: string[]): string[] =>
  rules.map((l) => l.replace(/GD-\S+/g, 'GD-X').replace(/gameday:[^"\s]*/g, 'gameday:TAG').replace(/--sport \d+ --dport 22 /, '--sport PORT --dport 22 ').replace(/--sport 22 --dport \d+ /, '--sport 22 --dport PORT '));
const own = (args: string[]): Promise<CliResult> => cli(lab, ws, args, { GAMEDAY_SHARED_POOL: '0' });

/** A `gameday console` of this workspace, in its own process, with its pool on the socket. */
async function startConsole(): Promise<CliProc> {
  const con = startCli(lab, ws, ['console', '--port', '0']);
  let exited = false;
  void con.done.then(() => (exited = true));
  await waitUntil('the console to lend its pool', () => {
    if (exited) throw new Error('the console exited');
    return pools().some((f) => f === `console-${con.child.pid}.pool`);
  });
  return con;
}

/** inventory check rows without what differs between any two runs (time taken, clock offset). */
function checkRows(r: CliResult): unknown {
  const rows = JSON.parse(r.out) as Array<{ ms?: number; facts?: { clockOffsetSec?: number } }>;
  return rows.map(({ ms: _ms, facts, ...rest }) => ({ ...rest, facts: facts && { ...facts, clockOffsetSec: undefined } }));
}

/** preflight's report without the clock offset and the free space of / (shared by every node, moves), figures and verdicts kept. */
function preflightReport(r: CliResult): unknown {
  const rep = JSON.parse(r.out) as { nodes: Array<{ facts?: { clockOffsetSec?: number }; rootFreePct?: number }>; cells: Array<{ checks: Array<{ id: string; message: string }> }> };
  return {
    ...rep,
    nodes: rep.nodes.map(({ facts, rootFreePct: _d, ...rest }) => ({ ...rest, facts: facts && { ...facts, clockOffsetSec: undefined } })),
    cells: rep.cells.map((c) => ({ ...c, checks: c.checks.map((ch) => (ch.id === 'clock' || ch.id === 'disk' ? { ...ch, message: ch.message.replace(/[+-]?\d+(\.\d+)?/g, 'N') } : ch)) })),
  };
}

/** An inject while the test watches the node: in effect during the hold, then its exit. */
async function injectObserved(args: string[], during?: () => Promise<void>, env: Record<string, string> = {}): Promise<{ r: CliResult; runRule: string[] }> {
  const p = startCli(lab, ws, args, env);
  let out = '';
  p.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitUntil('the fault active on node02', () => /node02\s+active ✓/.test(out), 60_000);
    const runRule = await firewall('node02');
    expect(runRule.length, 'the port-block rules in node02\'s namespace').toBeGreaterThan(0);
    expect(await tcpFromHost(ipOf('node02'), 8080)).not.toBe('ok');
    await during?.();
    return { r: await p.done, runRule };
  } catch (e) {
    // A failed check must not leave the fault held: STOP (SIGINT) and wait for the revert.
    p.child.kill('SIGINT');
    await p.done;
    throw e;
  }
}

const runIdOf = (r: CliResult): string => /\(run (adhoc-\S+)\)/.exec(r.out)?.[1] ?? '';

describe('inject, preflight and inventory check through a live console', () => {
  it('no new SSH login on the nodes, the same results as own connections, the fault in effect and then gone', async () => {
    const con = await startConsole();
    try {
      // The console opens its connections at first use: warm them (this is its login, not ours).
      const warm = await cli(lab, ws, ['exec', SEL, '--', 'true']);
      expect(warm.code, warm.err).toBe(0);
      expect(warm.err).toMatch(/through the open connections of console-/);
      const before = logins();

      const check = await cli(lab, ws, ['inventory', 'check', SEL, '--json']);
      const checkText = await cli(lab, ws, ['inventory', 'check', SEL]);
      const pre = await cli(lab, ws, ['preflight', SEL, '-f', 'port-block,cpu-stress', '--json']);
      const preText = await cli(lab, ws, ['preflight', SEL, '-f', 'port-block']);
      const inj = await injectObserved([...INJECT, '-d', '3s', '--lease-ttl', '6s']);
      console.log(`[warm-cmds] inventory check: ${checkText.err.trim()}\n[warm-cmds] preflight: ${preText.err.trim()}\n[warm-cmds] inject: ${inj.r.out.trim()}\n${inj.r.err.trim()}`);
      // Not one login on any node: every command ran on the console's connections.
      expect(logins()).toBe(before);
      expect([check.code, checkText.code, pre.code, preText.code, inj.r.code], `${check.err}${pre.err}${inj.r.err}`).toEqual([0, 0, 0, 0, 0]);
      for (const r of [checkText, preText, inj.r]) expect(r.err).toMatch(/\(through the open connections of console-\d+\)/);
      // --json keeps its shape and says nothing on stderr about the route.
      expect(check.err).not.toMatch(/through the open connections/);
      expect(inj.r.out).toMatch(/node02 .*reverted/);
      // After the hold: the node is clean and the port answers again (seen from outside).
      expect(await residue(lab, 'node02', runIdOf(inj.r))).toEqual([]);
      expect(await tcpFromHost(ipOf('node02'), 8080)).toBe('ok');

      // The same commands on connections of their own: the same results, and now the nodes see logins.
      const checkOwn = await own(['inventory', 'check', SEL, '--json']);
      const preOwn = await own(['preflight', SEL, '-f', 'port-block,cpu-stress', '--json']);
      expect(logins()).toBe(before + 2 * NODES.length);
      expect(checkRows(check)).toEqual(checkRows(checkOwn));
      expect((checkRows(check) as Array<{ auth?: string; hostKey?: string }>).map((r) => [r.auth, r.hostKey])).toEqual(NODES.map(() => [expect.stringMatching(/publickey/), 'match']));
      expect(preflightReport(pre)).toEqual(preflightReport(preOwn));
      const injOwn = await injectObserved([...INJECT, '-d', '2s', '--lease-ttl', '6s'], undefined, { GAMEDAY_SHARED_POOL: '0' });
      expect(injOwn.r.code, injOwn.r.err).toBe(0);
      expect(injOwn.r.err).not.toMatch(/through the open connections/);
      expect(logins()).toBe(before + 2 * NODES.length + 1);
      // The same rules in the node's firewall either way.
      expect(shape(injOwn.runRule)).toEqual(shape(inj.runRule));
      expect(inj.runRule.some((l) => /^-A GD-\S+ .*--dport 8080/.test(l)), inj.runRule.join('\n')).toBe(true);
    } finally {
      con.child.kill('SIGTERM');
      await con.done;
    }
  }, 240_000);

  it('the console killed with -9 during an inject\'s hold: renewals and the revert go on over own connections, the node ends clean', async () => {
    const con = await startConsole();
    let r: CliResult;
    let before: number;
    try {
      const warm = await cli(lab, ws, ['exec', 'node02', '--', 'true']);
      expect(warm.err).toMatch(/through the open connections of console-/);
      before = logins(['node02']);
      ({ r } = await injectObserved([...INJECT, '-d', '12s', '--lease-ttl', '9s'], async () => {
        // The inject went through the console so far: node02 saw no login of its own.
        expect(logins(['node02'])).toBe(before);
        con.child.kill('SIGKILL');
        await con.done;
        expect(await firewall('node02'), 'the fault still in effect after the console died').not.toEqual([]);
      }));
    } finally {
      if (con.child.exitCode === null && con.child.signalCode === null) {
        con.child.kill('SIGTERM');
        await con.done;
      }
    }
    console.log(`[warm-cmds] inject, console killed mid-hold:\n${r.out.trim()}\n${r.err.trim()}`);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/node02 .*reverted/);
    expect(r.out).not.toMatch(/inconclusive/);
    // Its own connection to node02 carried the renewals after the kill and the revert.
    expect(logins(['node02'])).toBe(before + 1);
    expect(await residue(lab, 'node02', runIdOf(r))).toEqual([]);
    expect(await firewall('node02')).toEqual([]);
    expect(await tcpFromHost(ipOf('node02'), 8080)).toBe('ok');
    // The dead console's socket was found stale and removed.
    expect(pools()).toEqual([]);
  }, 120_000);

  it('no live pool, or a stale socket: own connections, as before', async () => {
    expect(pools()).toEqual([]);
    const before = logins();
    const none = await cli(lab, ws, ['inventory', 'check', SEL]);
    expect(none.code, none.err).toBe(0);
    expect(none.err).not.toMatch(/through the open connections/);
    expect(logins()).toBe(before + NODES.length);
    // A socket file nobody listens on, as a killed console leaves it.
    const stale = join(ws, 'control', 'console-999999.pool');
    expect(spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.exit(0))`]).status).toBe(0);
    expect(existsSync(stale)).toBe(true);
    const pre = await cli(lab, ws, ['preflight', SEL, '-f', 'port-block']);
    expect(pre.code, pre.err).toBe(0);
    expect(pre.err).not.toMatch(/through the open connections/);
    expect(logins()).toBe(before + 2 * NODES.length);
    expect(existsSync(stale)).toBe(false);
  }, 120_000);
});
