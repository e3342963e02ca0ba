/**
 * Public entry of src-main/faults: registers every fault kind and re-exports the API.
 * Import this (not the individual files) so the registry is populated.
 */
import { cpuStress } from './cpu-stress.js';
import { clockSkew } from './clock-skew.js';
import { dependencyBlock } from './dependency-block.js';
import { dependencySlow } from './dependency-slow.js';
import { diskFill } from './disk-fill.js';
import { dnsFailure } from './dns-failure.js';
import { ioStress } from './io-stress.js';
import { memoryPressure } from './memory-pressure.js';
import { networkBandwidth } from './network-bandwidth.js';
import { networkLoss } from './network-loss.js';
import { networkCorrupt, networkDuplicate, networkLatency } from './network-netem.js';
import { networkPartition } from './network-partition.js';
import { portBlock } from './port-block.js';
import { processKill, processKillIsOneShot } from './process-kill.js';
import { processPause } from './process-pause.js';
import { registerFault } from './registry.js';
import { serviceStop } from './service-stop.js';
import { gpuFaults } from './gpu-index.js';

registerFault(networkLoss);
registerFault(networkPartition);
registerFault(networkBandwidth);
registerFault(networkLatency);
registerFault(networkCorrupt);
registerFault(networkDuplicate);
registerFault(dnsFailure);
registerFault(portBlock);
registerFault(dependencyBlock);
registerFault(dependencySlow);
registerFault(cpuStress);
registerFault(memoryPressure);
registerFault(ioStress);
registerFault(diskFill);
registerFault(processKill, { oneShotWhen: processKillIsOneShot });
registerFault(processPause);
registerFault(serviceStop);
registerFault(clockSkew);

// ---- GPU faults (src-main/faults/gpu-*.ts): AMD first (rocm-smi / amd-smi), NVIDIA second ----
for (const m of gpuFaults) registerFault(m);

export * from './types.js';
export { SCRIPT_EXIT } from './script-exit.js';
export { FaultParamsError, UnknownFault, getFault, isOneShot, listFaults, registerFault, resolveParams, tryResolveParams } from './registry.js';
export { buildInject, buildRenew, buildRevert, checkGuard, GuardRefused } from './lease.js';
export { parseStatus, parseStatusLines, parseTraces, sweepCompleted, type TraceLine } from './status.js';
export { cleanupAll, scanTraces, type SweepOptions } from './cleanup.js';
export { checkBlastRadius, DEFAULT_POLICY, faultSafety, isProtected, managementPaths, type FaultSafety, type ManagementPaths, type PolicyDecision, type SafetyPolicy } from './safety-policy.js';
export type { FaultTarget, PolicyNode } from './target.js';
export { BadFaultContext } from './ids.js';
export { parseRocmSmiJson, parseAmdSmiMetricJson, parseNvidiaSmiCsv, parseObserveOutput, observeScript, type GpuSample } from './gpu-observe.js';
