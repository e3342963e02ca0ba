/**
 * PDF reports on the desktop: Electron's own printToPDF in a hidden, sandboxed window with no
 * preload and JavaScript off (the report is static HTML with inline SVG), instead of launching a
 * separate Chromium.
 */
import { BrowserWindow } from 'electron';

export async function electronPdfPrinter(html: string): Promise<Uint8Array> {
  const win = new BrowserWindow({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, disableBlinkFeatures: 'Auxclick' } });
  try {
    await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
  } finally {
    win.destroy();
  }
}
