import type { CommandName, CommandReq, CommandRes } from './commands.js';
import type { EngineEvent } from './events.js';
import type { Caller, Role } from './roles.js';

/**
 * What the Electron IPC handlers and the loopback bridge sit on: the console service in
 * src-main/engine implements it. Requests arrive already validated against `commands[name].req`;
 * expected failures are thrown as `ApiFailure` (code, message, hint) and cross the boundary as data.
 */
export interface ConsoleBackend {
  handle<K extends CommandName>(name: K, req: CommandReq<K>, who: Caller): Promise<CommandRes<K>>;
  onEvent(fn: (e: EngineEvent) => void): () => void;
  /**
   * The event as a client of `role` may see it: trainees of a live drill get it redacted, or not at
   * all (null). Absent: every role sees every event.
   */
  eventFor?(e: EngineEvent, role: Role): EngineEvent | null;
  /** The bridge is listening: the trainee URL, which the facilitator's screen shows (app.info, commander only). */
  bridgeListening?(links: { traineeUrl: string }): void;
}

export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
