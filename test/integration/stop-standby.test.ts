/**
 * STOP's standby shell on the real lab (ssh/standby.ts), seen from the host's /proc: an inject
 * leaves one idle shell per node (raised priority, bounded by `timeout`), STOP's script runs IN
 * that shell (the script prints its $$, compared with the pid seen from outside: no new session
 * was opened), a standby killed from outside only means STOP opens an exec as before, a script that
 * must not run raised lowers the priority first, and nothing of it stays once the pool is closed.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import '../../src-main/faults/index.js';
import { stopPrelude } from '../../src-main/faults/index.js';
import { cleanupAll } from '../../src-main/faults/cleanup.js';
import { Shell } from '../../src-main/shell/index.js';
import type { ConnectSpec, ExecOptions, ExecResult } from '../../src-main/ssh/index.js';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { labTarget, labTargets, openFleet, waitFor, type Fleet } from './helpers/fleet.js';
import { APPROVER } from './helpers/inject.js';
import { faultGroup, residue, standbyShells } from './helpers/observe.js';

let lab: LabInfo;
beforeAll(() => {
  lab = getTestLab();
});

const standbys = (node: string) => standbyShells(lab, node);

/** Runs `fn` and keeps every exec result the pool returned, by node. */
async function results<T>(fleet: Fleet, fn: () => Promise<T>): Promise<{ value: T; byNode: Record<string, ExecResult[]> }> {
  const byNode: Record<string, ExecResult[]> = {};
  const orig = fleet.pool.exec.bind(fleet.pool);
  fleet.pool.exec = async (spec: ConnectSpec, cmd: Shell, opts?: ExecOptions) => {
    const r = await orig(spec, cmd, opts);
    (byNode[spec.name] ??= []).push(r);
    return r;
  };
  try {
    return { value: await fn(), byNode };
  } finally {
    fleet.pool.exec = orig;
  }
}

const stopPid = (r: ExecResult | undefined): number => Number(/GAMEDAY stop=done .*pid=(\d+)/.exec(r?.stdout ?? '')?.[1]);

describe("STOP's standby shell", () => {
  const NODES = ['node04', 'node05'];

  it('an inject leaves one idle raised shell per node; STOP runs in it (its pid) and leaves the node clean', async () => {
    const fleet = openFleet(lab, { prefix: 'itstandby', leaseTtlSec: 30 });
    try {
      const targets = labTargets(lab, NODES.join(','));
      const out = await fleet.faults.inject({ kind: 'cpu-stress', params: { workers: 1, loadPercent: 10 }, targets, maxDurationSec: 120, approver: APPROVER });
      expect(out.map((o) => o.state)).toEqual(['active', 'active']);
      expect(await waitFor(() => NODES.every((n) => standbys(n).length === 1), 10_000)).not.toBeNull();
      const before = Object.fromEntries(NODES.map((n) => [n, standbys(n)[0]!]));
      // Root login: the idle shell already runs at the highest priority.
      for (const n of NODES) expect(before[n]!.nice, n).toBe(-20);
      // Its life is bounded like any exec's: its parent is `timeout`.
      for (const n of NODES) expect(readFileSync(`/proc/${before[n]!.pid}/status`, 'utf8')).toMatch(/PPid:\s*\d+/);
      const parents = NODES.map((n) => Number(/PPid:\s*(\d+)/.exec(readFileSync(`/proc/${before[n]!.pid}/status`, 'utf8'))![1]));
      for (const pp of parents) expect(readFileSync(`/proc/${pp}/comm`, 'utf8').trim()).toBe('timeout');
      for (const f of fleet.faults.live()) expect(faultGroup(fleet.runId, f.id).length, f.id).toBeGreaterThan(0);

      const { value: report, byNode } = await results(fleet, () => fleet.stopper.stop('standby stop', 'it'));
      expect(report.clean).toBe(true);
      for (const n of NODES) {
        const r = byNode[n]?.[0];
        expect(r?.via, n).toBe('standby');
        // The script's own $$ is the shell seen from outside before STOP: no new session, no new shell.
        expect(stopPid(r), n).toBe(before[n]!.pid);
        expect(await residue(lab, n, fleet.runId), n).toEqual([]);
        expect(standbys(n).filter((s) => s.pid === before[n]!.pid), n).toEqual([]);
      }
      for (const f of fleet.faults.faults.values()) expect(faultGroup(fleet.runId, f.id), f.id).toEqual([]);

    } finally {
      for (const n of NODES) await fleet.pool.exec(labTarget(lab, n).spec, cleanupAll(fleet.runId, { forceLive: true }), { timeoutMs: 60_000 });
      await fleet.close();
    }
    // Closing the pool ends every standby (its shell reads EOF).
    expect(await waitFor(() => NODES.every((n) => standbys(n).length === 0), 5_000)).not.toBeNull();
  });

  it('a standby killed from outside only means STOP opens an exec, as before', async () => {
    const fleet = openFleet(lab, { prefix: 'itstandby4', leaseTtlSec: 30 });
    try {
      const out = await fleet.faults.inject({ kind: 'cpu-stress', params: { workers: 1, loadPercent: 10 }, targets: labTargets(lab, 'node04'), maxDurationSec: 120, approver: APPROVER });
      expect(out[0]?.state).toBe('active');
      expect(await waitFor(() => standbys('node04').length === 1, 10_000)).not.toBeNull();
      const victim = standbys('node04')[0]!.pid;
      process.kill(victim, 'SIGKILL');
      expect(await waitFor(() => standbys('node04').length === 0, 5_000)).not.toBeNull();
      const { value: report, byNode } = await results(fleet, () => fleet.stopper.stop('standby gone', 'it'));
      expect(report.clean).toBe(true);
      const r = byNode.node04?.[0];
      expect(r?.via).toBeUndefined();
      expect(stopPid(r)).toBeGreaterThan(0);
      expect(stopPid(r)).not.toBe(victim);
      expect(await residue(lab, 'node04', fleet.runId)).toEqual([]);
      for (const f of fleet.faults.faults.values()) expect(faultGroup(fleet.runId, f.id), f.id).toEqual([]);
    } finally {
      await fleet.pool.exec(labTarget(lab, 'node04').spec, cleanupAll(fleet.runId, { forceLive: true }), { timeoutMs: 60_000 });
      await fleet.close();
    }
  });

  it('a STOP script that must not run raised (a generic revert may start a service) lowers the standby back to 0 first', async () => {
    const fleet = openFleet(lab, { prefix: 'itstandby2', leaseTtlSec: 30 });
    try {
      const spec = labTarget(lab, 'node06').spec;
      await fleet.pool.exec(spec, Shell.raw('true'), { standby: 'keep' });
      expect(await waitFor(() => standbys('node06').length === 1, 10_000)).not.toBeNull();
      const probe = (lean: boolean) => Shell.raw(`${stopPrelude(lean).text}\nps -o ni= -p $$`);
      const generic = await fleet.pool.exec(spec, probe(false), { standby: 'use' });
      expect(generic.via).toBe('standby');
      expect(generic.stdout.trim()).toBe('0');
      await fleet.pool.exec(spec, Shell.raw('true'), { standby: 'keep' });
      expect(await waitFor(() => standbys('node06').length === 1, 10_000)).not.toBeNull();
      const lean = await fleet.pool.exec(spec, probe(true), { standby: 'use' });
      expect(lean.via).toBe('standby');
      expect(lean.stdout.trim()).toBe('-20');
      // No standby left: `use` is an ordinary exec, whose lean prelude raises itself.
      const plain = await fleet.pool.exec(spec, probe(true), { standby: 'use' });
      expect(plain.via).toBeUndefined();
      expect(plain.stdout.trim()).toBe('-20');
    } finally {
      await fleet.close();
    }
  });

  it('a login without root (no sudo for this fault): the standby stays at normal priority and STOP still runs in it', async () => {
    const fleet = openFleet(lab, { prefix: 'itstandby3', leaseTtlSec: 30 });
    try {
      const targets = labTargets(lab, 'node07', { user: 'gdlab' });
      const out = await fleet.faults.inject({ kind: 'cpu-stress', params: { workers: 1, loadPercent: 10 }, targets, maxDurationSec: 120, approver: APPROVER });
      expect(out[0]?.state).toBe('active');
      expect(await waitFor(() => standbys('node07').length === 1, 10_000)).not.toBeNull();
      const sb = standbys('node07')[0]!;
      expect(sb.nice).toBe(0);
      const { value: report, byNode } = await results(fleet, () => fleet.stopper.stop('standby non-root', 'it'));
      expect(report.clean).toBe(true);
      expect(byNode.node07?.[0]?.via).toBe('standby');
      expect(stopPid(byNode.node07?.[0])).toBe(sb.pid);
      expect(await residue(lab, 'node07', fleet.runId)).toEqual([]);
    } finally {
      await fleet.close();
    }
  });
});
