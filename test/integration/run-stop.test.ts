/**
 * Every way a `gameday run` can end early, on the netns lab: an abort condition tripped by a real
 * outage, SIGINT, `gameday stop` from another process, and kill -9 of the CLI followed by
 * `gameday cleanup`. Each time every node must end clean, as checked by our own SSH commands, and
 * the audit must say what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { CLEAN, cli, endOutage, FIXTURES, nodeTraces, openAudit, outageState, parseRunJson, startCli, waitForActiveFault, workspace } from './helpers/engine-cli.js';

let lab: LabInfo;
beforeAll(() => {
  lab = getTestLab();
});
afterAll(async () => {
  await endOutage(lab, 'node04');
});

/** The hold fixture waits 60 s; a STOP must end the run far sooner (the bound allows a slow machine). */
const PROMPT_END_MS = 30_000;

function stopRows(ws: string, runId: string) {
  const a = openAudit(ws);
  try {
    const kinds = a.events({ runId }).map((e) => e.kind);
    const req = a.events({ runId, kind: 'stop.requested' }).map((e) => ({ actor: e.actor, data: JSON.parse(e.data) as { reason: string } }));
    const faults = a.runFaults(runId).map((f) => f.state);
    return { kinds, req, faults };
  } finally {
    a.close();
  }
}

describe('abort condition', () => {
  it('a real outage of node04 trips `unhealthyFor: 2s` → exit 2, reason reported, node clean', async () => {
    const ws = workspace();
    const t0 = performance.now();
    const r = await cli(lab, ws, ['run', join(FIXTURES, 'engine-abort.yaml'), '--approver', 'Dee', '--json']);
    const took = performance.now() - t0;
    const j = parseRunJson(r);
    expect(r.code, r.err).toBe(2);
    expect(j.state).toBe('aborted');
    expect(j.abortReason).toMatch(/^abort: probe victim-health unhealthy on node04 for .* \(limit 2\.00s\)/);
    expect(took).toBeLessThan(PROMPT_END_MS); // not the 60 s wait
    // The outage was real (the service says so) and still going: only the abort ended the run.
    expect((await outageState(lab, 'node04')).healthy).toBe(false);
    expect(j.stop).toMatchObject({ reason: j.abortReason, actor: 'abort-condition', clean: true });
    expect(j.stop!.nodes).toEqual([expect.objectContaining({ node: 'node04', status: 'reverted' })]);
    const rows = stopRows(ws, j.runId);
    expect(rows.kinds).toEqual(expect.arrayContaining(['abort.fired', 'stop.requested', 'stop.completed', 'run.aborted']));
    expect(rows.faults).toEqual(['reverted']);
    expect(await nodeTraces(lab, ['node04'], j.runId)).toEqual([{ node: 'node04', ...CLEAN }]);
    await endOutage(lab, 'node04');
  });
});

describe('STOP from outside', () => {
  it('SIGINT to the CLI while a fault is active → exit 2, reverted, audited', async () => {
    const ws = workspace();
    const p = startCli(lab, ws, ['run', join(FIXTURES, 'engine-hold.yaml'), '--json']);
    const active = await waitForActiveFault(ws, p);
    expect((await nodeTraces(lab, ['node05'], active.runId))[0]!.chains).toBe(1); // it really is in place
    const sent = performance.now();
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(performance.now() - sent).toBeLessThan(PROMPT_END_MS);
    const j = parseRunJson(r);
    expect(r.code, r.err).toBe(2);
    expect(j).toMatchObject({ runId: active.runId, state: 'aborted' });
    expect(j.stop).toMatchObject({ reason: 'SIGINT received', actor: 'cli', clean: true });
    const rows = stopRows(ws, active.runId);
    expect(rows.req).toEqual([{ actor: 'cli', data: { reason: 'SIGINT received' } }]);
    expect(rows.kinds).toContain('stop.completed');
    expect(rows.faults).toEqual(['reverted']);
    expect(await nodeTraces(lab, ['node05'], active.runId)).toEqual([{ node: 'node05', ...CLEAN }]);
  });

  it('`gameday stop` from another process → the run exits 2, reverted, audited', async () => {
    const ws = workspace();
    const p = startCli(lab, ws, ['run', join(FIXTURES, 'engine-hold.yaml'), '--json']);
    const active = await waitForActiveFault(ws, p);
    const s = await cli(lab, ws, ['stop', '--reason', 'drill over', '--json']);
    expect(s.code, s.err).toBe(0);
    const stopped = JSON.parse(s.out) as Array<{ runId: string; report?: { clean: boolean; reason: string } }>;
    expect(stopped).toEqual([{ runId: active.runId, report: expect.objectContaining({ clean: true, reason: 'drill over' }) }]);
    const r = await p.done;
    const j = parseRunJson(r);
    expect(r.code, r.err).toBe(2);
    expect(j.state).toBe('aborted');
    const rows = stopRows(ws, active.runId);
    expect(rows.req.map((x) => x.data.reason)).toEqual(['drill over']);
    expect(rows.kinds).toContain('stop.completed');
    expect(rows.faults).toEqual(['reverted']);
    expect(await nodeTraces(lab, ['node05'], active.runId)).toEqual([{ node: 'node05', ...CLEAN }]);
  });
});

describe('crash and cleanup', () => {
  it('kill -9 mid-run leaves the fault (lease 30 s); `gameday cleanup` reverts it from the audit', async () => {
    const ws = workspace();
    const p = startCli(lab, ws, ['run', join(FIXTURES, 'engine-hold.yaml')]);
    const active = await waitForActiveFault(ws, p);
    p.child.kill('SIGKILL');
    const r = await p.done;
    expect(r.signal).toBe('SIGKILL');
    // Nobody reverted it: the chain, its rules, the lease and the watchdog are all still there.
    const [left] = await nodeTraces(lab, ['node05'], active.runId);
    expect(left).toMatchObject({ chains: 1, leases: 1, watchdogs: 1 });
    expect(left!.rules).toBeGreaterThanOrEqual(1);

    // Seconds after the kill its lease is as fresh as a live console's: left alone, and said so.
    const held = await cli(lab, ws, ['cleanup']);
    expect(held.code, `${held.out}\n${held.err}`).toBe(1);
    expect(held.out).toMatch(new RegExp(`left alone node05\\s+dependency-block \\(run ${active.runId}, fault ${active.faultId}, was active\\): live, run ${active.runId}, renewed \\d+ s ago`));
    expect((await nodeTraces(lab, ['node05'], active.runId))[0]).toMatchObject({ chains: 1, leases: 1, watchdogs: 1 });
    // The operator knows that console is dead: forced, with a second person's approval.
    const c = await cli(lab, ws, ['cleanup', '--force-live', '--approver', 'Dee']);
    expect(c.code, `${c.out}\n${c.err}`).toBe(0);
    expect(c.out).toMatch(new RegExp(`reverted ✓ node05\\s+dependency-block \\(run ${active.runId}, fault ${active.faultId}, was active\\)`));
    const a = openAudit(ws);
    try {
      expect(a.runFaults(active.runId).map((f) => [f.id, f.state])).toEqual([[active.faultId, 'reverted']]);
      expect(a.openFaults()).toEqual([]);
    } finally {
      a.close();
    }
    expect(await nodeTraces(lab, ['node05'], active.runId)).toEqual([{ node: 'node05', ...CLEAN }]);
    // A second cleanup finds nothing left to do.
    const again = await cli(lab, ws, ['cleanup']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^0 fault\(s\) recorded/);
  });
});
