/**
 * The desktop window's side of the contract: the IPC channel names the Electron main process
 * handles and the preload invokes, and the few verbs only a desktop window has (native dialogs,
 * the file manager, printing). No zod and no 'electron' here: the sandboxed preload bundles this
 * file and may require nothing but electron.
 */

/** IPC channels between the preload and src-main/app (main validates every payload it receives). */
export const IPC = {
  /** renderer → main: one contract command `(name, req)`, answered with an ApiResult. */
  call: 'gameday:call',
  /** main → renderer: one engine event. */
  event: 'gameday:event',
  openFile: 'gameday:desktop:open-file',
  showItem: 'gameday:desktop:show-item',
  printPdf: 'gameday:desktop:print-pdf',
} as const;

export type IpcChannel = (typeof IPC)[keyof typeof IPC];

/** What the native "open file" dialog may be asked for. */
export const OPEN_FILE_KINDS = ['scenario', 'inventory'] as const;
export type OpenFileKind = (typeof OPEN_FILE_KINDS)[number];

/** Desktop-only verbs, exposed as window.gameday.desktop under Electron. */
export interface DesktopApi {
  /** Native "open file" dialog; resolves the chosen path, or null when cancelled. */
  openFile(kind: OpenFileKind): Promise<string | null>;
  /** Show a file (an exported report) in the system file manager. */
  showItem(path: string): Promise<void>;
  /** printToPDF of the current window (the report preview) into a file the user picks; null when cancelled. */
  printPdf(): Promise<string | null>;
}
