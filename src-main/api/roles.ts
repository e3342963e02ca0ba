/**
 * Who is on the other end of the contract — the one `Role` every layer uses (dispatch, bridge
 * tokens, drill redaction, the wire's hello, the renderer's status). Written once here so a new
 * role cannot be added in one place and forgotten in another.
 */
import { z } from 'zod';

/**
 * A console session's role. The commander drives the run (every command, STOP); an observer sees
 * the room's screen and may call only the read-only commands; a trainee (drills) sees a redacted
 * view and may also declare, take notes and use shells.
 */
export const roleSchema = z.enum(['commander', 'observer', 'trainee']);
export type Role = z.infer<typeof roleSchema>;

/** How a client reached the console: the Electron window over IPC, or a browser over the bridge. */
export const transportKindSchema = z.enum(['electron', 'bridge']);
export type TransportKind = z.infer<typeof transportKindSchema>;

/** Who is calling: the role decides which commands are allowed; the transport is recorded. */
export const callerSchema = z.object({ role: roleSchema, transport: transportKindSchema });
export type Caller = z.infer<typeof callerSchema>;

/**
 * The hats people wear in the room, as a note's author picks them in the scribe log. Not a session
 * role: it grants nothing (notes carry it as text).
 */
export const roomRoleSchema = z.enum(['commander', 'scribe', 'injector', 'observer', 'facilitator', 'trainee']);
