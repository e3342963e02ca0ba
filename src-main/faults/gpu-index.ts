/**
 * The GPU fault modules, AMD first, NVIDIA second. The NVIDIA variants the catalog names
 * separately are branches of the shared modules, chosen by `tool` (or by the node's inventory
 * `gpu:` with tool auto): "gpu-nvidia-power-limit" is gpu-power-cap with nvidia-smi -pl, and
 * "gpu-nvidia-clock-lock" is gpu-clock-limit with nvidia-smi -lgc/-rgc. gpu-dcgm-inject is NVIDIA only.
 */
import { gpuClockLimit } from './gpu-clock-limit.js';
import { gpuDcgmInject } from './gpu-dcgm-inject.js';
import { gpuFan } from './gpu-fan.js';
import { gpuKillProcesses } from './gpu-kill-processes.js';
import { gpuPerfLevel } from './gpu-perf-level.js';
import { gpuPowerCap } from './gpu-power-cap.js';
import { gpuRasInject } from './gpu-ras-inject.js';
import { gpuReset } from './gpu-reset.js';

export { gpuClockLimit, gpuDcgmInject, gpuFan, gpuKillProcesses, gpuPerfLevel, gpuPowerCap, gpuRasInject, gpuReset };
export { parseAmdSmiMetricJson, parseNvidiaSmiCsv, parseObserveOutput, parseRocmSmiJson, observeScript, type GpuSample } from './gpu-observe.js';
