/**
 * The trainee seat of the bridge: its own token and URL, the commands a drill needs (declare,
 * notes, shells, the read-only ones) and nothing that drives the run (start, STOP, hints, rulings);
 * events pass through the backend's per-role redaction before they reach a trainee's socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandName, CommandReq, CommandRes, ConsoleBackend, EngineEvent, Role } from '../../src-main/api/index.js';
import { traineeMay, commands } from '../../src-main/api/index.js';
import { startBridge, type Bridge } from '../../src-main/bridge/index.js';
import { allowed } from '../../src-main/console/dispatch.js';
import { openClient, type TestClient } from '../helpers/bridge-client.js';

/** Records calls; hides fault.update from everyone but the commander (trainees, and observers: the room's projector) and marks what it redacted (the real rules are in drill/redact.ts, tested there). */
class RoleBackend implements ConsoleBackend {
  readonly calls: Array<{ name: CommandName; role: string }> = [];
  private readonly fns = new Set<(e: EngineEvent) => void>();
  async handle<K extends CommandName>(name: K, _req: CommandReq<K>, who: { role: Role }): Promise<CommandRes<K>> {
    this.calls.push({ name, role: who.role });
    if (name === 'app.info') return { version: 't', role: who.role, simulated: true, workspace: '/w', inventory: null, transport: 'bridge' } as CommandRes<K>;
    if (name === 'shell.open') return { shellId: 'sh-t' } as CommandRes<K>;
    return { ok: true } as CommandRes<K>;
  }
  onEvent(fn: (e: EngineEvent) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  eventFor(e: EngineEvent, role: Role): EngineEvent | null {
    if (role === 'commander') return e;
    if (e.type === 'fault.update') return null;
    if (e.type === 'log') return { ...e, message: 'redacted' };
    return e;
  }
  emit(e: EngineEvent): void {
    for (const f of this.fns) f(e);
  }
}

let backend: RoleBackend;
let bridge: Bridge;
let trainee: TestClient;
let commander: TestClient;
let observer: TestClient;

beforeAll(async () => {
  backend = new RoleBackend();
  bridge = await startBridge({ backend });
  trainee = await openClient(bridge.port, new URL(bridge.traineeUrl).searchParams.get('token')!);
  commander = await openClient(bridge.port, new URL(bridge.url).searchParams.get('token')!);
  observer = await openClient(bridge.port, new URL(bridge.observerUrl).searchParams.get('token')!);
});
afterAll(async () => {
  trainee.close();
  commander.close();
  observer.close();
  await bridge.close();
});

describe('trainee role', () => {
  it('has its own token, distinct from the commander and observer ones', () => {
    const t = (u: string) => new URL(u).searchParams.get('token');
    expect(new Set([t(bridge.url), t(bridge.observerUrl), t(bridge.traineeUrl)]).size).toBe(3);
    expect(trainee.hello).toMatchObject({ kind: 'hello', role: 'trainee' });
  });

  it('is FORBIDDEN to drive the run: start, STOP, hints, rulings, approvals', async () => {
    const cases: Array<[CommandName, unknown]> = [
      ['run.stop', {}],
      ['run.start', { file: 'a.yaml', commander: 'x' }],
      ['drill.hint', { index: 0 }],
      ['drill.rule', { declarationId: 0, ruling: 'accepted' }],
      ['run.approve', { stepId: 'go', approver: 't' }],
      ['run.advance', { stepId: 'x' }],
    ];
    for (const [name, req] of cases) {
      const r = await trainee.call(name, req as never);
      expect(r, name).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: `trainees cannot call ${name}` } });
    }
    expect(backend.calls.filter((c) => c.role === 'trainee').map((c) => c.name)).toEqual([]);
  });

  it('may declare, take notes, use shells and read', async () => {
    expect(await trainee.call('drill.declare', { kind: 'detected', trainee: 'Tia', diagnosis: 'disk full' })).toMatchObject({ ok: true });
    expect(await trainee.call('run.note', { role: 'trainee', author: 'Tia', text: 'latency up' })).toMatchObject({ ok: true });
    expect(await trainee.call('shell.open', { node: 'node01', cols: 80, rows: 24 })).toMatchObject({ ok: true, value: { shellId: 'sh-t' } });
    expect(await trainee.call('shell.input', { shellId: 'sh-t', data: 'df -h\n' })).toMatchObject({ ok: true });
    expect(await trainee.call('drill.state', {})).toMatchObject({ ok: true });
    expect(await trainee.call('app.info', {})).toMatchObject({ ok: true, value: { role: 'trainee' } });
    expect(backend.calls.filter((c) => c.role === 'trainee').map((c) => c.name)).toEqual(['drill.declare', 'run.note', 'shell.open', 'shell.input', 'drill.state', 'app.info']);
  });

  it('the permission table: trainees get the read-only commands plus exactly the marked ones', () => {
    const names = Object.keys(commands) as CommandName[];
    expect(names.filter((n) => allowed('trainee', n) && !commands[n].readOnly).sort()).toEqual(['drill.declare', 'run.note', 'shell.ack', 'shell.close', 'shell.input', 'shell.open', 'shell.resize']);
    for (const n of names) expect(allowed('trainee', n)).toBe(traineeMay(n));
    // Observers did not gain anything.
    expect(names.filter((n) => allowed('observer', n) && !commands[n].readOnly)).toEqual([]);
  });

  it('events reach trainees and observers only through the backend redaction; the commander gets them as they are', async () => {
    const fault: EngineEvent = { type: 'fault.update', runId: 'r', fault: { id: 'f1', kind: 'disk-fill', node: 'node03', state: 'active', oneShot: false, leaseExpiresAt: 1 } };
    const log: EngineEvent = { type: 'log', level: 'info', message: 'disk-fill active', at: 1 };
    const cWait = commander.nextEvent((e) => e.type === 'log');
    const tWait = trainee.nextEvent((e) => e.type === 'log');
    const oWait = observer.nextEvent((e) => e.type === 'log');
    backend.emit(fault);
    backend.emit(log);
    expect(await cWait).toMatchObject({ message: 'disk-fill active' });
    expect(await tWait).toMatchObject({ message: 'redacted' });
    expect(await oWait).toMatchObject({ message: 'redacted' });
    expect(JSON.stringify(observer.events)).not.toContain('disk-fill');
    expect(commander.events.some((e) => e.type === 'fault.update')).toBe(true);
    expect(trainee.events.some((e) => e.type === 'fault.update')).toBe(false);
    expect(JSON.stringify(trainee.events)).not.toContain('disk-fill');
  });
});
