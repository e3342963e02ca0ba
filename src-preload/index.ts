/**
 * Preload: exposes the console's API contract as `window.gameday` — a typed `call(name, req)` that
 * accepts only the contract's command names, `onEvent` returning an unsubscribe, and the few
 * desktop verbs — and nothing else. ipcRenderer itself never reaches the page. Payloads are
 * validated again in main (the renderer is not trusted).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiResult, CommandName, CommandReq, EngineEvent, GamedayApi } from '../src-main/api/index.js';
import { IPC, type DesktopApi, type OpenFileKind } from './desktop-api.js';

/**
 * The contract's command names. Listed here (not imported with the zod schemas) so the sandboxed
 * preload stays a few hundred bytes with no dependencies; the type checks below fail to compile if
 * this list and the contract drift apart in either direction.
 */
const COMMAND_NAMES = [
  'app.info', 'scenario.list', 'scenario.open', 'scenario.validate', 'scenario.save', 'inventory.nodes', 'inventory.check', 'preflight.run',
  'run.start', 'run.snapshot', 'run.pause', 'run.resume', 'run.advance', 'run.skip', 'run.approve', 'run.reject', 'run.checklist', 'run.note', 'run.stop',
  'runs.list', 'runs.interrupted', 'runs.reconcile', 'report.preview', 'report.export', 'audit.events', 'audit.verify', 'audit.export',
  'shell.open', 'shell.input', 'shell.resize', 'shell.ack', 'shell.close',
  'drill.state', 'drill.declare', 'drill.hint', 'drill.rule', 'run.debrief',
] as const satisfies readonly CommandName[];
type Missing = Exclude<CommandName, (typeof COMMAND_NAMES)[number]>;
const everyCommandListed: [Missing] extends [never] ? true : never = true;
void everyCommandListed;

const known = new Set<string>(COMMAND_NAMES);

const desktop: DesktopApi = {
  openFile: (kind: OpenFileKind) => ipcRenderer.invoke(IPC.openFile, kind) as Promise<string | null>,
  showItem: (path: string) => ipcRenderer.invoke(IPC.showItem, path) as Promise<void>,
  printPdf: () => ipcRenderer.invoke(IPC.printPdf) as Promise<string | null>,
};

const api: GamedayApi & { readonly desktop: DesktopApi } = {
  transport: 'electron',
  call<K extends CommandName>(name: K, req: CommandReq<K>): Promise<ApiResult<K>> {
    if (!known.has(name)) return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_COMMAND', message: `no such command: ${String(name)}` } });
    return ipcRenderer.invoke(IPC.call, name, req) as Promise<ApiResult<K>>;
  },
  onEvent(fn: (e: EngineEvent) => void): () => void {
    const listener = (_e: IpcRendererEvent, ev: EngineEvent): void => fn(ev);
    ipcRenderer.on(IPC.event, listener);
    return () => {
      ipcRenderer.removeListener(IPC.event, listener);
    };
  },
  desktop,
};

contextBridge.exposeInMainWorld('gameday', api);
