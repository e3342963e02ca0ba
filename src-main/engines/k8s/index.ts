/**
 * Public entry of src-main/engines/k8s: game-day faults on Kubernetes pods through Chaos Mesh
 * (chaos-mesh.org/v1alpha1) — the client over @kubernetes/client-node 1.4 (client.ts), the labelled
 * objects with spec.duration as the engine-side dead-man (chaos-object.ts), the watch that turns
 * container records into per-pod fault events (observer.ts, cluster-faults.ts), the run's cluster
 * side that injects, verifies and takes faults back on STOP (cluster-side.ts, prepare.ts), preflight
 * (preflight.ts) and the scan of leftovers (scan.ts, status.ts).
 */
export { FAULT_LABEL, RUN_LABEL, MANAGED_SELECTOR, buildChaosObject, chaosYaml, type ChaosObject } from './chaos-object.js';
export { K8sError, KubeClient } from './client.js';
export { ClusterSetupError, ClusterSide, clusterTargetNames, podsPicked, waitsOf } from './cluster-side.js';
export { ClusterFaults } from './cluster-faults.js';
export { ChaosObserver } from './observer.js';
export { k8sPreflight, type K8sCheck } from './preflight.js';
export { prepareClusterSide } from './prepare.js';
export { removeChaos, scanChaos } from './scan.js';
export { describeRecords } from './status.js';
