/**
 * The sandboxed preload exposes the contract as named verbs — `gameday.run.start(req)` — plus
 * onEvent (with an unsubscribe) and the desktop verbs, and nothing else: no ipcRenderer, no
 * forward-anything `call`. Electron is not installed here, so 'electron' is replaced by a recorder
 * of what the preload exposes and invokes; the bundle check runs esbuild on the real source.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { commands, COMMAND_NAMES, IPC, type CommandName, type WindowGameday } from '../../src-main/api/index.js';
import type * as SandboxElectron from '../../src-preload/sandbox-electron.js';
import { chooseTransport } from '../../src-renderer/transport/choose.js';

const ipc = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as Array<{ channel: string; args: unknown[] }>,
  listeners: new Map<string, Set<(...a: unknown[]) => void>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => ipc.exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => {
      ipc.invoked.push({ channel, args });
      return Promise.resolve({ ok: true, value: { echoed: channel } });
    },
    on: (channel: string, fn: (...a: unknown[]) => void) => ipc.listeners.set(channel, (ipc.listeners.get(channel) ?? new Set()).add(fn)),
    removeListener: (channel: string, fn: (...a: unknown[]) => void) => ipc.listeners.get(channel)?.delete(fn),
  },
}));

// electron's real typings must satisfy the preload project's narrowed 'electron'
// (src-preload/sandbox-electron.ts): this fails to type-check (npm run typecheck) if the narrowed
// declaration ever promises something Electron does not give.
type RealElectron = Pick<typeof import('electron'), 'contextBridge' | 'ipcRenderer'>;
export const realSatisfiesSandbox = (real: RealElectron): Pick<typeof SandboxElectron, 'contextBridge' | 'ipcRenderer'> => real;

let gameday: WindowGameday;
beforeAll(async () => {
  await import('../../src-preload/index.js');
  gameday = ipc.exposed.get('gameday') as WindowGameday;
});

describe('preload: window.gameday', () => {
  it('exposes only window.gameday: one namespace per command group, onEvent, desktop and the transport', () => {
    expect([...ipc.exposed.keys()]).toEqual(['gameday']);
    const groups = [...new Set(Object.keys(commands).map((n) => n.slice(0, n.indexOf('.'))))];
    expect(Object.keys(gameday).sort()).toEqual([...groups, 'desktop', 'onEvent', 'transport'].sort());
    expect(gameday.transport).toBe('electron');
    expect(Object.keys(gameday.desktop).sort()).toEqual(['openFile', 'printPdf', 'showItem']);
    expect(Object.keys(gameday)).not.toContain('call');
  });

  it('has a verb for every command of the contract and none other, each sending its own name over the call channel', async () => {
    const verbs = Object.entries(gameday).flatMap(([group, v]) => (typeof v === 'object' && group !== 'desktop' ? Object.keys(v as object).map((verb) => `${group}.${verb}`) : []));
    expect(verbs.sort()).toEqual(Object.keys(commands).sort());
    ipc.invoked.length = 0;
    const table = gameday as unknown as Record<string, Record<string, (req: unknown) => Promise<unknown>>>;
    for (const name of Object.keys(commands) as CommandName[]) {
      const [group, verb] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
      await table[group]![verb]!({ probe: name });
    }
    expect(ipc.invoked).toEqual(Object.keys(commands).map((name) => ({ channel: IPC.call, args: [name, { probe: name }] })));
  });

  it('sends {} for a verb called without a request, and passes the answer through as data', async () => {
    ipc.invoked.length = 0;
    await expect(gameday.app.info()).resolves.toEqual({ ok: true, value: { echoed: IPC.call } });
    await gameday.run.start({ file: 'a.yaml', commander: 'Ana' });
    expect(ipc.invoked).toEqual([
      { channel: IPC.call, args: ['app.info', {}] },
      { channel: IPC.call, args: ['run.start', { file: 'a.yaml', commander: 'Ana' }] },
    ]);
  });

  it('onEvent delivers engine events and its unsubscribe removes the IPC listener', () => {
    const seen: unknown[] = [];
    const off = gameday.onEvent((e) => seen.push(e));
    const [listener] = [...(ipc.listeners.get(IPC.event) ?? [])];
    listener!({ sender: 'ignored' }, { type: 'log', level: 'info', message: 'hi', at: 1 });
    expect(seen).toEqual([{ type: 'log', level: 'info', message: 'hi', at: 1 }]);
    off();
    expect(ipc.listeners.get(IPC.event)?.size).toBe(0);
  });

  it('desktop verbs invoke their own channels', async () => {
    ipc.invoked.length = 0;
    await gameday.desktop.openFile('scenario');
    await gameday.desktop.showItem('/w/reports/r.md');
    await gameday.desktop.printPdf();
    expect(ipc.invoked).toEqual([
      { channel: IPC.openFile, args: ['scenario'] },
      { channel: IPC.showItem, args: ['/w/reports/r.md'] },
      { channel: IPC.printPdf, args: [] },
    ]);
  });

  it('the zod-free command list matches the contract map in order', () => {
    expect([...COMMAND_NAMES]).toEqual(Object.keys(commands));
  });

  it('bundles with nothing external but electron (a sandboxed preload can require nothing else)', async () => {
    const r = await build({ entryPoints: [resolve(__dirname, '../../src-preload/index.ts')], bundle: true, write: false, format: 'cjs', platform: 'browser', external: ['electron'], metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(r.metafile.inputs).sort();
    expect(inputs).toEqual(['src-main/api/desktop.ts', 'src-main/api/verbs.ts', 'src-preload/index.ts']);
    const requires = [...r.outputFiles[0]!.text.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(requires)]).toEqual(['electron']);
  });

  it("the renderer's Electron transport calls by name through the verbs; a name outside the contract is answered as data", async () => {
    const choice = chooseTransport({ gameday } as unknown as Window);
    if (!choice.ok) throw new Error(choice.reason);
    const { api, desktop } = choice.transport;
    expect(api.transport).toBe('electron');
    expect(desktop).toBe(gameday.desktop);
    ipc.invoked.length = 0;
    await api.call('run.stop', { reason: 'drill over' });
    expect(ipc.invoked).toEqual([{ channel: IPC.call, args: ['run.stop', { reason: 'drill over' }] }]);
    for (const name of ['no.such', 'run', 'run.', '__proto__.constructor', 'app.constructor', 'toString', 'desktop.openFile', 'onEvent.x']) {
      await expect(api.call(name as CommandName, {} as never)).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    }
    expect(ipc.invoked).toHaveLength(1);
  });
});
