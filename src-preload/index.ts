/**
 * Preload: exposes the console's API contract as `window.gameday` — one named verb per command
 * (`gameday.run.start(req)`, `gameday.app.info()`), `onEvent` returning an unsubscribe, and the
 * few desktop verbs — and nothing else. ipcRenderer itself never reaches the page, and there is no
 * forward-anything `call`. Payloads are validated again in main (the renderer is not trusted).
 *
 * Imports only the zod-free parts of the contract (verbs, desktop), by file rather than through
 * src-main/api/index.ts, so the sandboxed bundle requires nothing but electron
 * (test/unit/preload.test.ts bundles it and checks).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiResult, CommandName, EngineEvent } from '../src-main/api/index.js';
import { IPC, type DesktopApi, type OpenFileKind } from '../src-main/api/desktop.js';
import { verbsFor, type WindowGameday } from '../src-main/api/verbs.js';

const desktop: DesktopApi = {
  openFile: (kind: OpenFileKind) => ipcRenderer.invoke(IPC.openFile, kind) as Promise<string | null>,
  showItem: (path: string) => ipcRenderer.invoke(IPC.showItem, path) as Promise<void>,
  printPdf: () => ipcRenderer.invoke(IPC.printPdf) as Promise<string | null>,
};

const api: WindowGameday = {
  ...verbsFor((name: CommandName, req: unknown) => ipcRenderer.invoke(IPC.call, name, req) as Promise<ApiResult<CommandName>>),
  transport: 'electron',
  onEvent(fn: (e: EngineEvent) => void): () => void {
    const listener = (_e: IpcRendererEvent, ev: unknown): void => fn(ev as EngineEvent);
    ipcRenderer.on(IPC.event, listener);
    return () => {
      ipcRenderer.removeListener(IPC.event, listener);
    };
  },
  desktop,
};

contextBridge.exposeInMainWorld('gameday', api);
