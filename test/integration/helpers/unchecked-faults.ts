/**
 * The fault modules themselves, without the catalog's parameter check (faults/registry.ts wraps each
 * kind so its builders refuse params its schema refuses). Layer 2 of the hostile-input tests needs
 * them raw: it proves the command builders' quoting holds on its own, schema bypassed.
 */
import { clockSkew } from '../../../src-main/faults/clock-skew.js';
import { cpuStress } from '../../../src-main/faults/cpu-stress.js';
import { dependencyBlock } from '../../../src-main/faults/dependency-block.js';
import { dependencySlow } from '../../../src-main/faults/dependency-slow.js';
import { diskFill } from '../../../src-main/faults/disk-fill.js';
import { dnsFailure } from '../../../src-main/faults/dns-failure.js';
import { gpuClockLimit } from '../../../src-main/faults/gpu-clock-limit.js';
import { gpuDcgmInject } from '../../../src-main/faults/gpu-dcgm-inject.js';
import { gpuFan } from '../../../src-main/faults/gpu-fan.js';
import { gpuKillProcesses } from '../../../src-main/faults/gpu-kill-processes.js';
import { gpuPerfLevel } from '../../../src-main/faults/gpu-perf-level.js';
import { gpuPowerCap } from '../../../src-main/faults/gpu-power-cap.js';
import { gpuRasInject } from '../../../src-main/faults/gpu-ras-inject.js';
import { gpuReset } from '../../../src-main/faults/gpu-reset.js';
import { ioStress } from '../../../src-main/faults/io-stress.js';
import { memoryPressure } from '../../../src-main/faults/memory-pressure.js';
import { networkBandwidth } from '../../../src-main/faults/network-bandwidth.js';
import { networkLoss } from '../../../src-main/faults/network-loss.js';
import { networkCorrupt, networkDuplicate, networkLatency } from '../../../src-main/faults/network-netem.js';
import { networkPartition } from '../../../src-main/faults/network-partition.js';
import { portBlock } from '../../../src-main/faults/port-block.js';
import { processKill } from '../../../src-main/faults/process-kill.js';
import { processPause } from '../../../src-main/faults/process-pause.js';
import { serviceStop } from '../../../src-main/faults/service-stop.js';
import type { FaultModule } from '../../../src-main/faults/types.js';

const ALL = [
  clockSkew, cpuStress, dependencyBlock, dependencySlow, diskFill, dnsFailure, gpuClockLimit, gpuDcgmInject, gpuFan,
  gpuKillProcesses, gpuPerfLevel, gpuPowerCap, gpuRasInject, gpuReset, ioStress, memoryPressure, networkBandwidth,
  networkLoss, networkCorrupt, networkDuplicate, networkLatency, networkPartition, portBlock, processKill, processPause, serviceStop,
] as unknown as FaultModule[];

/** Every fault module, raw (the tests check this list against the catalog's ids). */
export function uncheckedFaults(): FaultModule[] {
  return ALL;
}

/** One fault module, raw. */
export function uncheckedFault(id: string): FaultModule {
  const m = ALL.find((x) => x.id === id);
  if (!m) throw new Error(`no fault module ${id}`);
  return m;
}
