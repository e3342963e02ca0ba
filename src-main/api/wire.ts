/**
 * The bridge's WebSocket wire format, written once for both ends (src-main/bridge reads and writes
 * it; src-renderer/transport speaks it from a browser). Client → server: `{ id, name, req }`.
 * Server → client: one `hello` on connect, a `result` for each request id, `event`s from the
 * engine, and `error` for a message that could not be read at all.
 */
import { z } from 'zod';
import type { ApiError, ApiResult, CommandName } from './commands.js';
import type { EngineEvent } from './events.js';
import type { Role } from './roles.js';

/** WebSocket path on the bridge; the page's token rides in its query (`?token=`). */
export const WS_PATH = '/ws';

/** The wire format's version, sent in `hello`: a client can tell an incompatible console apart. */
export const WIRE_VERSION = 1;

/** Request ids are the client's counter; 2^31 keeps them exact in every JSON parser. */
const MAX_REQUEST_ID = 2 ** 31 - 1;

/** Largest client message: a 1 MiB scenario text (the contract's limit) plus JSON escaping. */
export const MAX_CLIENT_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * The envelope the bridge accepts. `name` is checked against the contract (and `req` against that
 * command's schema) by the dispatcher, so an unknown name is answered as data, not dropped here.
 */
export const clientMessageSchema = z
  .object({
    id: z.number().int().min(0).max(MAX_REQUEST_ID),
    name: z.string().min(1).max(64),
    req: z.unknown(),
  })
  .strict();

/** What a client sends: one command call with the client's request id. */
export type ClientMessage = { id: number; name: CommandName; req: unknown };

export type ServerMessage =
  | { kind: 'hello'; role: Role; version: typeof WIRE_VERSION }
  | { kind: 'result'; id: number; result: ApiResult<CommandName> }
  | { kind: 'event'; event: EngineEvent }
  | { kind: 'error'; error: ApiError };
