/**
 * STOP's per-node batch on the real lab: several faults on several nodes are reverted with ONE exec
 * per node, and every node is then clean as the node itself shows it (iptables -S and tc from the
 * node's namespace, /proc for tagged processes and watchdogs, a TCP connect from the host). A
 * revert the node refuses (the chain is held by a rule the fault does not own, so the atomic
 * iptables-restore transaction fails as a whole) is reported as residue, naming what is left —
 * and what is named is what `iptables -S` on the node shows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import '../../src-main/faults/index.js';
import { cleanupAll } from '../../src-main/faults/cleanup.js';
import type { ExecOptions, ConnectSpec } from '../../src-main/ssh/index.js';
import type { Shell } from '../../src-main/shell/index.js';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { labNodeByName, labTarget, labTargets, openFleet, type Fleet } from './helpers/fleet.js';
import { APPROVER } from './helpers/inject.js';
import { inNs, residue, tcpFromHost } from './helpers/observe.js';

let lab: LabInfo;
beforeAll(() => {
  lab = getTestLab();
});

/** Counts the execs each node receives while `fn` runs (the pool is the only way to a node). */
async function countExecs<T>(fleet: Fleet, fn: () => Promise<T>): Promise<{ result: T; execs: Record<string, number> }> {
  const execs: Record<string, number> = {};
  const pool = fleet.pool;
  const orig = pool.exec.bind(pool);
  pool.exec = (spec: ConnectSpec, cmd: Shell, opts?: ExecOptions) => {
    execs[spec.name] = (execs[spec.name] ?? 0) + 1;
    return orig(spec, cmd, opts);
  };
  try {
    return { result: await fn(), execs };
  } finally {
    pool.exec = orig;
  }
}

async function sweep(fleet: Fleet, nodes: string[]): Promise<void> {
  for (const n of nodes) await fleet.pool.exec(labTarget(lab, n).spec, cleanupAll(fleet.runId, { forceLive: true }), { timeoutMs: 60_000 });
}

describe('STOP: one exec per node', () => {
  const NODES = ['node01', 'node02', 'node03'];

  it('reverts port-block, network-loss, partition and cpu-stress on three nodes with one exec each; every node is clean from outside', async () => {
    const fleet = openFleet(lab, { prefix: 'itbatch', leaseTtlSec: 30 });
    try {
      const targets = labTargets(lab, NODES.join(','));
      const peer = labNodeByName(lab, 'node08').ip;
      for (const [kind, params] of [
        ['port-block', { port: 8080 }],
        ['network-loss', { percent: 30, direction: 'both' }],
        ['network-partition', { peers: [peer] }],
        ['cpu-stress', { workers: 1, loadPercent: 10 }],
      ] as const) {
        const out = await fleet.faults.inject({ kind, params, targets, maxDurationSec: 120, approver: APPROVER });
        expect(out.map((o) => `${o.node}:${o.state}`), kind).toEqual(NODES.map((n) => `${n}:active`));
      }
      // The faults are really there before STOP (so "clean" afterwards means something).
      for (const n of NODES) expect((await residue(lab, n, fleet.runId)).length, n).toBeGreaterThanOrEqual(4);
      expect(await tcpFromHost(labNodeByName(lab, 'node01').ip, 8080)).not.toBe('ok');

      const { result: report, execs } = await countExecs(fleet, () => fleet.stopper.stop('batched stop', 'it'));
      console.log(`[stop-batch] ${report.durationMs.toFixed(0)} ms, execs per node ${JSON.stringify(execs)}, ${report.nodes.map((n) => `${n.node}=${n.status}`).join(' ')}`);
      expect(execs).toEqual(Object.fromEntries(NODES.map((n) => [n, 1])));
      expect(report.clean).toBe(true);
      expect(report.nodes.map((n) => n.status)).toEqual(NODES.map(() => 'reverted'));
      for (const n of NODES) {
        expect(await residue(lab, n, fleet.runId), n).toEqual([]);
        expect(await tcpFromHost(labNodeByName(lab, n).ip, 8080), n).toBe('ok');
      }
      expect([...fleet.faults.faults.values()].every((f) => f.state === 'reverted')).toBe(true);
    } finally {
      await sweep(fleet, NODES);
      await fleet.close();
    }
  });

  it('names the residue when the node refuses the revert, and the node shows exactly that', async () => {
    const fleet = openFleet(lab, { prefix: 'itbres', leaseTtlSec: 30 });
    const node = 'node04';
    try {
      const out = await fleet.faults.inject({ kind: 'port-block', params: { port: 8080 }, targets: labTargets(lab, node), maxDurationSec: 120 });
      const stress = await fleet.faults.inject({ kind: 'cpu-stress', params: { workers: 1, loadPercent: 10 }, targets: labTargets(lab, node), maxDurationSec: 120 });
      expect([...out, ...stress].every((o) => o.ok)).toBe(true);
      const chain = `GD-${out[0]!.faultId}`;
      // A rule the fault does not own jumps to its chain: the chain cannot be deleted, so the whole
      // transaction (hook delete, flush, delete) is refused and the node keeps the fault.
      await inNs(lab, node, 'iptables', ['-w', '5', '-N', 'GDTEST-HOLD']);
      await inNs(lab, node, 'iptables', ['-w', '5', '-A', 'GDTEST-HOLD', '-j', chain]);
      try {
        const report = await fleet.stopper.stop('stop with a held chain', 'it');
        const n = report.nodes.find((x) => x.node === node);
        const pb = n?.faults.find((f) => f.kind === 'port-block');
        const cs = n?.faults.find((f) => f.kind === 'cpu-stress');
        console.log(`[stop-batch residue] ${JSON.stringify(n)}`);
        expect(report.clean).toBe(false);
        expect(n?.status).toBe('residue');
        expect(pb?.state).toBe('residue');
        expect(pb?.detail).toMatch(/left on the node: chain/);
        // The other fault of the same exec is still reverted and verified.
        expect(cs?.state).toBe('reverted');
        // The refused transaction is followed by the hooks alone: the fault is off (the port answers),
        // the emptied chain is what is left, as named.
        const ipt = await inNs(lab, node, 'iptables', ['-w', '5', '-S']);
        expect(ipt).toContain(`-N ${chain}`);
        expect(ipt).not.toMatch(new RegExp(`-A INPUT .*-j ${chain}`));
        expect(ipt).not.toMatch(new RegExp(`-A ${chain} `));
        expect(await tcpFromHost(labNodeByName(lab, node).ip, 8080)).toBe('ok');
        expect((await residue(lab, node, fleet.runId)).filter((l) => !l.startsWith('iptables'))).toEqual([]);
      } finally {
        await inNs(lab, node, 'iptables', ['-w', '5', '-F', 'GDTEST-HOLD']);
        await inNs(lab, node, 'iptables', ['-w', '5', '-X', 'GDTEST-HOLD']);
        // The sweep below finds chains through their tagged hooks; this one has none left.
        await inNs(lab, node, 'iptables', ['-w', '5', '-X', chain]);
      }
    } finally {
      await sweep(fleet, [node]);
      expect(await residue(lab, node, fleet.runId)).toEqual([]);
      await fleet.close();
    }
  });
});
