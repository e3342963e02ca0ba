/**
 * The bridge's WebSocket wire format. Client → server: `{ id, name, req }`. Server → client: a
 * `result` for each request id, `event`s from the engine, one `hello` on connect, and `error` for a
 * message that could not be read at all. The renderer imports only the types.
 */
import { z } from 'zod';
import type { ApiError, ApiResult, CommandName } from '../api/commands.js';
import type { EngineEvent } from '../api/events.js';

/** Request ids are the client's counter; 2^31 keeps them exact in every JSON parser. */
const MAX_REQUEST_ID = 2 ** 31 - 1;

export const clientMessageSchema = z
  .object({
    id: z.number().int().min(0).max(MAX_REQUEST_ID),
    name: z.string().min(1).max(64),
    req: z.unknown(),
  })
  .strict();

export type ClientMessage = { id: number; name: CommandName; req: unknown };

export type ServerMessage =
  | { kind: 'hello'; role: 'commander' | 'observer' | 'trainee'; version: 1 }
  | { kind: 'result'; id: number; result: ApiResult<CommandName> }
  | { kind: 'event'; event: EngineEvent }
  | { kind: 'error'; error: ApiError };

/** Largest client message: a 1 MiB scenario text (the contract's limit) plus JSON escaping. */
export const MAX_CLIENT_MESSAGE_BYTES = 4 * 1024 * 1024;

/** WebSocket path on the bridge. */
export const WS_PATH = '/ws';
