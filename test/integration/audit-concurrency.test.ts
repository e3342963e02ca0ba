/**
 * Many CLIs on one workspace (issue 12 §2), on the netns lab with the built CLI as real processes
 * and a real SQLite file: six `gameday inject` started together on a fresh workspace, two started
 * 4 s apart, SIGINT to six at once, a STOP while another process holds the audit's write lock for
 * 16 s, and a second SIGINT while STOP hangs on a dead link. Nodes are checked from outside (each
 * namespace's iptables, our own SSH trace counts); the audit with `gameday audit verify`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getTestLab } from '../lab/fixture.js';
import { labBlackhole } from '../lab/lab-blackhole.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { CLEAN, cli, FIXTURES, nodeTraces, openAudit, parseRunJson, startCli, waitUntil, workspace, type CliProc, type CliResult } from './helpers/engine-cli.js';
import { sleep } from './helpers/fleet.js';
import { inNs } from './helpers/observe.js';

let lab: LabInfo;
beforeAll(() => {
  lab = getTestLab();
});
afterAll(async () => {
  await labBlackhole(lab, 'node08', false);
});

const SIX = ['node01', 'node02', 'node03', 'node04', 'node05', 'node06'];
/** What must never reach the user: a storage error blamed on a node, a stack trace, a bug. */
const BAD_OUTPUT = /SqliteError|database is locked|internal error|unreachable|    at /;

function inject(ws: string, node: string, extra: string[]): CliProc {
  return startCli(lab, ws, ['inject', 'port-block', node, '-p', 'port=8080', '--approver', 'second-person', ...extra]);
}

/** GD- chains and tagged rules in the node's own namespace, read from the host. */
async function firewall(node: string): Promise<string[]> {
  return (await inNs(lab, node, 'iptables', ['-S'])).split('\n').filter((l) => /^-N GD-|gameday:/.test(l));
}

function verify(ws: string, extra: string[] = []): Promise<CliResult> {
  return cli(lab, ws, ['audit', 'verify', ...extra]);
}

/** Runs in the workspace and the state of their faults, straight from the audit file. */
function runsOf(ws: string): Array<{ id: string; node?: string; faults: string[]; kinds: string[] }> {
  const a = openAudit(ws);
  try {
    return a.runs().map((r) => ({ id: r.id, node: a.runFaults(r.id)[0]?.node, faults: a.runFaults(r.id).map((f) => f.state), kinds: a.events({ runId: r.id }).map((e) => e.kind) }));
  } finally {
    a.close();
  }
}

/** Another process that takes the audit's write lock and sits on it for `ms`. */
function holdLock(file: string, ms: number): { locked: Promise<void>; done: Promise<void>; released: () => boolean } {
  const child = spawn(process.execPath, ['-e', `const D=require('better-sqlite3');const d=new D(process.argv[1]);d.pragma('busy_timeout=10000');d.exec('BEGIN IMMEDIATE');console.log('locked');setTimeout(()=>{d.exec('COMMIT');d.close();console.log('released')},${ms})`, file], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const done = new Promise<void>((r) => child.on('close', () => r()));
  return { locked: waitUntil('the lock taken', () => out.includes('locked'), 10_000, 50), done, released: () => out.includes('released') };
}

function heads(out: string): string[] {
  return [...out.matchAll(/audit head: event (\d+), sha256 ([0-9a-f]{64})/g)].map((m) => `${m[1]}:${m[2]}`);
}

describe('several CLIs on one workspace', () => {
  it('six `gameday inject` started together on a fresh workspace, three times: all exit 0, nothing blamed on a node, one valid chain', async () => {
    let clis = 0;
    for (let round = 0; round < 3; round++) {
      const ws = workspace();
      const procs = SIX.map((n) => inject(ws, n, ['-d', '4s']));
      const results = await Promise.all(procs.map((p) => p.done));
      clis += results.length;
      const summary = results.map((r, i) => `${SIX[i]}: exit ${r.code}${BAD_OUTPUT.test(r.out + r.err) ? ` !! ${(r.out + r.err).split('\n').filter((l) => BAD_OUTPUT.test(l)).join(' | ')}` : ''}`);
      console.log(`[six-inject round ${round}] ${summary.join('; ')}`);
      for (const r of results) {
        expect(r.code, `${r.out}\n${r.err}`).toBe(0);
        expect(`${r.out}\n${r.err}`).not.toMatch(BAD_OUTPUT);
      }
      const v = await verify(ws);
      expect(v.code, v.out + v.err).toBe(0);
      expect(v.out).toMatch(/✓ .*audit\.sqlite: \d+ events, hash chain intact/);
      // Every head a CLI printed is still in the chain, unchanged.
      const printed = results.flatMap((r) => heads(r.out));
      expect(printed).toHaveLength(6);
      for (const h of printed) expect((await verify(ws, ['--expect-head', h])).code).toBe(0);
      const runs = runsOf(ws);
      expect(runs).toHaveLength(6);
      for (const r of runs) expect(r.faults).toEqual(['reverted']);
      for (const r of runs) expect(await nodeTraces(lab, [r.node!], r.id)).toEqual([{ node: r.node, ...CLEAN }]);
      for (const n of SIX) expect(await firewall(n), n).toEqual([]);
    }
    console.log(`[six-inject] ${clis} concurrent CLIs, all clean, chain intact`);
  });

  it('two CLIs, the second started 4 s after the first: both exit 0 and `audit verify` passes', async () => {
    const ws = workspace();
    const first = inject(ws, 'node07', ['-d', '8s']);
    await sleep(4000);
    const second = inject(ws, 'node08', ['-d', '8s']);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.code, a.out + a.err).toBe(0);
    expect(b.code, b.out + b.err).toBe(0);
    const v = await verify(ws);
    console.log(`[two-4s-apart] ${v.out.split('\n')[0]}`);
    expect(v.code, v.out + v.err).toBe(0);
  });

  it('SIGINT to six CLIs at once: every one exits 2, every node clean from outside, one valid chain', async () => {
    const ws = workspace();
    const procs = SIX.map((n) => inject(ws, n, ['-d', '120s']));
    await waitUntil('six active faults', () => existsSync(join(ws, 'audit.sqlite')) && runsOf(ws).filter((r) => r.faults[0] === 'active').length === 6, 60_000, 200);
    for (const n of SIX) expect((await firewall(n)).length, n).toBeGreaterThan(0); // really in place
    for (const p of procs) p.child.kill('SIGINT');
    const results = await Promise.all(procs.map((p) => p.done));
    console.log(`[six-sigint] exits ${results.map((r) => r.code).join(',')}`);
    for (const r of results) {
      expect(r.code, `${r.out}\n${r.err}`).toBe(2);
      expect(`${r.out}\n${r.err}`).not.toMatch(BAD_OUTPUT);
    }
    for (const n of SIX) expect(await firewall(n), n).toEqual([]);
    for (const r of runsOf(ws)) {
      expect(r.faults).toEqual(['reverted']);
      expect(r.kinds).toEqual(expect.arrayContaining(['stop.requested', 'stop.completed', 'run.ended']));
    }
    const v = await verify(ws);
    expect(v.code, v.out + v.err).toBe(0);
  });
});

describe('STOP cannot die or hang on the audit', () => {
  it('SIGINT while another process holds the write lock for 16 s: the node is clean at once, the CLI exits 2 naming the journal, the next open replays it', async () => {
    const ws = workspace();
    const p = inject(ws, 'node07', ['-d', '120s', '--lease-ttl', '30s']);
    await waitUntil('the fault active', () => existsSync(join(ws, 'audit.sqlite')) && runsOf(ws)[0]?.faults[0] === 'active', 60_000, 200);
    expect((await firewall('node07')).length).toBeGreaterThan(0);
    // Another process takes the audit's write lock and sits on it.
    const locker = holdLock(join(ws, 'audit.sqlite'), 16_000);
    await locker.locked;
    const t0 = Date.now();
    p.child.kill('SIGINT');
    // From outside: the node's firewall is clean long before the 30 s lease could have done it.
    let cleanAfter = -1;
    while (Date.now() - t0 < 12_000) {
      if ((await firewall('node07')).length === 0) {
        cleanAfter = Date.now() - t0;
        break;
      }
      await sleep(200);
    }
    const r = await p.done;
    const exitedAfter = Date.now() - t0;
    const lockStillHeld = !locker.released();
    console.log(`[stop-under-lock] node clean after ${cleanAfter} ms; CLI exit ${r.code} after ${exitedAfter} ms; lock still held at exit: ${lockStillHeld}\n${r.err}`);
    expect(cleanAfter).toBeGreaterThanOrEqual(0);
    expect(r.code, r.out + r.err).toBe(2);
    expect(lockStillHeld).toBe(true); // it did not wait for the lock
    expect(r.err).toMatch(/AUDIT PROBLEM.*audit\.sqlite\.journal\.jsonl/);
    expect(`${r.out}\n${r.err}`).not.toMatch(/SqliteError|internal error|    at /);
    expect(existsSync(join(ws, 'audit.sqlite.journal.jsonl'))).toBe(true);
    await locker.done;
    // The next open (here `audit verify`) replays the journal into the chain and says so.
    const v = await verify(ws);
    expect(v.code, v.out + v.err).toBe(0);
    expect(v.err).toMatch(/replayed \d+ record\(s\) that a STOP could not write/);
    expect(existsSync(join(ws, 'audit.sqlite.journal.jsonl'))).toBe(false);
    const [run] = runsOf(ws);
    expect(run!.faults).toEqual(['reverted']);
    expect(run!.kinds).toEqual(expect.arrayContaining(['stop.requested', 'fault.reverting', 'fault.reverted', 'stop.completed', 'run.ended']));
    const a = openAudit(ws);
    try {
      const [replayed] = a.events({ kind: 'audit.journal-replayed' });
      expect(JSON.parse(replayed!.data)).toMatchObject({ rejected: [], skipped: [] });
      // STOP's records came through the journal (each says so, with why), up to the run's end.
      for (const kind of ['stop.requested', 'fault.reverted', 'stop.completed', 'run.ended']) {
        expect(JSON.parse(a.events({ runId: run!.id, kind })[0]!.data), kind).toMatchObject({ journal: { why: expect.stringMatching(/locked|journal/) } });
      }
      // The replayed rows keep the time they happened (during STOP), not the time of the replay.
      const reverted = a.events({ runId: run!.id, kind: 'fault.reverted' })[0]!;
      expect(Date.parse(reverted.ts)).toBeLessThan(t0 + 5000);
    } finally {
      a.close();
    }
    expect(await nodeTraces(lab, ['node07'], run!.id)).toEqual([{ node: 'node07', ...CLEAN }]);
  });

  it('`gameday run` STOPped while the audit is locked: node clean, exit 2, --json names the problem, the journal is replayed later', async () => {
    const ws = workspace();
    const p = startCli(lab, ws, ['run', join(FIXTURES, 'engine-hold.yaml'), '--json']);
    await waitUntil('the fault active', () => existsSync(join(ws, 'audit.sqlite')) && runsOf(ws)[0]?.faults[0] === 'active', 60_000, 200);
    expect((await firewall('node05')).length).toBeGreaterThan(0);
    const locker = holdLock(join(ws, 'audit.sqlite'), 16_000);
    await locker.locked;
    const t0 = Date.now();
    p.child.kill('SIGINT');
    const r = await p.done;
    console.log(`[run-under-lock] exit ${r.code} after ${Date.now() - t0} ms; lock still held: ${!locker.released()}`);
    expect(await firewall('node05')).toEqual([]);
    expect(r.code, r.err).toBe(2);
    expect(locker.released()).toBe(false);
    const j = parseRunJson(r) as ReturnType<typeof parseRunJson> & { audit: { head?: unknown; problem?: string } };
    expect(j.stop).toMatchObject({ clean: true, auditProblem: expect.stringMatching(/journal\.jsonl/) });
    expect(j.audit.problem).toMatch(/could not be written .*journal\.jsonl/);
    await locker.done;
    const v = await verify(ws);
    expect(v.code, v.out + v.err).toBe(0);
    expect(v.err).toMatch(/replayed \d+ record\(s\)/);
    const [run] = runsOf(ws);
    expect(run!.faults).toEqual(['reverted']);
    expect(run!.kinds).toEqual(expect.arrayContaining(['stop.requested', 'stop.completed', 'run.ended']));
  });

  it('a second SIGINT while STOP hangs on a dead link exits at once; the node reverts by its own lease', async () => {
    const TTL = 9;
    const ws = workspace();
    const p = inject(ws, 'node08', ['-d', '120s', '--lease-ttl', `${TTL}s`]);
    await waitUntil('the fault active', () => existsSync(join(ws, 'audit.sqlite')) && runsOf(ws)[0]?.faults[0] === 'active', 60_000, 200);
    const runId = runsOf(ws)[0]!.id;
    await labBlackhole(lab, 'node08', true);
    try {
      const t1 = Date.now();
      p.child.kill('SIGINT');
      await sleep(2000);
      expect(p.child.exitCode, 'STOP should still be waiting on the dead link').toBeNull();
      const t2 = Date.now();
      p.child.kill('SIGINT');
      const r = await p.done;
      const exitMs = Date.now() - t2;
      console.log(`[second-sigint] exit ${r.code} ${exitMs} ms after the second SIGINT\n${r.err}`);
      expect(r.code).toBe(2);
      expect(exitMs).toBeLessThan(5000); // at once, not after the revert's SSH timeout
      expect(r.err).toMatch(/STOP abandoned.*\n\s+node08\s+port-block .*lease expires at /);
      // From outside: the node's own lease reverts it, within one TTL of STOP (renewals disarmed then) + slack.
      let goneAt = -1;
      while (Date.now() - t1 < (TTL + 15) * 1000) {
        if ((await firewall('node08')).length === 0) {
          goneAt = Date.now() - t1;
          break;
        }
        await sleep(300);
      }
      console.log(`[second-sigint] node08 reverted by its lease ${goneAt} ms after the first SIGINT (TTL ${TTL} s)`);
      expect(goneAt).toBeGreaterThanOrEqual(0);
    } finally {
      await labBlackhole(lab, 'node08', false);
    }
    expect(await nodeTraces(lab, ['node08'], runId)).toEqual([{ node: 'node08', ...CLEAN }]);
  });
});
