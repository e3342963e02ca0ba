/**
 * Hostile strings in every string parameter of every fault kind. Two layers, both must hold:
 *  1. the schema refuses them (or, where it accepts one, the real inject runs and the canary stays
 *     absent on the node);
 *  2. the quoting layer alone: the same strings are fed past the schema straight into the node-side
 *     script builders, the scripts run on real lab nodes (inject, then revert), and no canary file
 *     may appear. The canary is checked on the node over SSH.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildInject, buildRevert } from '../../src-main/faults/lease.js';
import { listFaults, tryResolveParams } from '../../src-main/faults/registry.js';
import { uncheckedFaults } from './helpers/unchecked-faults.js';
import type { FaultContext, FaultModule } from '../../src-main/faults/types.js';
import { sh } from '../../src-main/shell/index.js';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { labNodeByName, labTarget, openFleet, waitFor, type Fleet } from './helpers/fleet.js';
import { baseParams, hostileStrings, keyKind, liveHostileStrings, paramKeys, schemaOnlyHostile } from './helpers/hostile.js';
import { APPROVER, revertLive } from './helpers/inject.js';
import { residue, watchdogs } from './helpers/observe.js';

let lab: LabInfo;
let fleet: Fleet;
/** Per-run canary prefix; case i touches /tmp/<prefix>-<i>. */
const TAG = `gdcan-${randomBytes(4).toString('hex')}`;
const canary = (i: number | string) => `/tmp/${TAG}-${i}`;
/** What each canary index stands for, to name the culprit if one appears. */
const caseNames = new Map<string, string>();
let env: { peerIp: string; pid: number; dir: string; bin: string };
/** Kinds never injected for real here: clock-skew would move the clock of the whole machine (the lab shares one kernel). */
const NEVER_LIVE = new Set(['clock-skew']);

const nodeFor = (mod: FaultModule) => (mod.category === 'gpu' ? 'node07' : 'node08');

async function canaries(): Promise<string[]> {
  const r = await fleet.pool.exec(labTarget(lab, 'node08').spec, sh`ls /tmp | grep -F -- ${TAG} || true`);
  return r.stdout.split('\n').filter(Boolean).map((f) => `${f}: ${caseNames.get(f.slice(TAG.length + 1)) ?? '?'}`);
}

function base(mod: FaultModule): Record<string, unknown> {
  const extra = baseParams(mod.id, env);
  if (!extra) throw new Error(`no base parameters for fault kind ${mod.id}: add it to helpers/hostile.ts`);
  return { ...(mod.presets.medium as Record<string, unknown>), ...extra };
}

beforeAll(async () => {
  lab = getTestLab();
  fleet = openFleet(lab, { prefix: 'ithostile', leaseTtlSec: 5 });
  const dir = join(lab.dir, `gd-hostile-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { mode: 0o1777 });
  // A process of our own for the process faults to aim at (`sleep` itself is a protected name).
  const bin = join(lab.dir, `gdh${randomBytes(3).toString('hex')}`);
  copyFileSync('/bin/sleep', bin);
  const r = await fleet.pool.exec(labTarget(lab, 'node08').spec, sh`setsid ${bin} 600 </dev/null >/dev/null 2>&1 & echo $!`);
  env = { peerIp: labNodeByName(lab, 'node03').ip, pid: Number(r.stdout.trim()), dir, bin };
  expect(env.pid).toBeGreaterThan(1);
});

afterAll(async () => {
  await revertLive(fleet);
  try {
    process.kill(env.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  await fleet.pool.exec(labTarget(lab, 'node08').spec, sh`rm -f -- ${canary('')}*`);
  await fleet.close();
  rmSync(env.bin, { force: true });
  rmSync(env.dir, { recursive: true, force: true });
});

describe('layer 1: parameter schemas', () => {
  it('refuse hostile strings in every parameter of every fault kind (and if one is accepted, it is harmless on a node)', async () => {
    const accepted: Array<{ mod: FaultModule; key: string; params: Record<string, unknown>; idx: string }> = [];
    let tried = 0;
    for (const mod of listFaults()) {
      const b = base(mod);
      expect(tryResolveParams(mod, { params: b }), `${mod.id} base parameters`).toMatchObject({ ok: true });
      for (const key of [...paramKeys(mod), 'extra']) {
        const count = hostileStrings('X').length + schemaOnlyHostile('X').length;
        for (let h = 0; h < count; h++) {
          const idx = `s-${mod.id}-${key}-${h}`;
          const value = [...hostileStrings(canary(idx)), ...schemaOnlyHostile(canary(idx))][h]!;
          for (const form of [value, [value]]) {
            tried++;
            const r = tryResolveParams(mod, { params: { ...b, [key]: form } });
            if (r.ok) {
              caseNames.set(idx, `${mod.id}.${key} = ${JSON.stringify(form)}`);
              accepted.push({ mod, key, params: r.params as Record<string, unknown>, idx });
            } else expect(r.issues.join('\n'), `${mod.id}.${key}`).toMatch(new RegExp(`"${key}|unknown parameter`));
          }
        }
        // A hostile parameter *name* is refused too (strict objects).
        const r = tryResolveParams(mod, { params: { ...b, [hostileStrings(canary('name'))[1]!]: 1 } });
        expect(r.ok).toBe(false);
      }
    }
    console.log(`[hostile schema] ${tried} hostile values tried; accepted: ${accepted.map((a) => `${a.mod.id}.${a.key}`).join(', ') || 'none'}`);
    // Whatever a schema let through goes to a real node through the engine.
    for (const a of accepted.filter((x) => !NEVER_LIVE.has(x.mod.id))) {
      await fleet.faults.inject({ kind: a.mod.id, params: a.params, targets: [labTarget(lab, nodeFor(a.mod))], approver: APPROVER, maxDurationSec: 10 }).catch(() => undefined);
      await revertLive(fleet);
    }
    expect(await canaries()).toEqual([]);
  });
});

describe('layer 2: quoting alone (schema bypassed), run on the nodes', () => {
  it('no hostile string in any string parameter makes a node-side shell run it', async () => {
    const cases: Array<{ mod: FaultModule; params: Record<string, unknown>; idx: string }> = [];
    let n = 0;
    expect(uncheckedFaults().map((m) => m.id).sort()).toEqual(listFaults().map((m) => m.id).sort());
    for (const mod of uncheckedFaults().filter((m) => !NEVER_LIVE.has(m.id))) {
      const resolved = tryResolveParams(mod, { params: base(mod) });
      if (!resolved.ok) throw new Error(`${mod.id}: ${resolved.issues.join('; ')}`);
      for (const key of paramKeys(mod)) {
        const kind = keyKind(mod, key);
        if (kind === 'other') continue;
        for (let h = 0; h < liveHostileStrings('X').length; h++) {
          const idx = String(n++);
          const v = liveHostileStrings(canary(idx))[h]!;
          caseNames.set(idx, `${mod.id}.${key} = ${JSON.stringify(v)}`);
          cases.push({ mod, params: { ...(resolved.params as Record<string, unknown>), [key]: kind === 'array' ? [v] : v }, idx });
        }
      }
    }
    let sent = 0;
    let refusedBeforeSending = 0;
    const runCase = async (c: (typeof cases)[number]) => {
      const node = nodeFor(c.mod);
      const t = labTarget(lab, node);
      const ctx: FaultContext = { runId: fleet.runId, faultId: `h-${c.idx}`, node: { name: t.name, host: t.host, gpu: t.gpu }, leaseTtlSec: 5, maxDurationSec: 5 };
      let inject;
      let revert;
      try {
        inject = buildInject(c.mod, c.params as never, ctx);
        revert = buildRevert(c.mod, c.params as never, ctx);
      } catch {
        refusedBeforeSending++; // a builder or guard threw: nothing reaches the node
        return;
      }
      sent++;
      await fleet.pool.exec(t.spec, inject, { sudo: c.mod.requires.root, timeoutMs: 30_000 });
      await fleet.pool.exec(t.spec, revert, { sudo: c.mod.requires.root, timeoutMs: 30_000 });
    };
    // Ten cases at a time over two nodes: the pool caps sessions per node below OpenSSH's MaxSessions (10).
    let next = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (next < cases.length) await runCase(cases[next++]!);
    }));
    console.log(`[hostile quoting] ${cases.length} cases: ${sent} scripts run on nodes, ${refusedBeforeSending} refused by a builder/guard before sending`);
    expect(sent).toBeGreaterThan(cases.length / 2);
    expect(await canaries()).toEqual([]);
    expect(await waitFor(() => watchdogs(fleet.runId).length === 0, 8000)).not.toBeNull();
    for (const node of ['node07', 'node08']) expect(await residue(lab, node, fleet.runId), node).toEqual([]);
  });
});
