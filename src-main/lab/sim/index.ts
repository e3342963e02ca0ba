/** The embedded simulated lab (see lab.ts): `startSimLab` and its types. */
export { labProcesses, startSimLab } from './lab.js';
export { DEFAULT_NODES } from './plan.js';
export { SimLabError, type SimLab, type SimLabOptions, type SimNodeInfo, type SimNodeSpec, type SimRole } from './types.js';
