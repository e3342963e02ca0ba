/**
 * The console window with Electron's safe settings: context isolation, sandbox, no Node in the
 * page, strict CSP, no navigation, no new windows (https links go to the system browser).
 */
import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The page CSP (also in index.html's meta tag): own scripts only, no remote connections. */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'self' about:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function rendererIndex(): string {
  return join(import.meta.dirname, '../renderer/index.html');
}

/** Only our own page may talk to main over IPC. */
export function isOwnPage(url: string | undefined): boolean {
  return url !== undefined && url.split(/[?#]/)[0] === pathToFileURL(rendererIndex()).href;
}

export function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1600,
    height: 1000,
    minWidth: 1024,
    minHeight: 700,
    backgroundColor: '#0d1117',
    title: 'Game-day console',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click (auxclick) can open links in new windows behind the navigation guards.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.on('will-redirect', (e) => e.preventDefault());
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  // The console has no external links: every new window is denied, nothing is handed to the OS.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void win.loadFile(rendererIndex());
  return win;
}
