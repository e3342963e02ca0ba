/**
 * The one STOP on the real lab: pressed while injects are still in flight it must leave nothing
 * behind; with one node unreachable it reports that node as unreachable with its lease expiry and
 * reverts the others — all checked from outside (host probes, /proc, each node's iptables/tc, and
 * the node-side trace scan).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cleanupAll, scanTraces } from '../../src-main/faults/cleanup.js';
import type { StopReport } from '../../src-main/engine/stop-controller.js';
import type { InjectOutcome } from '../../src-main/engine/fault-manager.js';
import { Shell } from '../../src-main/shell/index.js';
import { parseTraces } from '../../src-main/faults/status.js';
import { getTestLab } from '../lab/fixture.js';
import { labBlackhole } from '../lab/lab-blackhole.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { labNodeByName, labTarget, labTargets, openFleet, sleep, waitFor, type Fleet } from './helpers/fleet.js';
import { APPROVER } from './helpers/inject.js';
import { residue, tcpFromHost, tcpOnceFromNode } from './helpers/observe.js';

let lab: LabInfo;
const ip = (n: string) => labNodeByName(lab, n).ip;

beforeAll(() => {
  lab = getTestLab();
});

/** Node-side trace scan for one run, minus the run's log directory (which a clean revert keeps). */
async function traces(fleet: Fleet, node: string): Promise<string[]> {
  const r = await fleet.pool.exec(labTarget(lab, node).spec, scanTraces(fleet.runId), { timeoutMs: 60_000 });
  return parseTraces(r.stdout)
    .filter((t) => t.fields.kind !== 'run-dir')
    .map((t) => Object.entries(t.fields).map(([k, v]) => `${k}=${v}`).join(' '));
}

describe('STOP while injects are in flight', () => {
  const NODES = ['node01', 'node02', 'node03', 'node04'];
  /**
   * Delays between starting the injects and pressing STOP: before anything is sent, while SSH
   * channels open, mid-script (watchdog arming, chains, stress-ng settling; on this lab the inject
   * scripts run at about 100-250 ms, where STOP and inject overlap most), and after completion.
   */
  const DELAYS_MS = [0, 60, 130, 150, 170, 190, 230, 600];

  it.each(DELAYS_MS)('STOP %i ms after inject: nothing left, nothing reported active', async (delay) => {
    // TTL 30 s: long enough that no lease expiry can clean up behind STOP before we look.
    const fleet = openFleet(lab, { prefix: 'itstop', leaseTtlSec: 30 });
    let dirty = true;
    try {
      const targets = labTargets(lab, NODES.join(','));
      const injects = Promise.allSettled([
        fleet.faults.inject({ kind: 'port-block', params: { port: 8080 }, targets, maxDurationSec: 120 }, fleet.stopper.signal),
        fleet.faults.inject({ kind: 'cpu-stress', params: { workers: 1, loadPercent: 20 }, targets, maxDurationSec: 120 }, fleet.stopper.signal),
      ]);
      if (delay > 0) await sleep(delay);
      const report = await fleet.stopper.stop('stop in flight', 'it');
      const settled = await injects;
      // A remote inject whose kill was missed would finish after STOP: give it time to show up.
      await sleep(1000);
      const states = [...fleet.faults.faults.values()].map((f) => `${f.target.name}/${f.kind}=${f.state}`);
      const left: Record<string, string[]> = {};
      for (const n of NODES) {
        const found = await residue(lab, n, fleet.runId);
        if ((await tcpFromHost(ip(n), 8080)) !== 'ok') found.push(':8080 not reachable');
        if (found.length) left[n] = found;
      }
      // The node-side scan (leases, pending reverts, tagged processes): the nodes share /run and
      // /proc, so one node's scan covers the run's files and processes on all of them.
      const scan = await traces(fleet, NODES[0]!);
      if (scan.length) left.scan = scan;
      console.log(`[stop-in-flight ${delay} ms] report clean=${report.clean} in ${report.durationMs.toFixed(0)} ms; injects ${settled.map((x) => x.status).join(',')}; ${states.join(' ')}; left: ${JSON.stringify(left)}`);
      expect({ left, active: states.filter((x) => /=(active|residue)$/.test(x)) }).toEqual({ left: {}, active: [] });
      expect(report.clean).toBe(true);
      dirty = false;
    } finally {
      // Whatever a failure left: sweep the run from each node, one node at a time (the lab's nodes
      // share /run, so concurrent sweeps would race on the run directory).
      if (dirty) for (const n of NODES) await fleet.pool.exec(labTarget(lab, n).spec, cleanupAll(fleet.runId, { forceLive: true }), { timeoutMs: 60_000 });
      await fleet.close();
    }
  });
});

describe('STOP pressed before the node opened the inject\'s SSH channel', () => {
  /**
   * Deterministic: the node's per-connection sshd process is frozen (SIGSTOP from the host), so the
   * inject's channel-open request is pending when STOP is pressed; then the node is thawed. One
   * session per node, so STOP's revert queues behind the inject and cannot disturb it. An inject
   * that STOP cancelled before its command was even sent must not run: it must not come back
   * active, and nothing may be left on the node.
   */
  it('the cancelled inject does not take effect', async () => {
    const fleet = openFleet(lab, { prefix: 'itstop', leaseTtlSec: 30, pool: { maxSessionsPerNode: 1 } });
    try {
      const spec = labTarget(lab, 'node04').spec;
      // In a command, $PPID is coreutils' timeout (the pool's wrapper); its parent is the sshd
      // process serving this connection.
      const r = await fleet.pool.exec(spec, Shell.raw('sed -n "s/^PPid:[[:space:]]*//p" /proc/$PPID/status'));
      const sshd = Number(r.stdout.trim());
      expect(readFileSync(`/proc/${sshd}/comm`, 'utf8')).toMatch(/^sshd/);
      let report: Promise<StopReport>;
      let inject: Promise<InjectOutcome[]>;
      process.kill(sshd, 'SIGSTOP');
      try {
        inject = fleet.faults.inject({ kind: 'port-block', params: { port: 8080 }, targets: labTargets(lab, 'node04'), maxDurationSec: 120 }, fleet.stopper.signal);
        await sleep(300);
        report = fleet.stopper.stop('stop before the channel opened', 'it');
        await sleep(100);
      } finally {
        process.kill(sshd, 'SIGCONT');
      }
      const rep = await report;
      const [outcome] = await inject;
      await sleep(1000);
      const states = [...fleet.faults.faults.values()].map((f) => f.state);
      const left = await residue(lab, 'node04', fleet.runId);
      const port = await tcpFromHost(ip('node04'), 8080);
      console.log(`[stop-before-channel] inject ${JSON.stringify(outcome)}; report clean=${rep.clean}; states ${states.join(',')}; :8080 ${port}; residue ${left.length}`);
      expect({ left, port }).toEqual({ left: [], port: 'ok' });
      expect(outcome?.ok, 'the inject ran although STOP had cancelled it before it was sent').toBe(false);
    } finally {
      await Promise.all(fleet.faults.live().map((f) => fleet.faults.revertOne(f)));
      await fleet.close();
    }
  });
});

describe('STOP with one node unreachable', () => {
  const NODES = ['node05', 'node06', 'node07'];
  const TTL = 6;
  let fleet: Fleet;
  beforeAll(() => {
    fleet = openFleet(lab, { prefix: 'itunr', leaseTtlSec: TTL });
  });
  afterAll(async () => {
    await labBlackhole(lab, 'node06', false);
    await fleet.close();
  });

  it('reports it unreachable with its lease expiry, reverts the others, and the node reverts by itself', async () => {
    // Keepalive 1 s x 3 and a 3 s connect timeout: the dead link is given up on in seconds, not the
    // inventory defaults' 15 s + 10 s, to keep the test short. The behaviour is the same.
    const targets = labTargets(lab, NODES.join(','), { keepaliveIntervalMs: 1000, keepaliveCountMax: 3, connectTimeoutMs: 3000 });
    const out = await fleet.faults.inject({ kind: 'port-block', params: { port: 8080 }, targets, maxDurationSec: 120, approver: APPROVER });
    expect(out.every((o) => o.ok)).toBe(true);
    await labBlackhole(lab, 'node06', true);
    const cutAt = Date.now();
    const report = await fleet.stopper.stop('stop with a dead link', 'it');
    const byNode = Object.fromEntries(report.nodes.map((n) => [n.node, n]));
    console.log(`[stop-unreachable] STOP took ${report.durationMs.toFixed(0)} ms: ${report.nodes.map((n) => `${n.node}=${n.status}${n.leaseExpiresAt ? ` (lease until ${n.leaseExpiresAt})` : ''}`).join(', ')}`);
    expect(report.clean).toBe(false);
    expect(byNode.node05?.status).toBe('reverted');
    expect(byNode.node07?.status).toBe('reverted');
    expect(byNode.node06?.status).toBe('unreachable');
    expect(byNode.node05?.leaseExpiresAt).toBeUndefined();
    // The lease was last renewed before the cut (renewals every TTL/3): it expires within one TTL
    // of the cut, and no earlier than TTL - TTL/3 (minus 1.5 s for a slow renewal) after it.
    const expires = Date.parse(byNode.node06?.leaseExpiresAt ?? 'none');
    expect(Number.isFinite(expires)).toBe(true);
    expect(expires).toBeLessThanOrEqual(cutAt + TTL * 1000 + 1000);
    expect(expires).toBeGreaterThan(cutAt + (TTL * 2000) / 3 - 1500);

    expect(await tcpFromHost(ip('node05'), 8080)).toBe('ok');
    expect(await tcpFromHost(ip('node07'), 8080)).toBe('ok');
    // The unreachable node keeps its fault until the lease runs out, then reverts by itself:
    // watched from node07, since the host's link to node06 is cut. 10 s slack after the expiry.
    const back = await waitFor(async () => (await tcpOnceFromNode(lab, 'node07', ip('node06'), 8080, 800)) === 'ok', Math.max(0, expires - Date.now()) + 10_000, 300);
    expect(back).not.toBeNull();
    await labBlackhole(lab, 'node06', false);
    for (const n of NODES) expect(await residue(lab, n, fleet.runId), n).toEqual([]);
  });
});
