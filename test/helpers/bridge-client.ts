/** A tiny WebSocket client of the bridge for unit tests: call by id, collect events. */
import { WebSocket } from 'ws';
import type { ApiResult, CommandName, EngineEvent, ServerMessage } from '../../src-main/api/index.js';

export interface TestClient {
  hello: ServerMessage;
  events: EngineEvent[];
  call(name: CommandName, req: unknown): Promise<ApiResult<CommandName>>;
  raw(data: string | Buffer): Promise<ServerMessage>;
  nextEvent(pred: (e: EngineEvent) => boolean): Promise<EngineEvent>;
  close(): void;
}

export async function openClient(port: number, token: string): Promise<TestClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
  const pending = new Map<number, (r: ApiResult<CommandName>) => void>();
  const loose: Array<(m: ServerMessage) => void> = [];
  const waiters: Array<{ pred: (e: EngineEvent) => boolean; resolve: (e: EngineEvent) => void }> = [];
  const events: EngineEvent[] = [];
  let id = 0;
  const hello = await new Promise<ServerMessage>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as ServerMessage;
      if (m.kind === 'hello') return resolve(m);
      if (m.kind === 'result') return pending.get(m.id)?.(m.result);
      if (m.kind === 'event') {
        events.push(m.event);
        for (const w of [...waiters]) if (w.pred(m.event)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m.event); }
        return;
      }
      loose.shift()?.(m);
    });
  });
  return {
    hello,
    events,
    call(name, req) {
      const myId = ++id;
      return new Promise((resolve) => {
        pending.set(myId, resolve);
        ws.send(JSON.stringify({ id: myId, name, req }));
      });
    },
    raw(data) {
      return new Promise((resolve) => {
        loose.push(resolve);
        ws.send(data);
      });
    },
    nextEvent(pred) {
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    close: () => ws.close(),
  };
}
