/**
 * Pick the transport at start: the Electron preload's window.gameday when present, else a
 * WebSocket to the bridge that served this page (token from the URL).
 */
import { callThroughVerbs, type DesktopApi, type GamedayApi } from '../../src-main/api/index.js';
import { bridgeSocketUrl, createWsTransport, type WsStatus } from './ws-transport.js';

export interface Transport {
  api: GamedayApi;
  /** Native dialogs etc.; null in a browser. */
  desktop: DesktopApi | null;
  /** Connection status (Electron IPC is always open). */
  onStatus(fn: (s: WsStatus) => void): () => void;
}

export type TransportChoice = { ok: true; transport: Transport } | { ok: false; reason: string };

export function chooseTransport(win: Window): TransportChoice {
  const g = win.gameday;
  if (g) {
    return {
      ok: true,
      transport: {
        // The preload exposes named verbs; the app calls by name, as it does over the bridge.
        api: { transport: 'electron', call: callThroughVerbs(g), onEvent: (fn) => g.onEvent(fn) },
        desktop: g.desktop,
        onStatus: (fn) => {
          fn({ state: 'open', role: 'commander' });
          return () => undefined;
        },
      },
    };
  }
  const url = bridgeSocketUrl(win.location);
  if (!url) return { ok: false, reason: 'This page needs the token from the URL that `gameday console` printed.' };
  const ws = createWsTransport(url);
  return { ok: true, transport: { api: ws, desktop: null, onStatus: (fn) => ws.onStatus(fn) } };
}
