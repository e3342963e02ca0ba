/**
 * The app menu: the usual roles, plus Run → STOP with the same shortcut as the button. The menu
 * item calls the backend directly, so STOP works even if the page is frozen.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';

export function buildMenu(o: { stop(): void; openScenario(): void; isDev: boolean }): Menu {
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [{ label: 'Open scenario…', accelerator: 'CmdOrCtrl+O', click: () => o.openScenario() }, { type: 'separator' }, mac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, ...(o.isDev ? [{ role: 'toggleDevTools' as const }] : [])],
    },
    { label: 'Run', submenu: [{ label: 'STOP — revert every fault now', accelerator: 'CmdOrCtrl+Shift+S', click: () => o.stop() }] },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
