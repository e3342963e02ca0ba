/**
 * 'electron' as the sandboxed preload sees it (tsconfig.preload.json maps the module here): the
 * two objects this preload uses, narrowed to what it calls. electron's own typings would pull all
 * of @types/node into the preload project, where `import 'node:fs'` must not type-check — a
 * sandboxed preload has no Node. test/unit/preload.test.ts checks that electron's real types
 * satisfy these, so they cannot promise more than Electron gives. At run time the bundle requires
 * the real 'electron' (electron-vite keeps it external; only the type checker follows the mapping).
 * A .ts file, not a .d.ts: `tsc -b` notices a change here through the preload project's output.
 */

/** The event an IPC listener receives; the preload never hands it to the page. */
export type IpcRendererEvent = unknown;

export declare const contextBridge: {
  /** Copy `api` into the page's world as `window[apiKey]` (functions are proxied, not shared). */
  exposeInMainWorld(apiKey: string, api: unknown): void;
};

export declare const ipcRenderer: {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
};
