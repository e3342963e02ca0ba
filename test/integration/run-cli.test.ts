/**
 * `gameday run` end to end on the netns lab: a shipped runbook (waits shortened) completes with SLO
 * verdicts; approvals gate high-risk steps; a dry run touches nothing yet prints every command; an
 * invalid runbook (exit 3) and a failed preflight (exit 4) send nothing. Every node is checked from
 * outside the engine afterwards.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { CLEAN, cli, FIXTURES, nodeTraces, openAudit, parseRunJson, shortenedRunbook, workspace } from './helpers/engine-cli.js';

let lab: LabInfo;
beforeAll(() => {
  lab = getTestLab();
});

/** Audit rows of one kind for a run (or for no run: preflight, validation). */
function auditRows(ws: string, kind: string, runId?: string) {
  const a = openAudit(ws);
  try {
    return a.events({ runId, kind }).map((e) => ({ actor: e.actor, node: e.node, data: JSON.parse(e.data) as Record<string, unknown> }));
  } finally {
    a.close();
  }
}

describe('gameday run: a shipped runbook', () => {
  it('replica-partition (waits shortened) completes with SLO verdicts, approved by Dee, every node clean', async () => {
    const ws = workspace();
    const file = shortenedRunbook('replica-partition.yaml', ws, '3s');
    const r = await cli(lab, ws, ['run', file, '--approver', 'Dee', '--json']);
    const j = parseRunJson(r);
    expect(j.state, `${r.err}\n${JSON.stringify(j.snapshot.steps.filter((s) => s.status !== 'done'))}`).toBe('completed');
    expect(r.code).toBe(0);
    expect(j.snapshot.steps.every((s) => s.status === 'done')).toBe(true);
    // The partition was seen (db-health went unhealthy) and healed (db-back passed).
    expect(j.snapshot.steps.find((s) => s.id === 'detected')!.message).toBe('db-health is unhealthy');
    expect(j.snapshot.steps.find((s) => s.id === 'db-back')!.message).toBe('db-health is healthy');
    // Verdicts for every SLO of the runbook; the API tier was untouched, so the window SLOs pass.
    const byName = Object.fromEntries(j.slos.map((s) => [s.name, s.verdict]));
    expect(Object.keys(byName).sort()).toEqual(['availability:api-health', 'detectionTime:cut', 'errorRate:api-health', 'recoveryTime:cut']);
    expect(byName['availability:api-health']).toBe('pass');
    expect(byName['errorRate:api-health']).toBe('pass');
    expect(j.stop).toMatchObject({ clean: true });
    const appr = auditRows(ws, 'approval.approved', j.runId);
    expect(appr.length).toBeGreaterThanOrEqual(1);
    expect(appr.every((a) => a.actor === 'Dee')).toBe(true);
    expect(appr.map((a) => a.data.step)).toContain('go');
    expect(await nodeTraces(lab, ['node01', 'node02', 'node03'], j.runId)).toEqual(['node01', 'node02', 'node03'].map((node) => ({ node, ...CLEAN })));
  });
});

describe('gameday run: approvals', () => {
  const file = join(FIXTURES, 'engine-approval.yaml');

  it('without --approver and without a TTY the high-risk step fails clearly; nothing is injected', async () => {
    const ws = workspace();
    const r = await cli(lab, ws, ['run', file, '--json']);
    const j = parseRunJson(r);
    expect(r.code).toBe(1);
    expect(j.state).toBe('failed');
    const a = openAudit(ws);
    try {
      const ended = a.events({ runId: j.runId, kind: 'run.failed' });
      expect(ended).toHaveLength(1);
      const runEnd = a.runs().find((x) => x.id === j.runId)!;
      expect(runEnd.status).toBe('failed');
      expect(a.runFaults(j.runId)).toEqual([]);
      // The only commands sent were preflight's read-only checks, before the run started.
      const created = a.events({ runId: j.runId, kind: 'run.created' })[0]!.seq;
      expect(a.events({ runId: j.runId, kind: 'exec.intent', sinceSeq: created })).toEqual([]);
    } finally {
      a.close();
    }
    expect(r.out + r.err).toMatch(/step cut needs approval by someone other than the commander: pass --approver NAME/);
    expect(await nodeTraces(lab, ['node06'], j.runId)).toEqual([{ node: 'node06', ...CLEAN }]);
  });

  it('refuses the commander’s own name as approver (two-person rule); nothing is injected', async () => {
    const ws = workspace();
    const r = await cli(lab, ws, ['run', file, '--approver', 'ana', '--json']);
    const j = parseRunJson(r);
    expect(r.code).toBe(1);
    expect(j.state).toBe('failed');
    expect(r.out + r.err).toMatch(/two-person rule/);
    const a = openAudit(ws);
    try {
      expect(a.runFaults(j.runId)).toEqual([]);
      expect(a.events({ runId: j.runId, kind: 'approval.*' })).toEqual([]);
    } finally {
      a.close();
    }
    expect(await nodeTraces(lab, ['node06'], j.runId)).toEqual([{ node: 'node06', ...CLEAN }]);
  });
});

describe('gameday run --dry-run', () => {
  it('prints every command per node and provably touches nothing', async () => {
    const ws = workspace();
    // The shipped runbook as is: a dry run does not wait, so its 25 s hold costs nothing.
    const r = await cli(lab, ws, ['run', join(process.cwd(), 'scenarios/replica-partition.yaml'), '--dry-run']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('DRY RUN: nothing is sent to any node');
    expect(r.out).toMatch(/node03 » \[dry-run\] would inject network-partition/);
    expect(r.out).toMatch(/node03 » .*iptables/);
    expect(r.out).toMatch(/node03 » \[dry-run\] and revert with:/);
    const a = openAudit(ws);
    try {
      const [run] = a.runs();
      expect(run).toBeDefined();
      expect(a.events({ kind: 'exec.intent' })).toEqual([]); // not one command, not even preflight
      expect(a.runFaults(run!.id)).toEqual([]);
      expect(a.events({ runId: run!.id, kind: 'dryrun.command' }).map((e) => e.node)).toEqual(['node03']);
      expect(a.samples(run!.id)).toEqual([]); // no probe ran
      expect(await nodeTraces(lab, ['node01', 'node02', 'node03'], run!.id)).toEqual(['node01', 'node02', 'node03'].map((node) => ({ node, ...CLEAN })));
    } finally {
      a.close();
    }
  });
});

describe('gameday run: refused before anything is sent', () => {
  it('an invalid runbook → exit 3 with file:line:col for each problem; no audit, no command', async () => {
    const ws = workspace();
    const file = join(FIXTURES, 'engine-invalid.yaml');
    const r = await cli(lab, ws, ['run', file, '--approver', 'Dee']);
    expect(r.code).toBe(3);
    expect(r.err).toContain(`${file}:10:5`); // maxNode
    expect(r.err).toContain(`${file}:17:42`); // no-such-fault
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(ws, 'audit.sqlite'))).toBe(false);
  });

  it('a failed preflight (network-latency, no sch_netem here) → exit 4; nothing injected', async () => {
    const ws = workspace();
    const r = await cli(lab, ws, ['run', join(FIXTURES, 'engine-netem.yaml'), '--approver', 'Dee', '--json']);
    expect(r.code, r.err).toBe(4);
    const pre = JSON.parse(r.out.slice(r.out.indexOf('{'))) as { preflight: { ok: boolean; cells: Array<{ node: string; fault: string; ok: boolean }> } };
    expect(pre.preflight.ok).toBe(false);
    expect(pre.preflight.cells.filter((c) => !c.ok).map((c) => `${c.node}/${c.fault}`)).toEqual(['node08/network-latency']);
    const a = openAudit(ws);
    try {
      expect(a.runs()).toEqual([]); // the run never started
      expect(a.events({ kind: 'preflight.failed' })).toHaveLength(1);
      expect(a.openFaults()).toEqual([]);
      // Preflight only probed (its kernel checks run in throwaway namespaces, `unshare -n`): no
      // command armed a lease or touched the node's own qdiscs.
      const cmds = a.events({ kind: 'exec.intent' }).map((e) => String((JSON.parse(e.data) as { command: string }).command));
      expect(cmds.length).toBeGreaterThan(0);
      expect(cmds.filter((c) => /\.lease\b|lease-watchdog|\/run\/gameday|dev eth0/.test(c))).toEqual([]);
    } finally {
      a.close();
    }
    expect(await nodeTraces(lab, ['node08'], 'none')).toEqual([{ node: 'node08', ...CLEAN }]);
  });
});
