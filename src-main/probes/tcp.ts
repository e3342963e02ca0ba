/**
 * TCP probe: connect, then close at once. value = connect latency in ms (SYN → established).
 * Healthy = the connection was accepted within the timeout.
 */
import net from 'node:net';
import { nowMs, round1 } from './clock.js';
import { describeNetError, timeoutMessage } from './net-errors.js';
import { failed, sampleAt, type Probe } from './probe.js';
import { fillAddress } from './template.js';
import type { ProbeTarget, Sample, TcpProbeSpec } from './types.js';

/** Connect to host:port; resolves with latency or a plain error. Never rejects; honours `signal`. */
export function tcpConnect(host: string, port: number, signal: AbortSignal): Promise<{ ok: true; latencyMs: number } | { ok: false; error: string; aborted: boolean; latencyMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = new net.Socket();
    let done = false;
    const finish = (r: { ok: true; latencyMs: number } | { ok: false; error: string; aborted: boolean; latencyMs: number }): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      // destroy(), not end(): a probe needs no FIN handshake, and it frees the socket at once.
      sock.destroy();
      resolve(r);
    };
    function onAbort(): void {
      finish({ ok: false, error: 'aborted', aborted: true, latencyMs: performance.now() - t0 });
    }
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    sock.once('connect', () => finish({ ok: true, latencyMs: performance.now() - t0 }));
    sock.once('error', (err) => finish({ ok: false, error: describeNetError(err), aborted: false, latencyMs: performance.now() - t0 }));
    sock.connect({ host, port });
  });
}

export function createTcpProbe(spec: TcpProbeSpec): Probe {
  async function run(target: ProbeTarget, signal: AbortSignal): Promise<Sample> {
    const t = nowMs();
    let addr: { host: string; port: number };
    try {
      addr = fillAddress(spec.address, target.node);
    } catch (e) {
      return failed(spec.id, target, t, (e as Error).message, 0);
    }
    const r = await tcpConnect(addr.host, addr.port, signal);
    if (!r.ok) return failed(spec.id, target, t, r.aborted ? timeoutMessage(spec.timeoutMs) : r.error, r.latencyMs);
    return sampleAt(spec.id, target, t, { value: round1(r.latencyMs), healthy: true, latencyMs: r.latencyMs });
  }
  return { id: spec.id, run, dispose: () => undefined };
}
