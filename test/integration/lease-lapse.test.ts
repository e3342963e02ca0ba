/**
 * A lapsed lease told as it happened: the management link to a node is cut mid-hold (the lab's
 * blackhole), the node's watchdog reverts the fault by itself, the link comes back. The built CLI
 * (`gameday run`, `gameday inject`) must print the failed renewal at once, record the fault as
 * "reverted by the node's lease at ≈T (seen at reconnect)" with the window the node really had
 * (`fault.lease-expired` in the audit, checked against the watchdog's own log on the node and
 * against the port opening as seen from another node), and exit 1 naming why.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AuditStore } from '../../src-main/audit/index.js';
import { firedAt } from '../../src-main/engine/lease-facts.js';
import { getTestLab } from '../lab/fixture.js';
import { labBlackhole } from '../lab/lab-blackhole.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { FIXTURES, startCli, workspace, type CliProc } from './helpers/engine-cli.js';
import { labNodeByName, sleep, waitFor } from './helpers/fleet.js';
import { residue, tcpOnceFromNode } from './helpers/observe.js';

let lab: LabInfo;
const VICTIM = 'node06';
const WATCHER = 'node07';
const TTL_S = 6;
/** Renewals run every TTL/3; one that has not answered within half that is a failed renewal. */
const INTERVAL_MS = (TTL_S * 1000) / 3;
const ACK_MS = INTERVAL_MS / 2;
const ip = (n: string) => labNodeByName(lab, n).ip;
const dirs: string[] = [];

beforeAll(() => {
  lab = getTestLab();
});
afterEach(async () => {
  await labBlackhole(lab, VICTIM, false);
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Output lines with the host time each arrived. */
function watch(p: CliProc): { lines: Array<{ at: number; text: string }>; waitLine(re: RegExp, ms: number): Promise<{ at: number; text: string }> } {
  const lines: Array<{ at: number; text: string }> = [];
  let buf = '';
  p.child.stdout!.on('data', (d: Buffer | string) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push({ at: Date.now(), text: buf.slice(0, i) });
      buf = buf.slice(i + 1);
    }
  });
  return {
    lines,
    async waitLine(re, ms) {
      const t = await waitFor(() => lines.some((l) => re.test(l.text)), ms, 50);
      if (t === null) throw new Error(`no line matching ${re} within ${ms} ms:\n${lines.map((l) => l.text).join('\n')}`);
      return lines.find((l) => re.test(l.text))!;
    },
  };
}

/**
 * Cut the link once a renewal has happened, watch the node revert by itself from another node,
 * keep the link cut until well past the lease, then restore it. Returns the times seen outside.
 */
async function cutMidHold(out: ReturnType<typeof watch>): Promise<{ cutAt: number; warnAt: number; openSeenAt: number; restoredAt: number }> {
  await out.waitLine(/port-block on node06: ACTIVE|node06\s+active ✓/, 60_000);
  expect(await tcpOnceFromNode(lab, WATCHER, ip(VICTIM), 8080)).toBe('refused');
  await sleep(INTERVAL_MS + 1000);
  await labBlackhole(lab, VICTIM, true);
  const cutAt = Date.now();
  const warn = await out.waitLine(/lease of port-block on node06: renewal failed .*lease expires in \d+ s, then node06 reverts it by itself/, 30_000);
  const opened = await waitFor(async () => (await tcpOnceFromNode(lab, WATCHER, ip(VICTIM), 8080, 800)) === 'ok', (TTL_S + 10) * 1000, 200);
  expect(opened, 'node06 did not revert by itself').not.toBeNull();
  const openSeenAt = Date.now();
  // Well past the lease, then the link comes back.
  await sleep(Math.max(0, cutAt + (TTL_S + 5) * 1000 - Date.now()));
  await labBlackhole(lab, VICTIM, false);
  return { cutAt, warnAt: warn.at, openSeenAt, restoredAt: Date.now() };
}

/** The watchdog's own log line on the node: when it fired. */
function watchdogFiredAt(runId: string, faultId: string): number {
  const log = readFileSync(`/run/gameday/${runId}/${faultId}.revert.log`, 'utf8');
  const m = /^(\S+) watchdog: lease not renewed for 6s/m.exec(log);
  expect(m, log).not.toBeNull();
  return firedAt(m![1])!;
}

function checkAudit(ws: string, t: { cutAt: number; openSeenAt: number; restoredAt: number }): { runId: string; faultId: string; expiredAt: number } {
  const audit = AuditStore.open(join(ws, 'audit.sqlite'));
  try {
    const ev = audit.events({ kind: 'fault.lease-expired' });
    expect(ev).toHaveLength(1);
    const data = JSON.parse(ev[0]!.data) as { fault: string; node: string; expiredAt: number; seenAt: number; source: string };
    expect(data).toMatchObject({ node: VICTIM, source: 'watchdog-log' });
    const runId = ev[0]!.run_id!;
    const [f] = audit.runFaults(runId);
    expect(f!.id).toBe(data.fault);
    expect(f!.state).toBe('reverted');
    expect(f!.detail).toMatch(/^reverted by the node's lease at ≈\S+Z \(seen at reconnect\)$/);
    expect(audit.events({ runId, kind: 'fault.lease-renew-failed' })).toHaveLength(1);
    // The window the node really had: the watchdog's log time, the port seen opening from node07,
    // and the lease arithmetic (last renewal ≤ one interval before the cut, + TTL, + 1 s polling).
    const fired = watchdogFiredAt(runId, data.fault);
    expect(Math.abs(data.expiredAt - fired)).toBeLessThanOrEqual(1000);
    expect(data.expiredAt).toBeLessThanOrEqual(t.openSeenAt + 1000);
    expect(t.openSeenAt - data.expiredAt).toBeLessThan(3000);
    expect(data.expiredAt - t.cutAt).toBeGreaterThanOrEqual(TTL_S * 1000 - INTERVAL_MS - 1500);
    expect(data.expiredAt - t.cutAt).toBeLessThanOrEqual(TTL_S * 1000 + 3000);
    expect(data.seenAt).toBeGreaterThanOrEqual(t.restoredAt - 1000);
    // The run's log dir on the node (the lab shares the host's /run): removed when the file ends.
    dirs.push(`/run/gameday/${runId}`);
    return { runId, faultId: data.fault, expiredAt: data.expiredAt };
  } finally {
    audit.close();
  }
}

describe('management link cut mid-hold', () => {
  it('gameday run: warns at once, records the lease expiry with the real window, marks the hold inconclusive, exits 1', async () => {
    const ws = workspace();
    dirs.push(ws);
    const p = startCli(lab, ws, ['run', join(FIXTURES, 'lease-lapse.yaml'), '--approver', 'Dee']);
    const out = watch(p);
    const t = await cutMidHold(out);
    const r = await p.done;
    const text = out.lines.map((l) => l.text).join('\n');
    const delay = t.warnAt - t.cutAt;
    console.log(`[lapse/run] warning ${delay} ms after the cut (renewal interval ${INTERVAL_MS} ms, ack ${ACK_MS} ms); node seen open ${t.openSeenAt - t.cutAt} ms after the cut\n${text}\n${r.err}`);
    // Within one renewal interval of the first renewal due after the cut, plus its ack deadline.
    expect(delay).toBeLessThanOrEqual(INTERVAL_MS + ACK_MS + 1500);
    expect(r.code, `${text}\n${r.err}`).toBe(1);
    expect(text).toMatch(/port-block on node06: reverted by the node's lease at ≈\S+Z \(seen at reconnect\); in effect \d+ s/);
    expect(text).toMatch(/step hold inconclusive: depended on port-block on node06 was in effect \d+ s of the planned \d+ s/);
    expect(text).toMatch(/✗ inconclusive: port-block on node06 was in effect \d+ s of the planned \d+ s: the node's lease reverted it at ≈/);
    expect(text).toMatch(/availability:witness-health .* unknown .*inconclusive/);
    expect(text).not.toMatch(/Run \S+: completed[\s\S]*exit 0/);
    const { runId, expiredAt } = checkAudit(ws, t);
    const audit = AuditStore.open(join(ws, 'audit.sqlite'));
    try {
      const ended = JSON.parse(audit.events({ runId, kind: 'run.ended' })[0]!.data) as { exitCode: number; inconclusive: string[] };
      expect(ended.exitCode).toBe(1);
      expect(ended.inconclusive).toHaveLength(1);
      const inconclusive = audit.events({ runId, kind: 'step.inconclusive' }).map((e) => (JSON.parse(e.data) as { stepId: string }).stepId);
      expect(inconclusive).toEqual(['hold', 'heal']);
      // The active window: from the fault active to the lease expiry, not to the revert step.
      const active = audit.events({ runId, kind: 'fault.active' })[0]!;
      const heldS = (expiredAt - Date.parse(active.ts)) / 1000;
      console.log(`[lapse/run] fault in effect ${heldS.toFixed(1)} s of the planned 30 s`);
      expect(heldS).toBeLessThan(20);
    } finally {
      audit.close();
    }
    expect(await residue(lab, VICTIM, runId)).toEqual([]);
  });

  it('gameday inject: the same, and the hold ends when nothing is left to hold', async () => {
    const ws = workspace();
    dirs.push(ws);
    const p = startCli(lab, ws, ['inject', 'port-block', VICTIM, '-p', 'port=8080', '-p', 'mode=reject', '-d', '60s', '--lease-ttl', `${TTL_S}s`, '--approver', 'Dee']);
    const out = watch(p);
    const t = await cutMidHold(out);
    const r = await p.done;
    const text = out.lines.map((l) => l.text).join('\n');
    const delay = t.warnAt - t.cutAt;
    console.log(`[lapse/inject] warning ${delay} ms after the cut; exit after ${Date.now() - t.cutAt} ms\n${text}\n${r.err}`);
    expect(delay).toBeLessThanOrEqual(INTERVAL_MS + ACK_MS + 1500);
    expect(r.code, `${text}\n${r.err}`).toBe(1);
    expect(text).toMatch(/reverted by the node's lease at ≈\S+Z \(seen at reconnect\)/);
    expect(text).toMatch(/✗ inconclusive: port-block on node06 was in effect \d+ s of the planned 60 s: the node's lease reverted it at ≈/);
    // It did not sit out the 60 s hold.
    expect(Date.now() - t.cutAt).toBeLessThan(45_000);
    const { runId } = checkAudit(ws, t);
    expect(await residue(lab, VICTIM, runId)).toEqual([]);
  });
});
