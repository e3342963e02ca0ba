/**
 * `gameday cleanup` (the built CLI, run as a child process) after a console died with SIGKILL:
 *  - plain `cleanup` reverts what the workspace audit says may still be in effect;
 *  - `cleanup --scan` finds and removes traces the audit does not know (a run recorded elsewhere):
 *    chains, qdiscs, stress processes, leases, watchdogs.
 * Every result is verified from outside (host probes, /proc, the node's iptables/tc).
 *
 * Scans are scoped with --run: the lab's nodes share /run and /proc with the host (and with other
 * test runs on it), so a whole-node sweep on a lab node would remove other runs' faults too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditStore } from '../../src-main/audit/index.js';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { startConsole, type RunningConsole } from './helpers/child-console.js';
import { labNodeByName, testRunId, waitFor } from './helpers/fleet.js';
import { faultGroup, inNs, residue, tcpFromHost, watchdogs } from './helpers/observe.js';

let lab: LabInfo;
const ip = (n: string) => labNodeByName(lab, n).ip;
const CLI = join(process.cwd(), 'resources', 'bin', 'gameday.mjs');
/** Long enough that no lease expiry can do cleanup's job while the test runs. */
const LONG_TTL = 120;
const consoles: RunningConsole[] = [];
const dirs: string[] = [];

function gameday(args: string[], workspace: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, GAMEDAY_INVENTORY: lab.inventoryPath, GAMEDAY_WORKSPACE: workspace, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (out += d.toString()));
    c.on('close', (code) => resolve({ code, out }));
  });
}

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

beforeAll(() => {
  lab = getTestLab();
});

afterAll(async () => {
  for (const c of consoles) await c.kill9();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('gameday cleanup (from the audit)', () => {
  const runId = testRunId('itcln');
  afterAll(() => rmSync(`/run/gameday/${runId}`, { recursive: true, force: true }));

  it('reverts the faults a killed console recorded, and a second run finds nothing to do', async () => {
    const ws = tempDir('gd-it-ws-');
    const auditPath = join(ws, 'audit.sqlite');
    const con = await startConsole({ labJson: `${lab.dir}/lab.json`, runId, auditPath, injects: [{ kind: 'port-block', params: { port: 8080 }, selector: 'node07,node08' }], leaseTtlSec: LONG_TTL, maxDurationSec: 600 });
    consoles.push(con);
    expect(con.outcomes.every((o) => o.ok)).toBe(true);
    await con.kill9();
    for (const n of ['node07', 'node08']) expect(await tcpFromHost(ip(n), 8080), n).toBe('refused');

    // Seconds after the kill the leases are as fresh as a live console's: left alone, exit 1.
    const held = await gameday(['cleanup', 'node07,node08'], ws);
    expect(held.code, held.out).toBe(1);
    expect(held.out.match(/left alone .*: live, run /g)).toHaveLength(2);
    for (const n of ['node07', 'node08']) expect(await tcpFromHost(ip(n), 8080), n).toBe('refused');

    // The operator knows that console is dead: forced, with a second person's approval.
    const r = await gameday(['cleanup', 'node07,node08', '--force-live', '--approver', 'second-person'], ws);
    console.log(`[cleanup] ${r.out.trim()}`);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/2 fault\(s\) recorded as possibly still in effect/);
    expect(r.out.match(/reverted ✓/g)).toHaveLength(2);
    for (const n of ['node07', 'node08']) {
      expect(await tcpFromHost(ip(n), 8080), n).toBe('ok');
      expect(await residue(lab, n, runId), n).toEqual([]);
    }
    expect(watchdogs(runId)).toEqual([]);
    const audit = AuditStore.open(auditPath);
    try {
      expect(audit.runFaults(runId).map((f) => f.state)).toEqual(['reverted', 'reverted']);
    } finally {
      audit.close();
    }
    const again = await gameday(['cleanup', 'node07,node08'], ws);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/^0 fault\(s\) recorded/m);
  });
});

describe('gameday cleanup --scan (no audit record)', () => {
  const runId = testRunId('itscan');
  afterAll(() => rmSync(`/run/gameday/${runId}`, { recursive: true, force: true }));

  it('finds every trace with --dry-run (changing nothing), then removes them all', async () => {
    const ws = tempDir('gd-it-ws-');
    // The console's audit lives elsewhere: the workspace the CLI reads knows nothing of this run.
    const con = await startConsole({
      labJson: `${lab.dir}/lab.json`, runId, auditPath: join(tempDir('gd-it-other-'), 'audit.sqlite'), leaseTtlSec: LONG_TTL, maxDurationSec: 600,
      injects: [
        { kind: 'port-block', params: { port: 8080 }, selector: 'node08' },
        { kind: 'cpu-stress', params: { workers: 1, loadPercent: 10 }, selector: 'node08' },
        { kind: 'network-bandwidth', params: { iface: 'eth0', rateKbit: 2000 }, selector: 'node08' },
      ],
    });
    consoles.push(con);
    expect(con.outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    await con.kill9();
    const stress = con.outcomes[1]!.faultId;
    expect(faultGroup(runId, stress).length).toBeGreaterThan(0);

    // Leases renewed seconds ago look live: the known-dead console's run is forced (approved).
    const force = ['--force-live', '--approver', 'second-person'];
    const dry = await gameday(['cleanup', 'node08', '--scan', '--dry-run', '--run', runId, ...force], ws);
    console.log(`[cleanup --scan --dry-run] ${dry.out.trim()}`);
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toMatch(/^0 fault\(s\) recorded/m);
    for (const kind of ['watchdog', 'pending-revert', 'lease', 'iptables-hook', 'iptables-chain', 'process', 'tc-root']) expect(dry.out, kind).toMatch(new RegExp(`found .*kind=${kind}\\b`));
    // A dry run changed nothing.
    expect(await tcpFromHost(ip('node08'), 8080)).toBe('refused');
    expect(watchdogs(runId)).toHaveLength(3);

    const real = await gameday(['cleanup', 'node08', '--scan', '--run', runId, ...force], ws);
    console.log(`[cleanup --scan] ${real.out.trim()}`);
    expect(real.code, real.out).toBe(0);
    expect(real.out).not.toMatch(/FAILED|still there/);
    expect(real.out).toMatch(/verified clean/);
    expect(await tcpFromHost(ip('node08'), 8080)).toBe('ok');
    expect(await waitFor(() => faultGroup(runId, stress).length === 0, 5000)).not.toBeNull();
    expect(await inNs(lab, 'node08', 'tc', ['qdisc', 'show', 'dev', 'eth0', 'root'])).not.toMatch(/htb/);
    expect(watchdogs(runId)).toEqual([]);
    expect(await residue(lab, 'node08', runId)).toEqual([]);

    const after = await gameday(['cleanup', 'node08', '--scan', '--dry-run', '--run', runId], ws);
    expect(after.out).toMatch(/node08\s+no traces/);
  });
});
