/**
 * Drills and rehearsals end to end through the real ConsoleService on the embedded simulated lab
 * (real SSH into simulated nodes), with a trainee connected through the real bridge:
 *
 * - drill: the drill clock starts when the hidden fault is active, the facilitator reveals a hint
 *   early, the trainee runs a shell command, declares "detected" with a diagnosis, the facilitator
 *   reverts, the trainee declares "mitigated" and the mitigation probe confirms it; the score is
 *   computed, the audit holds the drill.* events, the report has the Drill section — and nothing
 *   the trainee's socket received while the drill ran named the hidden fault.
 * - rehearsal: the whole runbook walked; every narrated step has its outcome in the audit, and not
 *   one command reached a node (no exec intent, no fault row, no probe sample).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandName, CommandReq, CommandRes, EngineEvent, RunSnapshot } from '../../src-main/api/index.js';
import { startBridge, type Bridge } from '../../src-main/bridge/index.js';
import { consoleServiceOptions } from '../../src-main/console/index.js';
import { createConsoleService, type ConsoleService } from '../../src-main/console/console-service.js';
import { startSimLab, type SimLab } from '../../src-main/lab/index.js';
import { openClient, type TestClient } from '../helpers/bridge-client.js';

const RUNBOOK = 'drill-db-disk-full.yaml';
/** Its title: the facilitator's; trainees see "Training drill" while it runs. */
const TITLE = 'Drill: checkout is failing';
const FACILITATOR = { role: 'commander' as const, transport: 'bridge' as const };

let workspace: string;
let sim: SimLab;
let service: ConsoleService;
let bridge: Bridge;
let trainee: TestClient;

const call = <K extends CommandName>(name: K, req: CommandReq<K>): Promise<CommandRes<K>> => service.handle(name, req, FACILITATOR);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll until `pred` holds (bounded: a hung run fails the test with what it was waiting for). */
async function until<T>(what: string, get: () => Promise<T>, pred: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 400)}`);
    await sleep(100);
  }
}

const snap = () => call('run.snapshot', {}) as Promise<RunSnapshot | null>;
const stepStatus = (s: RunSnapshot | null, id: string) => s?.steps.find((x) => x.id === id)?.status;
/** Advance a step that waits for the facilitator (instruction, note, wait) once it is running. */
async function advanceWhenRunning(id: string): Promise<void> {
  await until(`step ${id} running`, snap, (s) => stepStatus(s, id) === 'running');
  await call('run.advance', { stepId: id });
  await until(`step ${id} done`, snap, (s) => stepStatus(s, id) === 'done' || stepStatus(s, id) === 'failed');
}

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'gd-drill-'));
  const scenariosDir = join(workspace, 'scenarios');
  mkdirSync(scenariosDir);
  copyFileSync(join(process.cwd(), 'scenarios', RUNBOOK), join(scenariosDir, RUNBOOK));
  sim = await startSimLab({ dir: join(workspace, 'simlab') });
  service = createConsoleService(consoleServiceOptions({ workspace, inventory: sim.inventoryPath, scenariosDir, simulated: true }));
  bridge = await startBridge({ backend: service });
  trainee = await openClient(bridge.port, new URL(bridge.traineeUrl).searchParams.get('token')!);
}, 120_000);

afterAll(async () => {
  trainee?.close();
  await bridge?.close();
  await service?.dispose();
  await sim?.close();
  if (workspace && existsSync(workspace)) rmSync(workspace, { recursive: true, force: true });
});

describe('drill on the simulated lab', () => {
  it('start → clock → hint → detected → revert → mitigated (confirmed) → score, audit, report; the trainee never saw the fault', async () => {
    // An earlier run of the same runbook (a dry run, stopped): its title and debrief would give the drill away too.
    const { runId: earlier } = await call('run.start', { file: RUNBOOK, commander: 'Fran', dryRun: true });
    await until('the dry run to hold', snap, (s) => s?.state === 'running' || s?.state === 'paused');
    await call('run.stop', { reason: 'setup' });
    await until('the dry run to end', snap, (s) => s?.state === 'aborted' || s?.state === 'completed');
    const { runId } = await call('run.start', { file: RUNBOOK, commander: 'Fran', mode: 'drill' });
    await advanceWhenRunning('brief');
    // The drill clock starts with the hidden fault active.
    const started = await until('the drill clock', () => call('drill.state', {}), (v) => v?.clockStartedAt !== undefined);
    expect(started!.answer).toBe("The database's data disk is full");

    // While it runs, trainees cannot read the runbook or the audit, and their views are redacted.
    const tv = await trainee.call('drill.state', {});
    expect(tv).toMatchObject({ ok: true });
    const tView = (tv as { value: CommandRes<'drill.state'> }).value!;
    expect(tView.answer).toBeUndefined();
    expect(tView.choices).toContain("The database's data disk is full");
    expect(await trainee.call('scenario.open', { file: RUNBOOK })).toMatchObject({ ok: false, error: { code: 'HIDDEN_DURING_DRILL' } });
    expect(await trainee.call('audit.events', {})).toMatchObject({ ok: false, error: { code: 'HIDDEN_DURING_DRILL' } });
    expect(await trainee.call('run.stop', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // The runbook's title and file name name the fault: trainees get the drill's own title instead,
    // in the snapshot and in the runs list (for this run and the earlier one of the same runbook).
    const runs = (await trainee.call('runs.list', {})) as { ok: true; value: CommandRes<'runs.list'> };
    expect(runs.value.find((r) => r.id === runId)).toMatchObject({ title: 'Training drill', scenario: null });
    expect(runs.value.find((r) => r.id === earlier)).toMatchObject({ title: 'Training drill', scenario: null });
    expect(await trainee.call('run.debrief', { runId: earlier })).toMatchObject({ ok: false, error: { code: 'HIDDEN_DURING_DRILL' } });
    const tSnap = (await trainee.call('run.snapshot', {})) as { ok: true; value: RunSnapshot };
    expect(tSnap.value.faults).toEqual([]);
    expect(tSnap.value.title).toBe('Training drill');
    for (const secret of ['disk-fill', TITLE, RUNBOOK, 'drill-db-disk-full']) expect(JSON.stringify({ s: tSnap.value, r: runs.value })).not.toContain(secret);
    const fSnap = (await snap())!;
    expect(fSnap.faults.map((f) => f.kind)).toEqual(['disk-fill']);
    expect(fSnap.title).toBe(TITLE);
    const fRuns = await call('runs.list', {});
    expect(fRuns.find((r) => r.id === earlier)).toMatchObject({ title: TITLE });

    // The facilitator reveals the first hint early; the trainee gets its text, not the next one's.
    await call('drill.hint', { index: 0 });
    const th = (await trainee.call('drill.state', {})) as { ok: true; value: NonNullable<CommandRes<'drill.state'>> };
    expect(th.value.hints[0]).toMatchObject({ text: 'The API nodes themselves look fine. Look one tier down.', revealedBy: 'Fran' });
    expect(th.value.hints[1]!.text).toBeUndefined();

    // The trainee looks around in a shell (counted) and declares.
    const sh = (await trainee.call('shell.open', { node: 'node03', cols: 80, rows: 24 })) as { ok: true; value: { shellId: string } };
    expect(sh.ok).toBe(true);
    const out = trainee.nextEvent((e) => e.type === 'shell.output' && /%/.test(e.data));
    await trainee.call('shell.input', { shellId: sh.value.shellId, data: 'df -P /var/lib/gameday-lab/data\n' });
    await out;
    await trainee.call('shell.close', { shellId: sh.value.shellId });
    expect(await trainee.call('drill.declare', { kind: 'detected', trainee: 'Tia', diagnosis: 'not one of them' })).toMatchObject({ ok: false, error: { code: 'BAD_DIAGNOSIS' } });
    expect(await trainee.call('drill.declare', { kind: 'detected', trainee: 'Tia', diagnosis: "The database's data disk is full", notes: 'df says 95 %' })).toMatchObject({ ok: true });

    // The facilitator moves on: the hold ends, the fault is reverted.
    await advanceWhenRunning('observe');
    await advanceWhenRunning('hold');
    await until('the revert', snap, (s) => stepStatus(s, 'undo-1') === 'done', 60_000);
    expect(await trainee.call('drill.declare', { kind: 'mitigated', trainee: 'Tia', diagnosis: "The database's data disk is full" })).toMatchObject({ ok: true });
    const confirmed = await until('the probes to confirm the mitigation', () => call('drill.state', {}), (v) => v?.declarations[1]?.confirmed !== null && v?.declarations[1]?.confirmed !== undefined, 60_000);
    expect(confirmed!.declarations[1]!.confirmed).toBe(true);
    await advanceWhenRunning('debrief');
    const end = await until('the end of the run', snap, (s) => s?.state === 'completed' || s?.state === 'failed' || s?.state === 'aborted', 60_000);
    expect(end!.state).toBe('completed');

    // Score: detected and mitigated counted, right diagnosis, one hint (−5), one shell command.
    const v = (await call('drill.state', {}))!;
    expect(v.score).toMatchObject({ diagnosisCorrect: true, hintsUsed: 1, commandsUsed: 1 });
    expect(v.score!.ttdMs).toBeGreaterThan(0);
    expect(v.score!.ttmMs).toBeGreaterThan(v.score!.ttdMs!);
    expect(v.score!.parts.find((p) => p.name === 'diagnosis')!.points).toBe(20);
    expect(v.score!.parts.find((p) => p.name === 'steps')!.points).toBe(5);
    expect(v.score!.total).toBe(v.score!.parts.reduce((s, p) => s + p.points, 0));

    // The audit has every drill event; the report has the Drill section.
    const all = (await call('audit.events', { runId, limit: 5000 })).map((e) => e.kind).filter((k) => k.startsWith('drill.'));
    expect(all).toEqual(expect.arrayContaining(['drill.configured', 'drill.clock-started', 'drill.hint', 'drill.shell', 'drill.declared', 'drill.confirmed', 'drill.score']));
    expect(all.filter((k) => k === 'drill.declared')).toHaveLength(2);
    const report = await call('report.preview', { runId });
    expect(report.markdown).toContain(`## Drill: score **${v.score!.total}/100**`);
    expect(report.markdown).toMatch(/the team's diagnosis was \*\*correct\*\*/);

    // Nothing the trainee's socket received while the drill ran named the hidden fault.
    const endIdx = trainee.events.findIndex((e) => e.type === 'run.state' && e.state === 'completed');
    expect(endIdx).toBeGreaterThan(0);
    // (From the drill's first event: the earlier dry run was a plain game day, shown as such.)
    const startIdx = trainee.events.findIndex((e) => 'runId' in e && e.runId === runId);
    const during: EngineEvent[] = trainee.events.slice(startIdx, endIdx);
    expect(during.some((e) => e.type === 'drill.update')).toBe(true);
    expect(during.some((e) => e.type === 'step.update' && e.step.id === 'act-1' && e.step.title === 'Facilitator action')).toBe(true);
    expect(during.filter((e) => e.type === 'fault.update' || e.type === 'timer.update')).toEqual([]);
    for (const secret of ['disk-fill', '"answer"', TITLE, 'drill-db-disk-full']) expect(JSON.stringify(during)).not.toContain(secret);

    // After the end, the trainee gets the debrief with everything.
    const deb = (await trainee.call('run.debrief', { runId })) as { ok: true; value: CommandRes<'run.debrief'> };
    expect(deb.ok).toBe(true);
    expect(deb.value.mode).toBe('drill');
    expect(deb.value.faults.map((f) => [f.kind, f.node])).toEqual([['disk-fill', 'node03']]);
    expect(deb.value.drill?.answer).toBe("The database's data disk is full");
    expect(deb.value.probes.map((p) => p.probeId).sort()).toEqual(['api-health', 'db-disk', 'db-health']);
    expect(deb.value.events.some((e) => e.kind === 'drill.declared')).toBe(true);
  });
});

describe('rehearsal on the simulated lab', () => {
  it('walks the runbook with every outcome, and sends nothing to any node', async () => {
    const intentsBefore = (await call('audit.events', { kind: 'exec.intent', limit: 5000 })).length;
    const { runId } = await call('run.start', { file: RUNBOOK, commander: 'Fran', mode: 'rehearsal' });
    for (const id of ['brief', 'observe', 'hold', 'debrief']) await advanceWhenRunning(id);
    const end = await until('the end of the rehearsal', snap, (s) => s?.state === 'completed', 30_000);
    expect(end!.mode).toBe('rehearsal');
    const v = (await call('drill.state', {}))!;
    expect(Object.keys(v.outcomes ?? {}).sort()).toEqual(['act-1', 'db-up', 'healthy-after', 'undo-1']);
    expect(v.outcomes!['act-1']).toMatch(/climbs to 93 %/);
    expect(v.outcomes!['healthy-after']).toMatch(/"db-disk" is expected to be healthy/);
    const events = await call('audit.events', { runId, limit: 5000 });
    expect(events.filter((e) => e.kind === 'rehearsal.outcome').map((e) => (e.data as { stepId: string }).stepId)).toEqual(['db-up', 'act-1', 'undo-1', 'healthy-after']);
    expect((await call('audit.events', { kind: 'exec.intent', limit: 5000 })).length).toBe(intentsBefore); // not one command, not even preflight
    expect(events.filter((e) => e.kind.startsWith('fault.') || e.kind.startsWith('shell.'))).toEqual([]);
    const deb = await call('run.debrief', { runId });
    expect(deb.faults).toEqual([]);
    expect(deb.probes).toEqual([]); // no probe ran: not one sample
    expect(deb.mode).toBe('rehearsal');
    expect((await call('report.preview', { runId })).markdown).toContain('Rehearsal (tabletop): nothing was sent to any node');
  });
});
