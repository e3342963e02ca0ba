/**
 * One WebSocket client of the bridge: reads requests, validates them (envelope, name, role, request
 * schema) and answers each with a result; malformed input gets an error message, never a crash.
 * Shell output goes only to the connection that opened that shell: a terminal is private.
 */
import type { WebSocket, RawData } from 'ws';
import { clientMessageSchema, WIRE_VERSION, type ConsoleBackend, type EngineEvent, type ServerMessage } from '../api/index.js';
import { apiError, dispatch, type Caller } from '../console/index.js';

/**
 * A client whose socket buffer grows past this is not keeping up (a frozen tab, a dead laptop
 * lid): it is closed and reconnects to a fresh snapshot, instead of the bridge buffering forever.
 */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** WebSocket close code 1013 "try again later": tells the client to reconnect. */
const CLOSE_TRY_AGAIN = 1013;

export class BridgeConnection {
  private readonly shells = new Set<string>();
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly backend: ConsoleBackend,
    readonly caller: Caller,
  ) {
    ws.on('message', (data, isBinary) => void this.onMessage(data, isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
    this.send({ kind: 'hello', role: caller.role, version: WIRE_VERSION });
  }

  /** Forward one engine event if this client should see it. */
  deliver(e: EngineEvent, serialized: string): void {
    if ((e.type === 'shell.output' || e.type === 'shell.closed') && !this.shells.has(e.shellId)) return;
    if (e.type === 'shell.closed') this.shells.delete(e.shellId);
    this.sendRaw(serialized);
  }

  private async onMessage(data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) return this.send({ kind: 'error', error: apiError('BAD_MESSAGE', 'binary messages are not accepted') });
    let json: unknown;
    try {
      json = JSON.parse(rawToString(data));
    } catch {
      return this.send({ kind: 'error', error: apiError('BAD_MESSAGE', 'not JSON') });
    }
    const env = clientMessageSchema.safeParse(json);
    if (!env.success) return this.send({ kind: 'error', error: apiError('BAD_MESSAGE', 'expected {id, name, req}') });
    const { id, name, req } = env.data;
    const result = await dispatch(this.backend, name, req, this.caller);
    if (result.ok && name === 'shell.open') {
      const shellId = (result.value as { shellId?: unknown }).shellId;
      if (typeof shellId === 'string') this.shells.add(shellId);
    }
    this.send({ kind: 'result', id, result });
  }

  private send(m: ServerMessage): void {
    this.sendRaw(JSON.stringify(m));
  }

  private sendRaw(text: string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.close(CLOSE_TRY_AGAIN, 'client too slow; reconnect for a fresh snapshot');
      this.dispose();
      return;
    }
    this.ws.send(text);
  }

  /** Close shells this client opened (a closed tab must not leave a root shell open) and forget it. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const shellId of this.shells) void dispatch(this.backend, 'shell.close', { shellId }, this.caller);
    this.shells.clear();
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
    this.dispose();
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
