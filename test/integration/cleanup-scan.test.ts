/**
 * `gameday cleanup NODE --scan` as a whole-node sweep (no --run), by the built CLI as a child
 * process, on a node of its own (helpers/iso-node.ts: own network, pid and mount namespaces; the
 * CLI logs in as gdlab and works through `sudo -n`). Every effect is read from inside the node
 * with its own tools (iptables -S, ip6tables, nft, tc, ps, ls), never from the CLI's report alone.
 *  - the sweep never matches itself (it used to kill its own `timeout … sudo -n -- sh -c` wrapper
 *    as a "stray watchdog", exit 0, and leave the hook and chain);
 *  - another console's live run is left alone (its watchdog still running) unless --force-live
 *    with --approver, which is audited;
 *  - a sweep step that fails makes the exit 1 and is named;
 *  - every trace kind is swept, then verified by a second pass.
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
import { sleep, testRunId, waitFor } from './helpers/fleet.js';
import { startIsoNode, type IsoNode } from './helpers/iso-node.js';

const CLI = join(process.cwd(), 'resources', 'bin', 'gameday.mjs');
let lab: LabInfo;
let node: IsoNode;
const consoles: RunningConsole[] = [];
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

function gameday(args: string[], workspace: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, GAMEDAY_INVENTORY: node.inventoryPath, GAMEDAY_WORKSPACE: workspace, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (out += d.toString()));
    c.on('close', (code) => resolve({ code, out }));
  });
}

/** The node's processes as its own `ps` shows them: "pid args" lines. */
const ps = () => node.sh('ps -eo pid=,args=');
/**
 * Running watchdogs of a run, as `pid args` lines: `sh <base>/<run>/lease-watchdog.sh …` (not a
 * shell whose -c text names one). The watchdog's `$(now)` and `$(mtime …)` fork a subshell
 * each second that ps shows with the same args for a moment: a process whose parent is itself a
 * watchdog of the run is one of those, not another watchdog.
 */
const watchdogsOf = async (runId: string) => {
  const mine = (await node.sh('ps -eo pid=,ppid=,args='))
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && new RegExp(`^\\S*sh /\\S+/gameday/${runId}/lease-watchdog\\.sh `).test(m[3]!));
  const pids = new Set(mine.map((m) => m[1]));
  return mine.filter((m) => !pids.has(m[2])).map((m) => `${m[1]} ${m[3]}`);
};
/** Every packet-filter and nftables line of ours in the node. */
const filters = async () =>
  (await node.sh('iptables -w 5 -S; ip6tables -w 5 -S; iptables-legacy -S 2>/dev/null; nft list tables'))
    .split('\n')
    .filter((l) => /GD-|gameday/.test(l));

beforeAll(async () => {
  lab = getTestLab();
  node = await startIsoNode(lab);
});

afterAll(async () => {
  for (const c of consoles) await c.kill9();
  await node?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('whole-node sweep', () => {
  it('never matches itself: the leftover hook and chain are removed and verified, nothing else is killed', async () => {
    const ws = tempDir('gd-it-ws-');
    await node.sh(`set -e
iptables -w 5 -N GD-network-lo-abcdef1
iptables -w 5 -A GD-network-lo-abcdef1 -p tcp --dport 8080 -j DROP
iptables -w 5 -A INPUT -m comment --comment "gameday:adhoc-20261203-090000-x1:network-lo-abcdef1" -j GD-network-lo-abcdef1`);
    expect(await filters()).toHaveLength(3);

    const dry = await gameday(['cleanup', node.name, '--scan', '--dry-run'], ws);
    console.log(`[scan --dry-run] ${dry.out.trim()}`);
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toMatch(/found kind=iptables-hook .*hook=INPUT tag=gameday:adhoc-20261203-090000-x1:network-lo-abcdef1 chain=GD-network-lo-abcdef1/);
    expect(dry.out).toMatch(/found kind=iptables-chain .*chain=GD-network-lo-abcdef1/);
    expect(dry.out).not.toMatch(/kind=watchdog/);
    expect(await filters()).toHaveLength(3);

    const real = await gameday(['cleanup', node.name, '--scan'], ws);
    console.log(`[scan] ${real.out.trim()}`);
    // From inside the node first: no hook, no chain.
    expect(await filters()).toEqual([]);
    expect(real.out).not.toMatch(/kind=watchdog/);
    expect(real.out).toMatch(/removed kind=iptables-hook/);
    expect(real.out).toMatch(/removed kind=iptables-chain/);
    expect(real.out).toMatch(/verified clean \(2 trace\(s\) removed, none left\)/);
    expect(real.code, real.out).toBe(0);
  });

  it('leaves another console\'s live run alone (watchdog alive), refuses --force-live without an approver, removes it with one (audited)', async () => {
    const ws = tempDir('gd-it-ws-');
    const runId = testRunId('itlive');
    // Another console, recording in the same workspace, renewing its lease every 5 s (TTL 15 s).
    const con = await startConsole({ labJson: `${lab.dir}/lab.json`, inventoryPath: node.inventoryPath, runId, auditPath: join(ws, 'audit.sqlite'), leaseTtlSec: 15, maxDurationSec: 300, injects: [{ kind: 'port-block', params: { port: 8080, mode: 'reject' }, selector: node.name }] });
    consoles.push(con);
    expect(con.outcomes.map((o) => o.ok)).toEqual([true]);
    const fault = con.outcomes[0]!.faultId;
    const before = await watchdogsOf(runId);
    expect(before, await ps()).toHaveLength(1);
    const wdPid = before[0]!.trim().split(/\s+/)[0];
    const leaseFile = `/run/gameday/${runId}/${fault}.lease`;

    const left = await gameday(['cleanup', node.name, '--scan'], ws);
    console.log(`[scan, live run] ${left.out.trim()}`);
    expect(left.code, left.out).toBe(1);
    expect(left.out).toMatch(new RegExp(`left alone ${node.name}\\s+port-block \\(run ${runId}, fault ${fault}, was active\\): live, run ${runId}, renewed \\d+ s ago`));
    expect(left.out).toMatch(new RegExp(`live, run ${runId}, renewed \\d+ s ago \\(lease 15 s\\): left alone`));
    expect(left.out).not.toMatch(/removed kind=(watchdog|lease|iptables)/);
    // Seen from inside the node: the same watchdog still runs, the lease and the fault are still there.
    expect((await watchdogsOf(runId)).map((l) => l.trim().split(/\s+/)[0])).toEqual([wdPid]);
    expect(await node.sh(`test -f ${leaseFile} && echo lease`)).toBe('lease\n');
    expect((await filters()).join('\n')).toMatch(new RegExp(`gameday:${runId}:${fault}`));

    const refused = await gameday(['cleanup', node.name, '--scan', '--force-live'], ws);
    expect(refused.code, refused.out).toBe(3);
    expect(refused.out).toMatch(/--force-live .* needs a second person/);
    expect(refused.out).toMatch(/--approver NAME/);
    expect((await watchdogsOf(runId)).map((l) => l.trim().split(/\s+/)[0])).toEqual([wdPid]);

    const forced = await gameday(['cleanup', node.name, '--scan', '--force-live', '--approver', 'Dee Lee'], ws);
    console.log(`[scan --force-live] ${forced.out.trim()}`);
    expect(forced.code, forced.out).toBe(0);
    expect(forced.out).toMatch(/reverted ✓/);
    expect(forced.out).toMatch(/verified clean/);
    expect(await waitFor(async () => (await watchdogsOf(runId)).length === 0, 5000)).not.toBeNull();
    expect(await node.sh(`ls -A /run/gameday`)).toBe('');
    expect(await filters()).toEqual([]);
    const audit = AuditStore.open(join(ws, 'audit.sqlite'));
    try {
      const ev = audit.events({ kind: 'cleanup.force-live' });
      expect(ev).toHaveLength(1);
      expect(ev[0]!.actor).toBe('Dee Lee');
      expect(JSON.parse(ev[0]!.data)).toMatchObject({ approver: 'Dee Lee', nodes: [node.name], scan: true });
      expect(audit.events({ kind: 'cleanup.live-left' })).toHaveLength(1);
      expect(audit.runFaults(runId).map((f) => f.state)).toEqual(['reverted']);
    } finally {
      audit.close();
    }
    await con.kill9();
  });

  it('a sweep step that fails makes the exit 1 and names what is left', async () => {
    const ws = tempDir('gd-it-ws-');
    // Our chain, jumped to by a rule that is not ours (no gameday tag): it cannot be deleted.
    // And a crashed run whose recorded revert fails.
    await node.sh(`set -e
iptables -w 5 -N GD-stuck1
iptables -w 5 -A INPUT -p tcp --dport 9 -j GD-stuck1
mkdir -p /run/gameday/adhoc-dead-1
printf '#!/bin/sh\\necho cannot undo >&2\\nexit 1\\n' > /run/gameday/adhoc-dead-1/f-bad1.revert.sh`);
    const r = await gameday(['cleanup', node.name, '--scan'], ws);
    console.log(`[scan, failing steps] ${r.out.trim()}`);
    expect(await node.sh('iptables -w 5 -S GD-stuck1 >/dev/null 2>&1 && echo present')).toBe('present\n');
    expect(r.out).toMatch(/FAILED kind=iptables-chain .*chain=GD-stuck1/);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/still there kind=iptables-chain tool=iptables chain=GD-stuck1/);
    expect(r.out).toMatch(/FAILED kind=pending-revert run=adhoc-dead-1 fault=f-bad1/);
    expect(r.out).toMatch(/not clean: \d+ problem\(s\)/);

    // The operator fixes it by hand; the next sweep is clean.
    await node.sh('iptables -w 5 -D INPUT -p tcp --dport 9 -j GD-stuck1; rm -rf /run/gameday/adhoc-dead-1');
    const again = await gameday(['cleanup', node.name, '--scan'], ws);
    expect(again.code, again.out).toBe(0);
    expect(await filters()).toEqual([]);
  });

  it('sweeps every trace kind a dead console and its dead watchdogs left, then verifies none is left', async () => {
    const ws = tempDir('gd-it-ws-');
    const runId = testRunId('itall');
    const TTL = 8;
    const con = await startConsole({
      labJson: `${lab.dir}/lab.json`, inventoryPath: node.inventoryPath, runId, leaseTtlSec: TTL, maxDurationSec: 600,
      injects: [
        { kind: 'port-block', params: { port: 8080, mode: 'reject' }, selector: node.name },
        { kind: 'network-bandwidth', params: { iface: 'eth0', rateKbit: 2000 }, selector: node.name },
        { kind: 'cpu-stress', params: { workers: 1, loadPercent: 10 }, selector: node.name },
        { kind: 'disk-fill', params: { path: '/var/lib/gameday-lab/data', targetPercent: 50, keepFreeMb: 1, keepFreePercent: 0 }, selector: node.name },
      ],
    });
    consoles.push(con);
    expect(con.outcomes.map((o) => `${o.ok} ${o.message ?? ''}`)).toEqual(['true ', 'true ', 'true ', 'true ']);
    // The console dies, and so do its watchdogs (OOM killer, a careless pkill): nothing will revert.
    await con.kill9();
    await node.sh(`for p in $(ps -eo pid=,args= | awk '/lease-watchdog.sh/ && !/awk/ { print $1 }'); do kill -9 $p; done`);
    // Traces no fault of today makes but a sweep must find: IPv6 rules, the other iptables back-end,
    // an nftables table of ours; and a watchdog that lost its pid file, of another dead run.
    const other = testRunId('itstray');
    await node.sh(`set -e
ip6tables -w 5 -N GD-six1 && ip6tables -w 5 -A GD-six1 -p tcp --dport 8080 -j DROP
ip6tables -w 5 -A INPUT -m comment --comment "gameday:${runId}:six1" -j GD-six1
iptables-legacy -N GD-leg1 && iptables-legacy -A GD-leg1 -p tcp --dport 8081 -j DROP
iptables-legacy -A INPUT -m comment --comment "gameday:${runId}:leg1" -j GD-leg1
nft add table inet gameday-${runId}-nft1
d=/run/gameday/${other}; mkdir -p $d; cp /run/gameday/${runId}/lease-watchdog.sh $d/
printf '600\\n' > $d/f-stray1.lease; touch -d '-20 min' $d/f-stray1.lease; echo 'exit 0' > $d/f-stray1.revert.sh
setsid sh $d/lease-watchdog.sh $d/f-stray1.lease 600 $d/f-stray1.revert.sh 0 </dev/null >/dev/null 2>&1 &
sleep 1; rm -f $d/f-stray1.watchdog.pid`);
    expect(await watchdogsOf(other)).toHaveLength(1);
    // One TTL after the last renewal the leases are stale: a dead run, swept without --force-live.
    await sleep((TTL + 2) * 1000);

    const dry = await gameday(['cleanup', node.name, '--scan', '--dry-run'], ws);
    console.log(`[scan --dry-run, every kind] ${dry.out.trim()}`);
    const real = await gameday(['cleanup', node.name, '--scan'], ws);
    console.log(`[scan, every kind] ${real.out.trim()}`);

    // From inside the node, with its own tools.
    expect(await filters()).toEqual([]);
    expect(await node.sh('tc qdisc show dev eth0 root')).not.toMatch(/htb/);
    const procs = await ps();
    expect(procs).not.toMatch(/lease-watchdog|stress-ng/);
    expect(await node.sh('ls -A /run/gameday /var/lib/gameday-lab/data')).not.toMatch(/\S+\.lease|gameday-fill|itall|itstray/);

    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).not.toMatch(/live, run/);
    for (const kind of ['pending-revert', 'lease', 'run-dir', 'process', 'iptables-hook', 'iptables-chain', 'nft-table', 'tc-root', 'fill-file']) expect(dry.out, kind).toMatch(new RegExp(`found kind=${kind}\\b`));
    for (const tool of ['iptables', 'ip6tables', 'iptables-legacy']) expect(dry.out, tool).toMatch(new RegExp(`found kind=iptables-hook tool=${tool} `));
    expect(dry.out).toMatch(/found kind=watchdog pid=\d+ tag=stray/);
    expect(real.out).not.toMatch(/FAILED|still there/);
    expect(real.out).toMatch(/verified clean \(\d+ trace\(s\) removed, none left\)/);
    expect(real.code, real.out).toBe(0);
    const after = await gameday(['cleanup', node.name, '--scan', '--dry-run'], ws);
    expect(after.out).toMatch(new RegExp(`${node.name}\\s+no traces`));
  });
});
