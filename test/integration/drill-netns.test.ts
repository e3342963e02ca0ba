/**
 * A drill on the netns lab (real sshd, real iptables/tc): drill-api-mystery-loss through the real
 * ConsoleService. The trainee's view is taken through the service's own per-role event filter
 * (the bridge applies the same one per connection). Checks the clock, the declarations, the probe
 * confirmation after the revert, the score, the node left clean, and that the trainee's stream
 * never named the hidden fault while the drill ran.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandName, CommandReq, CommandRes, EngineEvent, RunSnapshot } from '../../src-main/api/index.js';
import { consoleServiceOptions } from '../../src-main/console/index.js';
import { createConsoleService, type ConsoleService } from '../../src-main/console/console-service.js';
import { getTestLab } from '../lab/fixture.js';

const RUNBOOK = 'drill-api-mystery-loss.yaml';
const ANSWER = 'Packet loss on one API node';
const FACILITATOR = { role: 'commander' as const, transport: 'bridge' as const };
const TRAINEE = { role: 'trainee' as const, transport: 'bridge' as const };

let workspace: string;
let service: ConsoleService;
const seen: EngineEvent[] = [];

const call = <K extends CommandName>(name: K, req: CommandReq<K>): Promise<CommandRes<K>> => service.handle(name, req, FACILITATOR);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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
const status = (s: RunSnapshot | null, id: string) => s?.steps.find((x) => x.id === id)?.status;
async function advanceWhenRunning(id: string): Promise<void> {
  await until(`step ${id} running`, snap, (s) => status(s, id) === 'running');
  await call('run.advance', { stepId: id });
  await until(`step ${id} done`, snap, (s) => status(s, id) === 'done' || status(s, id) === 'failed');
}

beforeAll(() => {
  const lab = getTestLab();
  workspace = mkdtempSync(join(tmpdir(), 'gd-drill-netns-'));
  const scenariosDir = join(workspace, 'scenarios');
  mkdirSync(scenariosDir);
  copyFileSync(join(process.cwd(), 'scenarios', RUNBOOK), join(scenariosDir, RUNBOOK));
  service = createConsoleService(consoleServiceOptions({ workspace, inventory: lab.inventoryPath, scenariosDir }));
  service.onEvent((e) => {
    const t = service.eventFor(e, 'trainee');
    if (t) seen.push(t);
  });
});
afterAll(async () => {
  await service?.dispose();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

describe('drill on the netns lab', () => {
  it('packet loss on one API node: declared, reverted, confirmed, scored; node clean; hidden from the trainee', async () => {
    const { runId } = await call('run.start', { file: RUNBOOK, commander: 'Fran', mode: 'drill' });
    await advanceWhenRunning('brief');
    await until('the drill clock', () => call('drill.state', {}), (v) => v?.clockStartedAt !== undefined, 90_000);
    expect((await snap())!.faults.map((f) => [f.kind, f.node, f.state])).toEqual([['network-loss', 'node01', 'active']]);
    const tSnap = await service.handle('run.snapshot', {}, TRAINEE);
    expect(JSON.stringify(tSnap)).not.toContain('network-loss');
    await service.handle('drill.declare', { kind: 'detected', trainee: 'Tia', diagnosis: ANSWER }, TRAINEE);
    await advanceWhenRunning('observe');
    await advanceWhenRunning('hold');
    await until('the revert', snap, (s) => status(s, 'undo-1') === 'done', 60_000);
    await service.handle('drill.declare', { kind: 'mitigated', trainee: 'Tia', diagnosis: ANSWER }, TRAINEE);
    const v1 = await until('the confirmation', () => call('drill.state', {}), (v) => typeof v?.declarations[1]?.confirmed === 'boolean', 70_000);
    expect(v1!.declarations[1]!.confirmed).toBe(true);
    await advanceWhenRunning('debrief');
    const end = await until('the end', snap, (s) => ['completed', 'aborted', 'failed'].includes(s?.state ?? ''), 60_000);
    expect(end!.state).toBe('completed');
    expect(end!.stop?.clean).toBe(true);
    const v = (await call('drill.state', {}))!;
    expect(v.score).toMatchObject({ diagnosisCorrect: true, hintsUsed: expect.any(Number) });
    expect(v.score!.parts.find((p) => p.name === 'mitigate')!.points).toBeGreaterThan(0);
    const deb = await call('run.debrief', { runId });
    expect(deb.faults.map((f) => [f.kind, f.node, f.revertedAt !== null])).toEqual([['network-loss', 'node01', true]]);
    const endIdx = seen.findIndex((e) => e.type === 'run.state' && e.state === 'completed');
    const during = seen.slice(0, endIdx);
    expect(during.some((e) => e.type === 'probe.samples')).toBe(true);
    expect(during.filter((e) => e.type === 'fault.update' || e.type === 'timer.update')).toEqual([]);
    expect(JSON.stringify(during)).not.toContain('network-loss');
    expect(seen.slice(endIdx).length).toBeGreaterThan(0);
  });
});
