/**
 * The loopback bridge: serves the built renderer and the console API (HTTP + WebSocket) on
 * 127.0.0.1 at a random port, for a browser, a second screen, or Playwright. Three tokens — the
 * commander's, the read-only observer's and the trainees' (drills: hidden faults redacted per
 * connection) — each in its own URL. Every request and upgrade is
 * checked: Host (DNS rebinding), Origin (other sites), token (constant time), then the contract.
 * Beyond loopback it speaks only TLS (HTTPS + WSS): the tokens travel in URLs and cookies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ConsoleBackend, EngineEvent } from '../api/index.js';
import { cookieName, readCookie, TokenPair, type BridgeRole } from './auth.js';
import { checkHost, checkOrigin, type GuardOptions } from './origin-guard.js';
import { certFingerprint } from './tls.js';
import { BridgeConnection } from './ws-connection.js';
import { MAX_CLIENT_MESSAGE_BYTES, WS_PATH } from '../api/index.js';
import { contentSecurityPolicy, resolveStatic, securityHeaders, sendFile, sendText } from './static-files.js';

export interface BridgeOptions {
  backend: ConsoleBackend;
  /** The built renderer (out/renderer). Without it only the API is served. */
  rendererDir?: string;
  /** Default 127.0.0.1. Anything else needs `allowRemote`. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /** Explicit consent to bind beyond loopback (`gameday console --host X`). */
  allowRemote?: boolean;
  /** Serve HTTPS/WSS with this key and certificate (PEM). Required beyond loopback. */
  tls?: { key: string; cert: string };
}

export interface Bridge {
  readonly port: number;
  readonly host: string;
  /** Commander URL (full control). */
  readonly url: string;
  /** Read-only observer URL. */
  readonly observerUrl: string;
  /** Trainee URL (drills: declare, notes, shells; hidden faults never sent). */
  readonly traineeUrl: string;
  /** SHA-256 fingerprint of the TLS certificate, when serving TLS. */
  readonly fingerprint?: string;
  /** Connected WebSocket clients right now. */
  clients(): number;
  close(): Promise<void>;
}

/** ws close code 1001 "going away". */
const CLOSE_GOING_AWAY = 1001;

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Start the bridge; resolves once it listens. */
export async function startBridge(o: BridgeOptions): Promise<Bridge> {
  const host = o.host ?? '127.0.0.1';
  if (!isLoopback(host) && !o.allowRemote) {
    throw Object.assign(new Error(`refusing to listen on ${host}: the console is loopback-only`), {
      code: 'NOT_LOOPBACK',
      hint: 'pass the explicit flag that allows a non-loopback address, and share the observer URL only',
    });
  }
  if (!isLoopback(host) && !o.tls) {
    throw Object.assign(new Error(`refusing to listen on ${host} without TLS: plain HTTP stays on loopback`), {
      code: 'NEEDS_TLS',
      hint: 'give the bridge a certificate (gameday console --host makes one per workspace)',
    });
  }
  const tokens = new TokenPair();
  const conns = new Set<BridgeConnection>();
  const server: Server = o.tls ? createTlsServer({ key: o.tls.key, cert: o.tls.cert }) : createServer();
  const fingerprint = o.tls ? certFingerprint(o.tls.cert) : undefined;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const guard: GuardOptions = { port, bindHost: host, allowRemote: Boolean(o.allowRemote), tls: Boolean(o.tls) };
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const csp = contentSecurityPolicy(`${o.tls ? 'wss' : 'ws'}://${urlHost}:${port}`);
  const headers = securityHeaders(csp);

  /** Token from ?token= or from the per-port cookie set when index.html was first loaded. */
  const roleOf = (req: IncomingMessage, url: URL): BridgeRole | null =>
    tokens.roleOf(url.searchParams.get('token') ?? readCookie(req.headers.cookie, cookieName(port)));

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://bridge.invalid');
    if (!checkHost(req.headers.host, guard)) return sendText(res, 421, 'wrong Host header (DNS rebinding?)', headers);
    if (!checkOrigin(req.headers.origin, guard)) return sendText(res, 403, 'cross-origin request refused', headers);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed', { ...headers, Allow: 'GET, HEAD' });
    const qToken = url.searchParams.get('token');
    const role = roleOf(req, url);
    if (!role) return sendText(res, 401, 'missing or wrong token: open the URL that `gameday console` printed', headers);
    if (!o.rendererDir) return sendText(res, 404, 'this console serves the API only (renderer not built: npx electron-vite build)', headers);
    const file = resolveStatic(o.rendererDir, url.pathname);
    if (!file) return sendText(res, 404, 'not found', headers);
    // Assets load without ?token=: a cookie (HttpOnly, SameSite=Strict, this port only) lets them in.
    const extra: Record<string, string> = qToken && tokens.roleOf(qToken) ? { 'Set-Cookie': `${cookieName(port)}=${qToken}; HttpOnly; SameSite=Strict; Path=/${o.tls ? '; Secure' : ''}` } : {};
    sendFile(res, file, { ...headers, ...extra }, req.method === 'HEAD');
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://bridge.invalid');
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!checkHost(req.headers.host, guard)) return refuse(421, 'Misdirected Request');
    if (!checkOrigin(req.headers.origin, guard)) return refuse(403, 'Forbidden');
    const role = roleOf(req, url);
    if (!role) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new BridgeConnection(ws, o.backend, { role, transport: 'bridge' });
      conns.add(conn);
      ws.on('close', () => conns.delete(conn));
    });
  });

  const unsubscribe = o.backend.onEvent((e) => {
    if (conns.size === 0) return;
    const text = JSON.stringify({ kind: 'event', event: e });
    // Trainees and observers get the backend's redacted form during a drill (computed once for all of them), or nothing.
    let forTrainees: { e: EngineEvent; text: string } | null | undefined;
    for (const c of conns) {
      if (c.caller.role === 'commander' || !o.backend.eventFor) {
        c.deliver(e, text);
        continue;
      }
      if (forTrainees === undefined) {
        const r = o.backend.eventFor(e, c.caller.role);
        forTrainees = r === null ? null : { e: r, text: r === e ? text : JSON.stringify({ kind: 'event', event: r }) };
      }
      if (forTrainees) c.deliver(forTrainees.e, forTrainees.text);
    }
  });

  const base = `${o.tls ? 'https' : 'http'}://${urlHost}:${port}/`;
  o.backend.bridgeListening?.({ traineeUrl: `${base}?token=${tokens.trainee}` });
  return {
    port,
    host,
    url: `${base}?token=${tokens.commander}`,
    observerUrl: `${base}?token=${tokens.observer}`,
    traineeUrl: `${base}?token=${tokens.trainee}`,
    fingerprint,
    clients: () => conns.size,
    async close() {
      unsubscribe();
      for (const c of conns) c.close(CLOSE_GOING_AWAY, 'console shutting down');
      conns.clear();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
