/**
 * One Chaos Mesh object per inject step and namespace: the exact manifest the console creates (and
 * prints in a dry run). Every object carries `spec.duration`, Chaos Mesh's own dead-man: the
 * controller counts it from the object's creationTimestamp and recovers the fault when it runs out
 * (controllers/common/desiredphase), whatever happens to this console. The spec cannot be changed
 * after creation (the webhook refuses any spec update), so it cannot be renewed like an SSH lease:
 * it is set once to the step's hold plus the lease TTL. A console that dies mid-fault therefore
 * leaves the fault for at most one lease TTL past its planned end, as on an SSH node.
 */
import { stringify } from 'yaml';
import { CHAOS_GROUP, CHAOS_VERSION, type K8sFault, type ResolvedK8sParams } from '../../faults/index.js';
import { chaosSelector, type K8sSelector } from '../../inventory/index.js';

/** The recommended Kubernetes label naming the tool that manages an object (not Chaos Mesh's bare `managed-by`). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'gameday-console';
export const RUN_LABEL = 'gameday.io/run';
export const FAULT_LABEL = 'gameday.io/fault';
export const STEP_LABEL = 'gameday.io/step';
export const FAULT_KIND_LABEL = 'gameday.io/fault-kind';
/** Chaos Mesh's pause annotation (api/v1alpha1 PauseAnnotationKey). */
export const PAUSE_ANNOTATION = 'experiment.chaos-mesh.org/pause';
/** Chaos Mesh's "drop the finalizer without recovering" annotation: the fault is ABANDONED in place. */
export const CLEAN_FINALIZER_ANNOTATION = 'chaos-mesh.chaos-mesh.org/cleanFinalizer';
/** Label selector for everything this console ever created. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** A chaos object as the API returns it (only the fields the adapter reads). */
export interface ChaosObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
  };
  spec: Record<string, unknown>;
  status?: {
    conditions?: Array<{ type: string; status: string; reason?: string }>;
    experiment?: {
      desiredPhase?: string;
      containerRecords?: Array<{ id: string; selectorKey?: string; phase: string; injectedCount?: number; recoveredCount?: number; events?: Array<{ type: string; operation: string; message?: string; timestamp: string }> }>;
    };
  };
}

export interface ChaosObjectInput {
  fault: K8sFault;
  params: ResolvedK8sParams;
  selector: K8sSelector;
  namespace: string;
  runId: string;
  faultId: string;
  stepId: string;
  /** How long the step holds the fault (0 for a one-shot kill). */
  holdSec: number;
  leaseTtlSec: number;
}

/** Label values: ≤ 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric. */
export function labelValue(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '') || 'x';
}

/** Object name: `gd-<fault id>` (DNS subdomain, lower case, ≤ 63 to stay a valid label value too). */
export function chaosName(faultId: string): string {
  return `gd-${faultId.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 63).replace(/-+$/, '');
}

/** spec.duration in Go duration form: the hold plus one lease TTL (see the file comment). */
export function chaosDuration(holdSec: number, leaseTtlSec: number): string {
  return `${Math.ceil(holdSec + leaseTtlSec)}s`;
}

/** The manifest, ready to POST (and to print as YAML in a dry run). */
export function buildChaosObject(i: ChaosObjectInput): ChaosObject {
  const { mode, value, ...rest } = i.params;
  return {
    apiVersion: `${CHAOS_GROUP}/${CHAOS_VERSION}`,
    kind: i.fault.chaosKind,
    metadata: {
      name: chaosName(i.faultId),
      namespace: i.namespace,
      labels: {
        [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
        [RUN_LABEL]: labelValue(i.runId),
        [FAULT_LABEL]: labelValue(i.faultId),
        [STEP_LABEL]: labelValue(i.stepId),
        [FAULT_KIND_LABEL]: labelValue(i.fault.id),
      },
    },
    spec: {
      ...i.fault.spec(rest),
      selector: chaosSelector(i.selector, i.namespace),
      mode,
      ...(value !== undefined && { value: String(value) }),
      duration: chaosDuration(i.holdSec, i.leaseTtlSec),
    },
  };
}

/** The manifest as YAML (a dry run prints exactly what would be POSTed). */
export function chaosYaml(o: ChaosObject): string {
  return `---\n${stringify(o, { lineWidth: 0 })}`;
}
