/**
 * A TCP listener that applies a simulated node's firewall before anything answers: the connection
 * is handed on (SSH server, HTTP server) only when the node's INPUT/OUTPUT chains let the handshake
 * through. A DROP leaves the client hanging (like a SYN into a black hole, as far as a loopback
 * listener can imitate it), a REJECT resets the connection, packet loss delays it.
 */
import net from 'node:net';
import { SimLabError } from './types.js';
import type { PathOutcome } from './node-view.js';

/** Linux's first SYN retransmission (1 s), doubling; tcp_syn_retries=6 gives up after ~127 s. */
const SYN_RTO_MS = 1000;
const SYN_GIVE_UP_MS = 127_000;

/**
 * Retransmission: re-check a dropped packet's path at `firstMs`, then doubling intervals, as TCP
 * retransmits it; `pass` once the path opens (a healed partition lets a waiting client through),
 * `fail` after `giveUpMs`. Returns a cancel function.
 */
export function retransmit(check: () => PathOutcome, firstMs: number, giveUpMs: number, pass: (o: PathOutcome) => void, fail: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let waited = 0;
  const step = (ms: number) => {
    timer = setTimeout(() => {
      waited += ms;
      let out: PathOutcome;
      try {
        out = check();
      } catch {
        out = { action: 'pass', delayMs: 0 };
      }
      if (out.action !== 'drop') return pass(out);
      if (waited >= giveUpMs) return fail();
      step(Math.min(ms * 2, giveUpMs - waited));
    }, ms);
  };
  step(firstMs);
  return () => clearTimeout(timer);
}

export interface Gate {
  server: net.Server;
  port: number;
  close(): Promise<void>;
}

/**
 * Listen on host:port (0 = any free port); `decide` sees each new connection, `pass` gets the
 * sockets allowed through. `EADDRINUSE` and friends become a typed SimLabError.
 */
export async function listenGated(host: string, port: number, decide: (s: net.Socket) => PathOutcome, pass: (s: net.Socket) => void): Promise<Gate> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const server = net.createServer({ pauseOnConnect: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    const safe = (): PathOutcome => {
      try {
        return decide(s);
      } catch {
        return { action: 'pass', delayMs: 0 };
      }
    };
    const settle = (out: PathOutcome) => {
      if (out.action === 'reject') return later(out.delayMs, () => s.resetAndDestroy());
      later(out.delayMs, () => {
        if (s.destroyed) return;
        pass(s);
        s.resume();
      });
    };
    const out = safe();
    if (out.action !== 'drop') return settle(out);
    // A dropped SYN: the client waits and retransmits; when the rule goes away it gets through.
    const cancel = retransmit(safe, SYN_RTO_MS, SYN_GIVE_UP_MS, settle, () => s.destroy());
    s.on('close', cancel);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new SimLabError('LISTEN', `cannot listen on ${host}:${port}: ${e.code ?? e.message}`, e.code === 'EADDRNOTAVAIL' ? 'this system routes only 127.0.0.1 on loopback' : e.code === 'EADDRINUSE' ? 'another program uses that port' : undefined)));
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Can this machine listen on `host` (a 127.x.y.z alias)? Linux routes all of 127/8 to lo; macOS only 127.0.0.1. */
export async function canBind(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(0, host, () => s.close(() => resolve(true)));
  });
}
