/**
 * The netns lab (see up.ts): N network-namespace nodes with real sshd, an HTTP service and the GPU
 * simulators on PATH. Needs root. `gameday lab up|down|status`, integration tests and benchmarks use it.
 */
export { labUp } from './up.js';
export { labDown } from './down.js';
export { labStatus, listLabs } from './status.js';
export { readLab } from './store.js';
export { LabError } from './types.js';
export type { LabInfo, LabNode, LabStatus, LabNodeStatus, LabUpOptions, LabGpu, LabRole } from './types.js';
