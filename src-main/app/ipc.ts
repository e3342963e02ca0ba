/**
 * IPC between the page and the console service. Every call is checked — sender is our page, the
 * name is in the contract, the request passes its zod schema — by the same dispatcher the bridge
 * uses; results and errors go back as data. Engine events are forwarded to the window.
 */
import { BrowserWindow, dialog, ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import { existsSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { IPC, OPEN_FILE_KINDS, type ConsoleBackend, type OpenFileKind } from '../api/index.js';
import { dispatch, apiError } from '../console/index.js';
import { isOwnPage } from './window.js';

const openKindSchema = z.enum(OPEN_FILE_KINDS);
const pathSchema = z.string().min(1).max(4096).refine(isAbsolute, 'an absolute path');

export interface IpcDeps {
  backend: ConsoleBackend;
  /** Grants the service access to a runbook the user picked in the native dialog. */
  allowFile(path: string): void;
  /** Folder exported reports are written to (the only place "open folder" may point). */
  workspace: string;
}

function fromOwnPage(e: IpcMainInvokeEvent): boolean {
  return isOwnPage(e.senderFrame?.url);
}

/** Register the handlers; returns a function that removes them and the event forwarding. */
export function registerIpc(win: BrowserWindow, d: IpcDeps): () => void {
  ipcMain.handle(IPC.call, async (e, name: unknown, req: unknown) => {
    if (!fromOwnPage(e)) return { ok: false, error: apiError('FORBIDDEN', 'IPC from an unknown page') };
    return dispatch(d.backend, name, req, { role: 'commander', transport: 'electron' });
  });
  ipcMain.handle(IPC.openFile, async (e, kind: unknown) => {
    const k = openKindSchema.safeParse(kind);
    if (!fromOwnPage(e) || !k.success) return null;
    const r = await dialog.showOpenDialog(win, {
      title: k.data === 'scenario' ? 'Open a scenario (runbook)' : 'Open an inventory',
      properties: ['openFile'],
      filters: [{ name: 'YAML', extensions: ['yaml', 'yml'] }, ...(k.data === 'inventory' ? [{ name: 'Ansible INI', extensions: ['ini', 'cfg'] }] : [])],
    });
    const file = r.canceled ? undefined : r.filePaths[0];
    if (!file) return null;
    if ((k.data as OpenFileKind) === 'scenario') d.allowFile(file);
    return file;
  });
  ipcMain.handle(IPC.showItem, async (e, path: unknown) => {
    const p = pathSchema.safeParse(path);
    // Only files that exist inside the workspace (exported reports): no probing the disk from the page.
    if (!fromOwnPage(e) || !p.success || !p.data.startsWith(`${d.workspace}/`) || !existsSync(p.data)) return;
    shell.showItemInFolder(p.data);
  });
  ipcMain.handle(IPC.printPdf, async (e) => {
    if (!fromOwnPage(e)) return null;
    const r = await dialog.showSaveDialog(win, { title: 'Save as PDF', defaultPath: join(d.workspace, 'reports', 'gameday-report.pdf'), filters: [{ name: 'PDF', extensions: ['pdf'] }] });
    if (r.canceled || !r.filePath) return null;
    const pdf = await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
    writeFileSync(r.filePath, pdf);
    return r.filePath;
  });
  const off = d.backend.onEvent((ev) => {
    if (!win.isDestroyed()) win.webContents.send(IPC.event, ev);
  });
  return () => {
    off();
    for (const ch of [IPC.call, IPC.openFile, IPC.showItem, IPC.printPdf]) ipcMain.removeHandler(ch);
  };
}
