/**
 * A rehearsal through the real engine (RunSession) with no lab at all: it must not need one, since
 * nothing is sent. Every narrated step gets its outcome (scripted or generated) in the audit, waits
 * and instructions wait for the facilitator, and the SSH pool (with the audit's exec hooks) never
 * records a single command.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditStore, auditExecHooks } from '../../src-main/audit/index.js';
import { RunSession } from '../../src-main/engine/run-session.js';
import { loadInventory } from '../../src-main/inventory/index.js';
import { loadScenario } from '../../src-main/scenario/index.js';
import { SshPool } from '../../src-main/ssh/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gd-reh-'));
const audit = AuditStore.open(join(dir, 'a.db'));
const pool = new SshPool({ ...auditExecHooks(audit, { actor: 't' }) });
const inventory = loadInventory(join(import.meta.dirname, 'fixtures', 'scenarios', 'lab-inventory.yaml'));
afterAll(async () => {
  await pool.dispose();
  audit.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('rehearsal in the engine', () => {
  it('narrates inject/revert/assert steps, waits for the facilitator, sends nothing', async () => {
    const { scenario } = loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'api-packet-loss.yaml'));
    const s = new RunSession({ scenario, scenarioFile: 'api-packet-loss.yaml', inventory, pool, audit, runId: 'r-reh', commander: 'Ana', mode: 'rehearsal' });
    const advanced: string[] = [];
    const timer = setInterval(() => {
      const cur = s.snapshot().steps.find((x) => x.status === 'running' || x.status === 'awaiting-approval');
      if (!cur) return;
      if (cur.status === 'awaiting-approval') {
        if (!cur.approvedBy) s.approve(cur.id, 'Dee');
      }
      else if (['instruction', 'note', 'wait'].includes(cur.kind) && !advanced.includes(cur.id)) {
        advanced.push(cur.id);
        s.advance(cur.id);
      }
    }, 20);
    const out = await s.run();
    clearInterval(timer);
    expect(out.state).toBe('completed');
    expect(s.snapshot().mode).toBe('rehearsal');
    // Waits and instructions waited for the facilitator (the 10 s and 30 s holds did not run down).
    expect(advanced).toEqual(['brief', 'baseline', 'hold', 'observe', 'diagnose', 'lessons']);
    const outcomes = audit.events({ runId: 'r-reh', kind: 'rehearsal.outcome' }).map((e) => JSON.parse(e.data) as { stepId: string; text: string });
    expect(outcomes.map((o) => o.stepId)).toEqual(['healthy-before', 'loss', 'heal', 'healthy-after']);
    expect(outcomes[1]!.text).toMatch(/^Both API nodes drop a fifth/); // scripted in the runbook
    expect(outcomes[0]!.text).toBe('The probe "api-health" is expected to be healthy within 10s. Is it? What would you do if it were not?'); // generated
    expect(s.drill!.view().outcomes).toMatchObject({ heal: expect.stringMatching(/The loss stops/) });
    expect(audit.events({ kind: 'exec.intent' })).toEqual([]);
    expect(audit.runFaults('r-reh')).toEqual([]);
    expect(audit.samples('r-reh')).toEqual([]);
    expect(audit.events({ runId: 'r-reh', kind: 'approval.approved' })).toHaveLength(1); // approvals work as usual
  });

  it('a drill needs a drill block', () => {
    const { scenario } = loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'api-packet-loss.yaml'));
    expect(() => new RunSession({ scenario, scenarioFile: 'api-packet-loss.yaml', inventory, pool, audit, runId: 'r-x', commander: 'Ana', mode: 'drill' })).toThrow(/no drill block/);
  });
});

describe('generated outcomes', () => {
  it('an unscripted step gets a plain sentence from the step itself', async () => {
    const { rehearsalOutcome } = await import('../../src-main/drill/rehearsal.js');
    const { scenario } = loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'db-disk-fill.yaml'));
    const step = (id: string) => scenario.phases.flatMap((p) => p.steps).find((s) => s.id === id)!;
    expect(rehearsalOutcome(scenario, step('fill'))).toBe('disk-fill would now be active on target "db" (up to 1 node). What do the dashboards show, and who notices first?');
    expect(rehearsalOutcome(scenario, step('clean'))).toMatch(/^The fault of step "fill" would now be reverted/);
    expect(rehearsalOutcome(scenario, step('checksum-before'))).toMatch(/^The check `sha256sum .*` would run on target "db" as the baseline\.$/);
  });
});
