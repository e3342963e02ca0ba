/**
 * Electron entry — the only code that imports 'electron'. Thin: one window, IPC wired to the same
 * console service `gameday console` uses, a menu, and on start the faults a crashed console left
 * behind (runs.interrupted), offered for revert at once.
 */
import { app, BrowserWindow, dialog, Menu, session } from 'electron';
import { createConsoleService, type ConsoleService } from '../console/index.js';
import { consoleServiceOptions } from '../console/index.js';
import { dispatch } from '../console/index.js';
import { IPC } from '../api/index.js';
import { registerIpc } from './ipc.js';
import { buildMenu } from './menu.js';
import { electronPdfPrinter } from './pdf-printer.js';
import { createWindow, CSP } from './window.js';

const ELECTRON = { role: 'commander', transport: 'electron' } as const;

async function offerReconcile(win: BrowserWindow, service: ConsoleService): Promise<void> {
  const r = await dispatch(service, 'runs.interrupted', {}, ELECTRON);
  if (!r.ok || !Array.isArray(r.value) || r.value.length === 0) return;
  const list = r.value as Array<{ runId: string; faults: Array<{ node: string; kind: string }> }>;
  const detail = list.map((x) => `${x.runId}: ${x.faults.map((f) => `${f.kind}@${f.node}`).join(', ')}`).join('\n');
  const answer = await dialog.showMessageBox(win, { type: 'warning', title: 'Interrupted runs', message: 'A previous console stopped with faults still recorded as injected.', detail, buttons: ['Revert them now', 'Later (Home screen)'], defaultId: 0, cancelId: 1 });
  if (answer.response !== 0) return;
  for (const x of list) await dispatch(service, 'runs.reconcile', { runId: x.runId }, ELECTRON);
}

async function start(): Promise<void> {
  const opts = consoleServiceOptions({ workspace: process.env.GAMEDAY_WORKSPACE, inventory: process.env.GAMEDAY_INVENTORY, pdfPrinter: electronPdfPrinter });
  const service = createConsoleService(opts);
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }));
  const win = createWindow();
  const unregister = registerIpc(win, { backend: service, allowFile: (f) => service.allowFile(f), workspace: opts.workspace });
  const stop = (): void => void dispatch(service, 'run.stop', { reason: 'STOP (menu)' }, ELECTRON);
  Menu.setApplicationMenu(
    buildMenu({
      stop,
      isDev: !app.isPackaged,
      openScenario: () => win.webContents.send(IPC.event, { type: 'log', level: 'info', message: 'Use Home → Scenarios → Open file…', at: Date.now() }),
    }),
  );
  win.webContents.once('did-finish-load', () => void offerReconcile(win, service));
  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting) return;
    // Closing the console presses STOP on an active run before exiting (service.dispose does).
    e.preventDefault();
    quitting = true;
    unregister();
    void service.dispose().finally(() => app.quit());
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const w = BrowserWindow.getAllWindows()[0];
    if (w) {
      if (w.isMinimized()) w.restore();
      w.focus();
    }
  });
  app.on('web-contents-created', (_e, wc) => {
    wc.on('will-navigate', (ev) => ev.preventDefault());
    wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  void app.whenReady().then(start);
  app.on('window-all-closed', () => app.quit());
}
