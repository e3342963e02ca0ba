/**
 * The closed registry of fault kinds: one literal map, `FAULTS`, from id to module. Adding a kind
 * is one line here; nothing registers itself at import time, so every entry point sees the same
 * catalog. Parameters are resolved (preset + explicit values, validated) through here.
 */
import { clockSkew } from './clock-skew.js';
import { cpuStress } from './cpu-stress.js';
import { dependencyBlock } from './dependency-block.js';
import { dependencySlow } from './dependency-slow.js';
import { diskFill } from './disk-fill.js';
import { dnsFailure } from './dns-failure.js';
import { gpuClockLimit } from './gpu-clock-limit.js';
import { gpuDcgmInject } from './gpu-dcgm-inject.js';
import { gpuFan } from './gpu-fan.js';
import { gpuKillProcesses } from './gpu-kill-processes.js';
import { gpuPerfLevel } from './gpu-perf-level.js';
import { gpuPowerCap } from './gpu-power-cap.js';
import { gpuRasInject } from './gpu-ras-inject.js';
import { gpuReset } from './gpu-reset.js';
import { ioStress } from './io-stress.js';
import { memoryPressure } from './memory-pressure.js';
import { networkBandwidth } from './network-bandwidth.js';
import { networkLoss } from './network-loss.js';
import { networkCorrupt, networkDuplicate, networkLatency } from './network-netem.js';
import { networkPartition } from './network-partition.js';
import { portBlock } from './port-block.js';
import { processKill, processKillIsOneShot } from './process-kill.js';
import { processPause } from './process-pause.js';
import { describeIssues } from './schemas.js';
import { serviceStop } from './service-stop.js';
import type { FaultModule, Intensity } from './types.js';

/**
 * A fault kind in the catalog: its module with the parameter type erased, so kinds with different
 * parameters sit in one map without casts. Every builder checks its `unknown` parameters against
 * the module's own schema before use (the only sound way to take `unknown`; the values the engine
 * passes are that schema's output already, so the check cannot change them).
 */
export interface FaultKind extends FaultModule {
  /** Is this particular use one-shot (nothing to revert)? E.g. process-kill without `everySec`. */
  oneShotWhen?: (params: unknown) => boolean;
}

function kind<P>(m: FaultModule<P>, o: { oneShotWhen?: (params: P) => boolean } = {}): FaultKind {
  // A refusal in plain sentences (e.g. a reconcile reading parameters an older version stored).
  const own = (params: unknown): P => {
    const r = m.params.safeParse(params);
    if (!r.success) throw new FaultParamsError(m.id, describeIssues(r.error));
    return r.data;
  };
  const { guard, observe, stop } = m;
  const { oneShotWhen } = o;
  return {
    id: m.id,
    title: m.title,
    category: m.category,
    risk: m.risk,
    oneShot: m.oneShot,
    caveat: m.caveat,
    params: m.params,
    presets: m.presets,
    requires: m.requires,
    guard: guard && ((p, ctx) => guard(own(p), ctx)),
    inject: (p, ctx) => m.inject(own(p), ctx),
    verify: (p, ctx) => m.verify(own(p), ctx),
    revert: (p, ctx) => m.revert(own(p), ctx),
    observe: observe && ((p, ctx) => observe(own(p), ctx)),
    stop: stop && ((p, ctx) => stop(own(p), ctx)),
    oneShotWhen: oneShotWhen && ((p) => oneShotWhen(own(p))),
  };
}

/** Every fault kind, by id (frozen: the catalog cannot grow at run time). GPU kinds: AMD first (rocm-smi / amd-smi), NVIDIA second (faults/gpu-*.ts). */
export const FAULTS = Object.freeze({
  'network-loss': kind(networkLoss),
  'network-partition': kind(networkPartition),
  'network-bandwidth': kind(networkBandwidth),
  'network-latency': kind(networkLatency),
  'network-corrupt': kind(networkCorrupt),
  'network-duplicate': kind(networkDuplicate),
  'dns-failure': kind(dnsFailure),
  'port-block': kind(portBlock),
  'dependency-block': kind(dependencyBlock),
  'dependency-slow': kind(dependencySlow),
  'cpu-stress': kind(cpuStress),
  'memory-pressure': kind(memoryPressure),
  'io-stress': kind(ioStress),
  'disk-fill': kind(diskFill),
  'process-kill': kind(processKill, { oneShotWhen: processKillIsOneShot }),
  'process-pause': kind(processPause),
  'service-stop': kind(serviceStop),
  'clock-skew': kind(clockSkew),
  'gpu-perf-level': kind(gpuPerfLevel),
  'gpu-power-cap': kind(gpuPowerCap),
  'gpu-clock-limit': kind(gpuClockLimit),
  'gpu-fan': kind(gpuFan),
  'gpu-kill-processes': kind(gpuKillProcesses),
  'gpu-reset': kind(gpuReset),
  'gpu-ras-inject': kind(gpuRasInject),
  'gpu-dcgm-inject': kind(gpuDcgmInject),
} as const satisfies Record<string, FaultKind>);

/** The id of a fault kind in the catalog. */
export type FaultId = keyof typeof FAULTS;

/** Is `id` a fault kind in the catalog? */
export function isFaultId(id: string): id is FaultId {
  return Object.prototype.hasOwnProperty.call(FAULTS, id);
}

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

/** The module for an id; throws UnknownFault naming the known ids. */
export function getFault(id: string): FaultKind {
  if (!isFaultId(id)) throw new UnknownFault(`unknown fault "${id}"; known: ${Object.keys(FAULTS).sort().join(', ')}`);
  return FAULTS[id];
}

/** Every fault kind, sorted by category then id (stable order for UI and docs). */
export function listFaults(): FaultKind[] {
  return Object.values<FaultKind>(FAULTS).sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
}

/** Is this use of the module one-shot (nothing to revert)? The catalog entry of its id says when it depends on the parameters. */
export function isOneShot<P>(mod: FaultModule<P>, params: P): boolean {
  if (mod.oneShot) return true;
  const when = isFaultId(mod.id) ? FAULTS[mod.id].oneShotWhen : undefined;
  return when ? when(params) : false;
}

export type ResolveResult<P> = { ok: true; params: P } | { ok: false; issues: string[] };

/**
 * Preset of `intensity` (if given) overlaid with explicit `params`, then validated by the module's
 * strict schema. Returns issues as plain sentences instead of throwing.
 */
export function tryResolveParams<P>(mod: FaultModule<P>, req: { intensity?: Intensity | undefined; params?: Record<string, unknown> | undefined }): ResolveResult<P> {
  const base: unknown = req.intensity ? mod.presets[req.intensity] : {};
  if (req.intensity && !base) return { ok: false, issues: [`unknown intensity "${String(req.intensity)}" (use low, medium or high)`] };
  const merged = { ...(typeof base === 'object' ? base : {}), ...(req.params ?? {}) };
  const r = mod.params.safeParse(merged);
  return r.success ? { ok: true, params: r.data } : { ok: false, issues: describeIssues(r.error) };
}

/** Like tryResolveParams but throws FaultParamsError; for callers that treat bad params as a refusal. */
export function resolveParams<P>(mod: FaultModule<P>, req: { intensity?: Intensity | undefined; params?: Record<string, unknown> | undefined }): P {
  const r = tryResolveParams(mod, req);
  if (!r.ok) throw new FaultParamsError(mod.id, r.issues);
  return r.params;
}
