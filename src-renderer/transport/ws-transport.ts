/**
 * The browser transport: one WebSocket to the loopback bridge, authenticated by the token from the
 * page URL. Requests carry ids; a dropped connection resolves pending calls with a DISCONNECTED
 * error (data, not exceptions) and reconnects with backoff; the app fetches a fresh snapshot then.
 */
import { WS_PATH, type ApiResult, type ClientMessage, type CommandName, type CommandReq, type EngineEvent, type GamedayApi, type Role, type ServerMessage } from '../../src-main/api/index.js';

/** First reconnect delay; doubles up to the cap so a restarting console is found within seconds. */
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 4000;

export type WsStatus = { state: 'connecting' | 'closed' } | { state: 'open'; role: Role };

export interface WsTransport extends GamedayApi {
  onStatus(fn: (s: WsStatus) => void): () => void;
  close(): void;
}

export function createWsTransport(url: string): WsTransport {
  const pending = new Map<number, (r: ApiResult<CommandName>) => void>();
  const eventFns = new Set<(e: EngineEvent) => void>();
  const statusFns = new Set<(s: WsStatus) => void>();
  const queue: string[] = [];
  let ws: WebSocket | null = null;
  let nextId = 1;
  let delay = RECONNECT_MIN_MS;
  let stopped = false;
  const status = (s: WsStatus): void => statusFns.forEach((fn) => fn(s));

  const connect = (): void => {
    status({ state: 'connecting' });
    const sock = new WebSocket(url);
    ws = sock;
    sock.onmessage = (m: MessageEvent<string>) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(m.data) as ServerMessage;
      } catch {
        return;
      }
      if (msg.kind === 'hello') {
        delay = RECONNECT_MIN_MS;
        for (const q of queue.splice(0)) sock.send(q);
        status({ state: 'open', role: msg.role });
      } else if (msg.kind === 'result') {
        pending.get(msg.id)?.(msg.result);
        pending.delete(msg.id);
      } else if (msg.kind === 'event') {
        eventFns.forEach((fn) => fn(msg.event));
      }
    };
    sock.onclose = () => {
      if (ws !== sock) return;
      ws = null;
      // Queued texts belong to the pending calls failed below: they must never be sent later.
      queue.length = 0;
      for (const [id, resolve] of pending) {
        resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'the connection to the console dropped', hint: 'it reconnects by itself; try again in a moment' } });
        pending.delete(id);
      }
      status({ state: 'closed' });
      if (stopped) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, RECONNECT_MAX_MS);
    };
  };
  connect();

  return {
    transport: 'bridge',
    call<K extends CommandName>(name: K, req: CommandReq<K>): Promise<ApiResult<K>> {
      const id = nextId++;
      const msg: ClientMessage = { id, name, req };
      const text = JSON.stringify(msg);
      return new Promise((resolve) => {
        pending.set(id, resolve as (r: ApiResult<CommandName>) => void);
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
        else queue.push(text);
      });
    },
    onEvent(fn) {
      eventFns.add(fn);
      return () => eventFns.delete(fn);
    },
    onStatus(fn) {
      statusFns.add(fn);
      return () => statusFns.delete(fn);
    },
    close() {
      stopped = true;
      ws?.close();
    },
  };
}

/**
 * ws://host/ws?token=… for the page we were loaded from (wss:// when the page came over HTTPS: a
 * console on a non-loopback address serves only TLS); null when the URL has no token.
 */
export function bridgeSocketUrl(loc: Pick<Location, 'host' | 'search' | 'protocol'>): string | null {
  const token = new URLSearchParams(loc.search).get('token');
  if (!token) return null;
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${WS_PATH}?token=${encodeURIComponent(token)}`;
}
