/**
 * One vocabulary for a run's outcome (api/outcome.ts) and its marker, everywhere: the pure function,
 * the facts read from real audit events, the console's run list, the report (md, html, json), the
 * JUnit file and the audit export (issue 11 §4).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOutcome, faultStateText, outcomeFactsFromEvents, restatesAnotherEvent, runMarker, stopNodeText, type RunSnapshot } from '../../src-main/api/index.js';
import { AuditStore } from '../../src-main/audit/index.js';
import { junitXml } from '../../src-main/cli/commands/run-junit.js';
import { listRuns, markedAuditLines } from '../../src-main/engine/run-list.js';
import { buildReportModel, renderHtml, renderJson, renderMarkdown } from '../../src-main/report/index.js';
import { buildTimeline } from '../../src-main/report/timeline.js';
import type { Scenario } from '../../src-main/scenario/index.js';

const ROLES = { commander: ['Ana'], scribe: ['Bo'], observer: ['Dee'] };

describe('describeOutcome: the one vocabulary', () => {
  it('says completed, stopped by NAME (role), aborted by CONDITION, refused, failed', () => {
    expect(describeOutcome({ status: 'completed' })).toEqual({ kind: 'completed', text: 'completed', marker: null });
    // The console records the seat; the sentence names the person in it.
    expect(describeOutcome({ status: 'aborted', commander: 'Ana', roles: ROLES, stop: { actor: 'commander', reason: 'STOP button' } }).text).toBe('stopped by Ana (commander)');
    expect(describeOutcome({ status: 'aborted', commander: 'Ana', roles: ROLES, stop: { actor: 'bo', reason: 'x' } }).text).toBe('stopped by bo (scribe)');
    expect(describeOutcome({ status: 'aborted', stop: { actor: 'Dee', reason: 'step go rejected by Dee: not today' } }).text).toBe('stopped by Dee (approver)');
    expect(describeOutcome({ status: 'aborted', stop: { actor: 'cli', reason: 'SIGINT received' } }).text).toBe('stopped by the terminal (SIGINT received)');
    expect(describeOutcome({ status: 'aborted', abortReason: 'api-health unhealthy for 20s', stop: { actor: 'abort-condition', reason: 'api-health unhealthy for 20s' } })).toEqual({ kind: 'aborted', text: 'aborted by api-health unhealthy for 20s', marker: null });
    expect(describeOutcome({ status: 'failed', refused: true, failure: 'step cut failed: refused' }).text).toBe('refused, nothing sent');
    expect(describeOutcome({ status: 'failed', failure: 'step cut failed: node01 unreachable' }).text).toBe('failed: step cut failed: node01 unreachable');
    expect(describeOutcome({ status: 'stopping' })).toMatchObject({ kind: 'in progress', text: 'stopping' });
  });

  it('marks DRY RUN, REHEARSAL and DRILL, and nothing for a game day', () => {
    expect(runMarker({ mode: 'gameday', dryRun: false })).toBeNull();
    expect(runMarker({ dryRun: true })).toBe('DRY RUN');
    expect(runMarker({ mode: 'rehearsal', dryRun: true })).toBe('REHEARSAL');
    expect(runMarker({ mode: 'drill' })).toBe('DRILL');
    expect(describeOutcome({ status: 'completed', dryRun: true }).marker).toBe('DRY RUN');
  });

  it('says what STOP did on a node without contradicting its faults, and calls a refused inject refused', () => {
    expect(stopNodeText('nothing', [])).toBe('nothing to revert');
    expect(stopNodeText('nothing', [{ state: 'reverted' }])).toBe('already reverted before STOP');
    expect(stopNodeText('reverted', [{ state: 'reverted' }])).toBe('reverted by STOP');
    expect(faultStateText('failed', 'refused: filesystem of /var is already at or above the target')).toBe('refused, nothing sent');
    expect(faultStateText('failed', 'exit 1')).toBe('failed');
  });

  it('reads the facts from audit events: first STOP, mode, dry run, refusal only when nothing took effect', () => {
    const ev = [
      { kind: 'run.created', actor: 'Ana', data: {} },
      { kind: 'run.mode', actor: 'Ana', data: { mode: 'rehearsal' } },
      { kind: 'stop.requested', actor: 'commander', data: { reason: 'STOP button' } },
      { kind: 'stop.requested', actor: 'Ana', data: { reason: 'runbook finished' } },
      { kind: 'run.ended', actor: null, data: { status: 'aborted', dryRun: true } },
    ];
    expect(outcomeFactsFromEvents(ev)).toMatchObject({ commander: 'Ana', mode: 'rehearsal', dryRun: true, stop: { actor: 'commander', reason: 'STOP button' }, refused: false });
    expect(outcomeFactsFromEvents([{ kind: 'fault.refused', data: {} }]).refused).toBe(true);
    expect(outcomeFactsFromEvents([{ kind: 'fault.refused', data: {} }, { kind: 'fault.active', data: {} }]).refused).toBe(false);
    expect(outcomeFactsFromEvents([{ kind: 'fault.failed', data: { detail: 'refused: no SSH management flow found' } }]).refused).toBe(true);
  });

  it('leaves out the state changes that restate the next event', () => {
    expect(['run.stopping', 'run.completed', 'run.aborted', 'run.failed'].every(restatesAnotherEvent)).toBe(true);
    expect(['run.running', 'run.ended', 'stop.requested', 'fault.active'].some(restatesAnotherEvent)).toBe(false);
  });
});

/** A real audit file with a game day stopped by the commander, a dry run, a drill and a refused inject. */
function audit(): { audit: AuditStore; ids: Record<'gameday' | 'dry' | 'drill' | 'refused', string> } {
  const a = AuditStore.open(join(mkdtempSync(join(tmpdir(), 'gd-outcome-')), 'audit.sqlite'));
  const ids = { gameday: 'run-1-gameday', dry: 'run-2-dry', drill: 'run-3-drill', refused: 'adhoc-4-refused' };
  a.createRun({ id: ids.gameday, scenario: '/nowhere/a.yaml', title: 'Partition', env: 'lab', commander: 'Ana', meta: { dryRun: false, mode: 'gameday' } });
  // One go for a high-risk inject, recorded by the gate and again (with the policy's reason) by the fault manager.
  a.addApproval(ids.gameday, { step: 'cut', approver: 'Dee', decision: 'approved' });
  a.addApproval(ids.gameday, { step: 'cut', approver: 'Dee', decision: 'approved', reason: 'network-partition is a high-risk fault' });
  a.append({ runId: ids.gameday, kind: 'run.stopping', actor: 'Ana', data: {} });
  a.append({ runId: ids.gameday, kind: 'stop.requested', actor: 'commander', data: { reason: 'STOP pressed (bridge)' } });
  a.append({ runId: ids.gameday, kind: 'run.aborted', actor: 'Ana', data: {} });
  a.endRun(ids.gameday, 'aborted', { exitCode: 2, clean: true, mode: 'gameday', dryRun: false });
  a.createRun({ id: ids.dry, scenario: '/nowhere/a.yaml', title: 'Partition', env: 'lab', commander: 'Ana', meta: { dryRun: true, mode: 'gameday' } });
  a.append({ runId: ids.dry, kind: 'dryrun.command', data: { node: 'node01', command: 'iptables …' } });
  a.endRun(ids.dry, 'completed', { exitCode: 0, clean: true, mode: 'gameday', dryRun: true });
  a.createRun({ id: ids.drill, scenario: '/nowhere/d.yaml', title: 'Drill: slow API', env: 'lab', commander: 'Fran', meta: { dryRun: false, mode: 'drill' } });
  a.append({ runId: ids.drill, kind: 'run.mode', actor: 'Fran', data: { mode: 'drill' } });
  a.endRun(ids.drill, 'completed', { exitCode: 0, clean: true });
  a.createRun({ id: ids.refused, title: 'adhoc disk-fill', env: 'lab', commander: 'ops' });
  a.append({ runId: ids.refused, kind: 'fault.refused', data: { kind: 'disk-fill', reasons: ['node09 is protected'] } });
  a.endRun(ids.refused, 'failed');
  return { audit: a, ids };
}

describe('the vocabulary in the run list, the reports and the exports', () => {
  it('the console lists every run with its marker and outcome', () => {
    const { audit: a, ids } = audit();
    const byId = new Map(listRuns(a, 100).map((r) => [r.id, r]));
    expect(byId.get(ids.gameday)!.outcome).toEqual({ kind: 'stopped', text: 'stopped by Ana (commander)', marker: null });
    expect(byId.get(ids.dry)!.outcome).toEqual({ kind: 'completed', text: 'completed', marker: 'DRY RUN' });
    expect(byId.get(ids.drill)!.outcome).toEqual({ kind: 'completed', text: 'completed', marker: 'DRILL' });
    expect(byId.get(ids.refused)!.outcome).toMatchObject({ kind: 'refused', text: 'refused, nothing sent' });
    a.close();
  });

  it('the report says the marker and the outcome in md, html and json, and lists each event once', () => {
    const { audit: a, ids } = audit();
    const dry = buildReportModel(a, ids.dry);
    expect(dry.run).toMatchObject({ marker: 'DRY RUN', outcomeText: 'completed', dryRun: true });
    expect(renderMarkdown(dry)).toMatch(/^# Post-mortem: DRY RUN · Partition/m);
    expect(renderHtml(dry)).toContain('data-marker="DRY RUN"');
    expect(JSON.parse(renderJson(dry)).run).toMatchObject({ marker: 'DRY RUN', mode: 'gameday' });
    const drill = buildReportModel(a, ids.drill);
    expect(renderMarkdown(drill)).toContain('**DRILL**');
    const stopped = buildReportModel(a, ids.gameday);
    expect(stopped.run.outcomeText).toBe('stopped by Ana (commander)');
    const kinds = buildTimeline(a.events({ runId: ids.gameday }).map((e) => ({ ...e, data: JSON.parse(e.data) as Record<string, unknown>, t: Date.parse(e.ts) })), 0, new Map(), (x) => x, stopped.run.outcomeText).flatMap((g) => g.items.map((i) => i.kind));
    expect(kinds).not.toContain('run.stopping');
    expect(kinds).not.toContain('run.aborted');
    expect(kinds.filter((k) => k === 'run.ended')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'approval.approved')).toHaveLength(1);
    expect(stopped.approvals).toEqual([expect.objectContaining({ step: 'cut', approver: 'Dee', reason: 'network-partition is a high-risk fault' })]);
    expect(renderMarkdown(stopped)).toContain('Run ended: stopped by Ana (commander)');
    a.close();
  });

  it('the audit export marks every row of a dry run, rehearsal or drill and changes no hash', () => {
    const { audit: a, ids } = audit();
    const rows = [...markedAuditLines(a)].map((l) => JSON.parse(l) as { run_id: string; marker?: string; hash: string });
    expect(rows.filter((r) => r.run_id === ids.dry).every((r) => r.marker === 'DRY RUN')).toBe(true);
    expect(rows.filter((r) => r.run_id === ids.drill).every((r) => r.marker === 'DRILL')).toBe(true);
    expect(rows.filter((r) => r.run_id === ids.gameday).some((r) => 'marker' in r)).toBe(false);
    expect(rows.map((r) => r.hash)).toEqual([...a.exportJsonl()].map((l) => (JSON.parse(l) as { hash: string }).hash));
    a.close();
  });

  it('JUnit names the marker and the outcome', () => {
    const snap = { runId: 'r', mode: 'rehearsal', dryRun: true, commander: 'Ana', roles: ROLES, steps: [] } as unknown as RunSnapshot;
    const xml = junitXml({ title: 'Partition' } as Scenario, snap, { runId: 'r', state: 'completed', exitCode: 0, slos: [], inconclusive: [] });
    expect(xml).toContain('name="gameday: REHEARSAL · Partition"');
    expect(xml).toContain('<property name="marker" value="REHEARSAL"/>');
    expect(xml).toContain('<property name="outcome" value="completed"/>');
  });
});
