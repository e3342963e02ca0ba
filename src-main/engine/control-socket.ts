import { createConnection, createServer, type Server } from 'node:net';
import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { StopReport } from './stop-controller.js';

/**
 * A running run listens on a unix socket in the workspace (`control/<runId>.sock`, mode 0700 dir)
 * so `gameday stop` from another terminal reaches the same STOP controller. One JSON line in, one
 * JSON line out.
 */
export interface ControlRequest {
  cmd: 'stop' | 'status';
  reason?: string;
  actor?: string;
}

export function listenControl(dir: string, runId: string, handle: (req: ControlRequest) => Promise<unknown>, onError: (e: Error) => void = () => undefined): { path: string; close(): void } {
  const path = join(dir, `${runId}.sock`);
  if (existsSync(path)) unlinkSync(path);
  const server: Server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      let req: ControlRequest;
      try {
        req = JSON.parse(buf.slice(0, nl)) as ControlRequest;
      } catch {
        sock.end(`${JSON.stringify({ error: 'bad request' })}\n`);
        return;
      }
      handle(req).then(
        (res) => sock.end(`${JSON.stringify(res)}\n`),
        (e: Error) => sock.end(`${JSON.stringify({ error: e.message })}\n`),
      );
    });
    sock.on('error', () => undefined);
  });
  server.on('error', (e: Error) => {
    try {
      onError(e);
    } catch {
      // Nothing about this socket may end the run.
    }
  });
  server.listen(path);
  server.unref();
  return {
    path,
    close() {
      server.close();
      if (existsSync(path)) unlinkSync(path);
    },
  };
}

/** Send STOP to every run listening in `dir` (or only `runId`); stale sockets are removed. */
export async function sendStop(dir: string, req: ControlRequest, runId?: string): Promise<Array<{ runId: string; report?: StopReport; error?: string }>> {
  const socks = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sock') && (!runId || f === `${runId}.sock`)) : [];
  return Promise.all(
    socks.map(
      (f) =>
        new Promise<{ runId: string; report?: StopReport; error?: string }>((resolve) => {
          const id = f.replace(/\.sock$/, '');
          const c = createConnection(join(dir, f));
          let buf = '';
          c.setEncoding('utf8');
          c.on('connect', () => c.write(`${JSON.stringify(req)}\n`));
          c.on('data', (d: string) => (buf += d));
          c.on('end', () => {
            try {
              const res = JSON.parse(buf) as StopReport & { error?: string };
              resolve(res.error ? { runId: id, error: res.error } : { runId: id, report: res });
            } catch {
              resolve({ runId: id, error: 'no answer' });
            }
          });
          c.on('error', (e: NodeJS.ErrnoException) => {
            if (e.code === 'ECONNREFUSED' || e.code === 'ENOENT') {
              try {
                unlinkSync(join(dir, f));
              } catch {
                /* already gone */
              }
              resolve({ runId: id, error: 'not running (stale socket removed)' });
            } else resolve({ runId: id, error: e.message });
          });
        }),
    ),
  );
}
