/**
 * IPC channel names and the desktop-only verbs (native dialogs, folders, printing) shared by the
 * Electron main process and the preload. No 'electron' import here: the preload bundles this file.
 * The console API itself is the contract in src-main/api; these are the few things only a desktop
 * window can do.
 */
export const IPC = {
  /** renderer → main: one contract command, answered with ApiResult. */
  call: 'gameday:call',
  /** main → renderer: one engine event. */
  event: 'gameday:event',
  openFile: 'gameday:desktop:open-file',
  showItem: 'gameday:desktop:show-item',
  printPdf: 'gameday:desktop:print-pdf',
} as const;

export type OpenFileKind = 'scenario' | 'inventory';

/** Desktop-only verbs, exposed as window.gameday.desktop under Electron. */
export interface DesktopApi {
  /** Native "open file" dialog; resolves the chosen path, or null when cancelled. */
  openFile(kind: OpenFileKind): Promise<string | null>;
  /** Show a file (an exported report) in the system file manager. */
  showItem(path: string): Promise<void>;
  /** printToPDF of the current window (the report preview) into a file the user picks; null when cancelled. */
  printPdf(): Promise<string | null>;
}
