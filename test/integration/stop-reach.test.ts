/**
 * `gameday stop` from another terminal reaches every run of the workspace (netns lab, real sshd,
 * the built CLI as real processes):
 * - a run in a workspace whose path is too long for a unix socket (sun_path holds 107 bytes; the
 *   kernel cut the path short, so the run listened where `gameday stop` never looked, and a second
 *   run crashed with EADDRINUSE and a stack trace, leaving its fault to the lease): the control
 *   sockets move to a short private alias that every process of the workspace computes alike;
 * - a run started in the console (not a CLI): before, `gameday stop` said "no run is active".
 * Each node is checked from outside: its own iptables in its namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { controlPath, consoleServiceOptions } from '../../src-main/console/index.js';
import { createConsoleService } from '../../src-main/console/console-service.js';
import { CLEAN, cli, FIXTURES, nodeTraces, openAudit, parseRunJson, startCli, waitForActiveFault, waitUntil, workspace } from './helpers/engine-cli.js';

let lab: LabInfo;
const made: string[] = [];
beforeAll(() => {
  lab = getTestLab();
});
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Rows a STOP leaves in the audit: who asked, why, and the fault's final state. */
function stopRows(ws: string, runId: string): { reasons: unknown[]; faults: string[] } {
  const a = openAudit(ws);
  try {
    return { reasons: a.events({ runId, kind: 'stop.requested' }).map((e) => (JSON.parse(e.data) as { reason?: string }).reason), faults: a.runFaults(runId).map((f) => f.state) };
  } finally {
    a.close();
  }
}

describe('gameday stop reaches every run of the workspace', () => {
  it('a workspace path too long for a socket: the run listens in a short private alias, `gameday stop` reaches it, the node is clean', async () => {
    const base = workspace();
    made.push(base);
    const ws = join(base, 'a-game-day-workspace-whose-path-is-far-longer-than-a-unix-socket-path-may-be', 'nested', 'deeper');
    mkdirSync(ws, { recursive: true });
    expect(Buffer.byteLength(join(ws, 'control', 'run-20261203-200348-abcd.sock'))).toBeGreaterThan(107); // the case itself
    const p = startCli(lab, ws, ['run', join(FIXTURES, 'engine-hold.yaml'), '--json']);
    const active = await waitForActiveFault(ws, p);
    expect((await nodeTraces(lab, ['node05'], active.runId))[0]!.chains).toBe(1); // the fault really is in place

    // The run listens in the alias: private to this user, short enough, not inside the workspace.
    const alias = controlPath(ws);
    made.push(alias);
    expect(alias.startsWith(ws)).toBe(false);
    await waitUntil('the run to listen', () => readdirSync(alias).includes(`${active.runId}.sock`));
    expect(Buffer.byteLength(join(alias, `${active.runId}.sock`))).toBeLessThanOrEqual(107);
    expect(statSync(alias).mode & 0o777).toBe(0o700);

    const s = await cli(lab, ws, ['stop', '--reason', 'deep workspace', '--json']);
    expect(s.code, s.err).toBe(0);
    expect(JSON.parse(s.out)).toEqual([{ runId: active.runId, report: expect.objectContaining({ clean: true, reason: 'deep workspace' }) }]);
    const r = await p.done;
    expect(r.code, r.err).toBe(2);
    expect(r.err).not.toMatch(/EADDRINUSE|    at /);
    expect(parseRunJson(r).state).toBe('aborted');
    expect(stopRows(ws, active.runId)).toEqual({ reasons: ['deep workspace'], faults: ['reverted'] });
    expect(await nodeTraces(lab, ['node05'], active.runId)).toEqual([{ node: 'node05', ...CLEAN }]);
    // Its socket is gone with it.
    expect(readdirSync(alias).filter((f) => f.endsWith('.sock'))).toEqual([]);
  });

  it('a run started in the console: `gameday stop` from a terminal reaches it, reverts first, the node is clean', async () => {
    const ws = workspace();
    made.push(ws);
    const scenariosDir = join(ws, 'scenarios');
    mkdirSync(scenariosDir);
    copyFileSync(join(FIXTURES, 'engine-hold.yaml'), join(scenariosDir, 'engine-hold.yaml'));
    const service = createConsoleService(consoleServiceOptions({ workspace: ws, inventory: lab.inventoryPath, scenariosDir }));
    try {
      const { runId } = await service.handle('run.start', { file: 'engine-hold.yaml', commander: 'Ana' }, { role: 'commander', transport: 'bridge' });
      const audit = openAudit(ws);
      try {
        await waitUntil('the fault to become active', () => audit.runFaults(runId).some((f) => f.state === 'active'), 60_000);
      } finally {
        audit.close();
      }
      expect((await nodeTraces(lab, ['node05'], runId))[0]!.chains).toBe(1);

      const s = await cli(lab, ws, ['stop', '--reason', 'from a terminal', '--json']);
      expect(s.code, s.err).toBe(0);
      expect(JSON.parse(s.out)).toEqual([{ runId, report: expect.objectContaining({ clean: true, reason: 'from a terminal' }) }]);
      expect(await nodeTraces(lab, ['node05'], runId)).toEqual([{ node: 'node05', ...CLEAN }]);
      const after = openAudit(ws);
      try {
        await waitUntil('the console run to end', () => after.runs().find((x) => x.id === runId)?.status !== 'running');
        expect(after.runs().find((x) => x.id === runId)?.status).toBe('aborted');
      } finally {
        after.close();
      }
      expect(stopRows(ws, runId)).toEqual({ reasons: ['from a terminal'], faults: ['reverted'] });
    } finally {
      await service.dispose();
    }
  });
});
