/**
 * The closed registry of fault kinds. Modules register themselves from index.ts; the engine looks
 * them up by id and resolves parameters (preset + explicit values, validated) through here.
 */
import { describeIssues } from './schemas.js';
import type { FaultModule, Intensity } from './types.js';

const faults = new Map<string, FaultModule<never>>();
/** Per-module "is this particular use one-shot?" predicates (e.g. process-kill without repeat). */
const oneShotWhen = new Map<string, (params: never) => boolean>();

/** Parameters failed validation; `issues` are plain sentences naming each parameter. */
export class FaultParamsError extends Error {
  readonly code = 'FAULT_PARAMS';
  constructor(
    readonly faultId: string,
    readonly issues: string[],
  ) {
    super(`${faultId}: ${issues.join('; ')}`);
  }
}

/** No fault kind with that id. */
export class UnknownFault extends Error {
  readonly code = 'UNKNOWN_FAULT';
}

/**
 * Add a fault kind. Ids are unique; registering the same module object twice is a no-op (index.ts
 * may be imported from several entry points), a different module with a taken id is a bug.
 */
export function registerFault<P>(mod: FaultModule<P>, opts: { oneShotWhen?: (params: P) => boolean } = {}): void {
  const existing = faults.get(mod.id);
  if (existing && existing !== (mod as unknown)) throw new Error(`fault id ${mod.id} is already registered`);
  faults.set(mod.id, mod as unknown as FaultModule<never>);
  if (opts.oneShotWhen) oneShotWhen.set(mod.id, opts.oneShotWhen as (params: never) => boolean);
}

/** The module for an id; throws UnknownFault naming the known ids. */
export function getFault(id: string): FaultModule<unknown> {
  const mod = faults.get(id);
  if (!mod) throw new UnknownFault(`unknown fault "${id}"; known: ${[...faults.keys()].sort().join(', ')}`);
  return mod as unknown as FaultModule<unknown>;
}

/** Every registered module, sorted by category then id (stable order for UI and docs). */
export function listFaults(): Array<FaultModule<unknown>> {
  return [...faults.values()]
    .map((m) => m as unknown as FaultModule<unknown>)
    .sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
}

/** Is this use of the module one-shot (nothing to revert)? */
export function isOneShot<P>(mod: FaultModule<P>, params: P): boolean {
  if (mod.oneShot) return true;
  const pred = oneShotWhen.get(mod.id) as ((p: P) => boolean) | undefined;
  return pred ? pred(params) : false;
}

export type ResolveResult<P> = { ok: true; params: P } | { ok: false; issues: string[] };

/**
 * Preset of `intensity` (if given) overlaid with explicit `params`, then validated by the module's
 * strict schema. Returns issues as plain sentences instead of throwing.
 */
export function tryResolveParams<P>(mod: FaultModule<P>, req: { intensity?: Intensity | undefined; params?: Record<string, unknown> | undefined }): ResolveResult<P> {
  const base = req.intensity ? (mod.presets[req.intensity] as Record<string, unknown>) : {};
  if (req.intensity && !base) return { ok: false, issues: [`unknown intensity "${String(req.intensity)}" (use low, medium or high)`] };
  const merged = { ...base, ...(req.params ?? {}) };
  const r = mod.params.safeParse(merged);
  return r.success ? { ok: true, params: r.data } : { ok: false, issues: describeIssues(r.error) };
}

/** Like tryResolveParams but throws FaultParamsError; for callers that treat bad params as a refusal. */
export function resolveParams<P>(mod: FaultModule<P>, req: { intensity?: Intensity | undefined; params?: Record<string, unknown> | undefined }): P {
  const r = tryResolveParams(mod, req);
  if (!r.ok) throw new FaultParamsError(mod.id, r.issues);
  return r.params;
}
