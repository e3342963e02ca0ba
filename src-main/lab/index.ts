/**
 * The labs the console ships, so a game day can be tried without a fleet:
 *
 * - netns/   the real-node lab: network namespaces with real sshd (root; `gameday lab up|down|status`)
 * - sim/     the embedded simulated lab: simulated nodes behind real SSH, sandboxed
 *            (`gameday lab sim`, `gameday console --sim`, `npm start`)
 * - gpu-sim/ the rocm-smi / amd-smi / nvidia-smi / dcgmi simulators both labs put on PATH
 * - locator  which labs are up, so a second `gameday` finds the lab the first one started
 *
 * The only way into src-main/lab from other folders.
 */
export { labDown, labStatus, labUp, listLabs, readLab, LabError } from './netns/index.js';
export type { LabGpu, LabInfo, LabNode, LabNodeStatus, LabRole, LabStatus, LabUpOptions } from './netns/index.js';
export { DEFAULT_NODES, labProcesses, startSimLab, SimLabError } from './sim/index.js';
export type { SimLab, SimLabOptions, SimNodeInfo, SimNodeSpec, SimRole } from './sim/index.js';
export { listLabInventories, recordSimLab, runningSimLabs, type SimLabRecord } from './locator.js';
