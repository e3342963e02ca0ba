/**
 * The contract as named verbs: `gameday.run.start(req)`, `gameday.app.info()` — one function per
 * command, grouped by the name's prefix. The Electron preload exposes exactly these (never
 * ipcRenderer, never a forward-anything `call`); the renderer turns them back into the one
 * `call(name, req)` every transport offers. No zod here: the sandboxed preload bundles this file.
 */
import type { ApiResult, CommandName, CommandReq, GamedayApi } from './commands.js';
import type { DesktopApi } from './desktop.js';
import type { EngineEvent } from './events.js';

/**
 * Every command name, in the contract's order. Listed here (the zod map lives in commands.ts) so
 * the preload needs no zod; the check below fails to compile if this list and the contract drift
 * apart in either direction.
 */
export const COMMAND_NAMES = [
  'app.info', 'scenario.list', 'scenario.open', 'scenario.validate', 'scenario.save', 'inventory.nodes', 'inventory.check', 'preflight.run',
  'run.start', 'run.snapshot', 'run.pause', 'run.resume', 'run.advance', 'run.skip', 'run.approve', 'run.reject', 'run.checklist', 'run.note', 'run.stop',
  'runs.list', 'runs.interrupted', 'runs.reconcile', 'report.preview', 'report.export', 'audit.export', 'audit.events', 'audit.verify',
  'shell.open', 'shell.input', 'shell.resize', 'shell.ack', 'shell.close',
  'drill.state', 'drill.declare', 'drill.hint', 'drill.rule', 'run.debrief',
] as const satisfies readonly CommandName[];
type Unlisted = Exclude<CommandName, (typeof COMMAND_NAMES)[number]>;
const everyCommandListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyCommandListed;

/** `run` for 'run.start': the namespace a command's verb lives in on window.gameday. */
export type CommandGroup = CommandName extends infer N ? (N extends `${infer G}.${string}` ? G : never) : never;
type VerbOf<N extends CommandName, G extends string> = N extends `${G}.${infer V}` ? V : never;

/** One command as a function; a command whose request is empty may be called with no argument. */
export type Verb<N extends CommandName> = {} extends CommandReq<N> ? (req?: CommandReq<N>) => Promise<ApiResult<N>> : (req: CommandReq<N>) => Promise<ApiResult<N>>;

/** Every command of the contract as `verbs[group][verb](req)`. */
export type CommandVerbs = { readonly [G in CommandGroup]: { readonly [N in CommandName as VerbOf<N, G>]: Verb<N> } };

/** window.gameday under Electron: the verbs, engine events (with an unsubscribe) and the desktop verbs. */
export type WindowGameday = CommandVerbs & {
  readonly transport: 'electron';
  onEvent(fn: (e: EngineEvent) => void): () => void;
  readonly desktop: DesktopApi;
};

/** A transport's one door: send a command by name, get its result as data. */
export type CallFn = (name: CommandName, req: unknown) => Promise<ApiResult<CommandName>>;

/** Split 'run.start' into ['run', 'start'] (at the first dot: verbs have none). */
export function splitCommandName(name: string): [group: string, verb: string] {
  const dot = name.indexOf('.');
  return dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1)];
}

/** Build the named verbs on top of one `call`; a verb called with no request sends `{}`. */
export function verbsFor(call: CallFn): CommandVerbs {
  const groups: Record<string, Record<string, (req?: unknown) => Promise<ApiResult<CommandName>>>> = {};
  for (const name of COMMAND_NAMES) {
    const [group, verb] = splitCommandName(name);
    (groups[group] ??= {})[verb] = (req?: unknown) => call(name, req ?? {});
  }
  // The loop above fills exactly the shape CommandVerbs describes (one entry per COMMAND_NAMES
  // item, which the check above ties to the contract); TypeScript cannot follow a loop into a
  // mapped type, hence the one cast.
  return groups as unknown as CommandVerbs;
}

/**
 * The other way round: the renderer's `call(name, req)` over window.gameday's verbs. Only the
 * contract's names are looked up (window.gameday also holds onEvent and the desktop verbs); any
 * other name is answered as data, as the bridge answers it.
 */
export function callThroughVerbs(verbs: CommandVerbs): GamedayApi['call'] {
  const known = new Set<string>(COMMAND_NAMES);
  const table = verbs as unknown as Record<string, Record<string, ((req: unknown) => Promise<ApiResult<CommandName>>) | undefined> | undefined>;
  return <K extends CommandName>(name: K, req: CommandReq<K>): Promise<ApiResult<K>> => {
    const [group, verb] = splitCommandName(name);
    const fn = known.has(name) ? table[group]?.[verb] : undefined;
    if (typeof fn !== 'function') return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_COMMAND', message: `no such command: ${String(name)}` } });
    return fn(req) as Promise<ApiResult<K>>;
  };
}
