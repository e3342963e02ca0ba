/**
 * The bridge's WebSocket wire format as the renderer sees it. The bridge declares the same shape in
 * src-main/bridge/protocol.ts; the renderer may import only the API contract from src-main, so
 * the type is restated here and a unit test (bridge.test.ts) proves the two stay identical.
 */
import type { ApiError, ApiResult, CommandName, EngineEvent } from '../../src-main/api/index.js';

export type ServerMessage =
  | { kind: 'hello'; role: 'commander' | 'observer' | 'trainee'; version: 1 }
  | { kind: 'result'; id: number; result: ApiResult<CommandName> }
  | { kind: 'event'; event: EngineEvent }
  | { kind: 'error'; error: ApiError };

/** What the renderer sends: one command call with the client's request id. */
export interface ClientMessage {
  id: number;
  name: CommandName;
  req: unknown;
}
