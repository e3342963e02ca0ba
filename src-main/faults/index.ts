/**
 * Public entry of src-main/faults: the closed catalog of fault kinds (`FAULTS`, registry.ts), the
 * lease wrapping every inject, the safety policy the guards read from their context, cleanup.
 */
export * from './types.js';
export { SCRIPT_EXIT } from './script-exit.js';
export { FAULTS, FaultParamsError, UnknownFault, getFault, isFaultId, isOneShot, listFaults, resolveParams, tryResolveParams, type FaultId, type FaultKind } from './registry.js';
export { buildInject, buildRenew, buildRevert, checkGuard, GuardRefused } from './lease.js';
export { parseStatus, parseStatusLines, parseTraces, sweepCompleted, type TraceLine } from './status.js';
export { cleanupAll, scanTraces, type SweepOptions } from './cleanup.js';
export { checkBlastRadius, DEFAULT_POLICY, faultSafety, isProtected, managementPaths, type FaultSafety, type ManagementPaths, type PolicyDecision, type SafetyPolicy } from './safety-policy.js';
export type { FaultTarget, PolicyNode } from './target.js';
export { BadFaultContext } from './ids.js';
export { parseRocmSmiJson, parseAmdSmiMetricJson, parseNvidiaSmiCsv, parseObserveOutput, observeScript, type GpuSample } from './gpu-observe.js';
export { type Intensity, type FaultModule, type FaultContext } from './types.js';
export { buildNodeStop, parseNodeStop, stopPrelude, type StopVerdict } from './stop-batch.js';
export { getK8sFault, CHAOS_GROUP, CHAOS_VERSION, PLURALS, resolveK8sParams, K8S_FAULTS, type ChaosKind, type K8sFault, type ResolvedK8sParams } from './k8s-kinds.js';
