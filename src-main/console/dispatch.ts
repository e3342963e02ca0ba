/**
 * One door into the backend for both transports (Electron IPC and the loopback bridge): the name
 * must be in the contract, the caller's role must allow it, the request must pass the command's zod
 * schema, and every failure comes back as data `{code, message, hint}` — never a stack trace.
 */
import { z } from 'zod';
import { checkFields } from '../api/index.js';
import { ApiFailure, commands, traineeMay, type ApiError, type ApiResult, type CommandName, type CommandReq, type ConsoleBackend, type Caller } from '../api/index.js';

export { COMMAND_NAMES, type Caller } from '../api/index.js';

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}

/**
 * May this role call this command? Observers get the read-only ones, nothing else; trainees also
 * the few a drill needs (declare, notes, their own shells: `traineeMay`).
 */
export function allowed(role: Caller['role'], name: CommandName): boolean {
  if (role === 'commander') return true;
  if (role === 'trainee') return traineeMay(name);
  return commands[name].readOnly;
}

export function apiError(code: string, message: string, hint?: string): ApiError {
  return hint === undefined ? { code, message } : { code, message, hint };
}

/**
 * Errors the backend throws on purpose carry a code: ApiFailure, and typed errors from the lower
 * layers (SshError, ScenarioError, …) that share the `{code, message, hint}` shape. Anything else
 * is a bug: its message is kept, its stack is not sent.
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiFailure) return apiError(e.code, e.message, e.hint);
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const hint = (e as { hint?: unknown }).hint;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return apiError(code, e.message, typeof hint === 'string' ? hint : undefined);
    return apiError('INTERNAL', e.message, 'an unexpected error inside the console (a bug); the console log has details');
  }
  return apiError('INTERNAL', String(e));
}

/** A schema failure as what/why/hint: the first issue names its field; the rest are counted. */
function schemaError(name: CommandName, error: z.ZodError): ApiError {
  const first = error.issues[0];
  const field = first?.path.length ? first.path.map(String).join('.') : '';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  const why = first?.code === 'unrecognized_keys' ? `has unknown field${first.keys.length > 1 ? 's' : ''} ${first.keys.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}` : first?.message ?? 'is not valid';
  const hint = first?.code === 'unrecognized_keys' ? 'the client and the console are different versions? send only the fields of this command' : `see the ${name} request in src-main/api/commands.ts`;
  return apiError('INVALID_REQUEST', `${name}: ${field ? `${field} ` : ''}${why}${more}`, hint);
}

async function callTyped<K extends CommandName>(backend: ConsoleBackend, name: K, req: unknown, caller: Caller): Promise<ApiResult<K>> {
  // The request was validated against commands[name].req just before: the cast states that fact.
  const value = await backend.handle(name, req as CommandReq<K>, caller);
  return { ok: true, value };
}

/**
 * Validate and run one command. `name` and `req` are untrusted (they come from a renderer or a
 * socket); nothing reaches the backend before passing the contract.
 */
export async function dispatch(backend: ConsoleBackend, name: unknown, req: unknown, caller: Caller): Promise<ApiResult<CommandName>> {
  if (!isCommandName(name)) {
    return { ok: false, error: apiError('UNKNOWN_COMMAND', `no such command: ${String(name).slice(0, 64)}`, 'the client and the console are different versions?') };
  }
  if (!allowed(caller.role, name)) {
    return caller.role === 'trainee'
      ? { ok: false, error: apiError('FORBIDDEN', `trainees cannot call ${name}`, 'this is a trainee screen: declare, take notes and use the shells; the facilitator drives the run') }
      : { ok: false, error: apiError('FORBIDDEN', `observers cannot call ${name}`, 'this is a read-only observer screen; the commander drives the run') };
  }
  // Field rules first (api/fields.ts): hostile text never reaches the schema's messages or the backend.
  const bad = checkFields(name, req);
  if (bad) return { ok: false, error: apiError('INVALID_REQUEST', `${name}: ${bad.field} ${bad.why}`, bad.hint) };
  const parsed = commands[name].req.safeParse(req ?? {});
  if (!parsed.success) return { ok: false, error: schemaError(name, parsed.error) };
  try {
    return await callTyped(backend, name, parsed.data, caller);
  } catch (e) {
    const error = toApiError(e);
    if (error.code === 'INTERNAL') process.stderr.write(`gameday: ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return { ok: false, error };
  }
}
