/**
 * The resources the test server serves, described once: discovery, routing, validation and table
 * printing all read this registry. Names, kinds, verbs, short names and printer columns follow the
 * real apiserver (core, apps, authorization) and Chaos Mesh's CRDs (config/crd/bases in
 * chaos-mesh/chaos-mesh: no short names, no status subresource, additionalPrinterColumns below).
 */

/** A printer column of `kubectl get` tables (server-side printing). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  /** Dotted path into the object, or a special computed cell. */
  path: string;
  priority?: number;
  description?: string;
}

/** One served resource. */
export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Field selectors the list/watch endpoints accept (metadata.name/namespace for every kind). */
  fieldSelectors: string[];
  /** A CRD-backed kind: JSON/merge patch only, DELETE returns the object. */
  custom: boolean;
  /** Only POST (reviews): nothing is stored. */
  virtual?: boolean;
  /** Name rule: namespaces and services are DNS labels, the rest DNS subdomains. */
  nameRule: 'subdomain' | 'label';
  columns: PrinterColumn[];
}

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const CRD_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const META_FIELDS = ['metadata.name', 'metadata.namespace'];
const AGE: PrinterColumn = { name: 'Age', type: 'date', path: 'metadata.creationTimestamp' };
const NAME: PrinterColumn = { name: 'Name', type: 'string', path: 'metadata.name', description: 'Name must be unique within a namespace.' };

/** Chaos Mesh group and version. */
export const CHAOS_GROUP = 'chaos-mesh.org';
export const CHAOS_VERSION = 'v1alpha1';

function chaos(kind: string, plural: string, printer: Array<'action' | 'duration'>): ResourceDef {
  const cols = printer.map((p): PrinterColumn => ({ name: p, type: 'string', path: `spec.${p}` }));
  return {
    group: CHAOS_GROUP, version: CHAOS_VERSION, plural, singular: plural, kind, namespaced: true,
    verbs: CRD_VERBS, fieldSelectors: META_FIELDS, custom: true, nameRule: 'subdomain',
    // apiextensions: Name + additionalPrinterColumns, or Name + Age when the CRD declares none.
    columns: [NAME, ...(cols.length > 0 ? cols : [AGE])],
  };
}

/** The six Chaos Mesh experiment kinds the console drives. */
export const CHAOS_RESOURCES: ResourceDef[] = [
  chaos('NetworkChaos', 'networkchaos', ['action', 'duration']),
  chaos('StressChaos', 'stresschaos', ['duration']),
  chaos('PodChaos', 'podchaos', []),
  chaos('IOChaos', 'iochaos', ['action', 'duration']),
  chaos('DNSChaos', 'dnschaos', ['action', 'duration']),
  chaos('TimeChaos', 'timechaos', ['duration']),
];

/** Every resource served, in discovery order per group. */
export const RESOURCES: ResourceDef[] = [
  {
    group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'],
    fieldSelectors: [...META_FIELDS, 'status.phase'], custom: false, nameRule: 'label',
    columns: [NAME, { name: 'Status', type: 'string', path: 'status.phase' }, AGE],
  },
  {
    group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, verbs: CRUD,
    shortNames: ['po'], categories: ['all'],
    fieldSelectors: [...META_FIELDS, 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
    custom: false, nameRule: 'subdomain',
    columns: [
      NAME,
      { name: 'Ready', type: 'string', path: '#pod.ready' },
      { name: 'Status', type: 'string', path: '#pod.status' },
      { name: 'Restarts', type: 'integer', path: '#pod.restarts' },
      AGE,
      { name: 'IP', type: 'string', path: 'status.podIP', priority: 1 },
      { name: 'Node', type: 'string', path: 'spec.nodeName', priority: 1 },
    ],
  },
  {
    group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service', namespaced: true,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['svc'], categories: ['all'],
    fieldSelectors: META_FIELDS, custom: false, nameRule: 'label',
    columns: [
      NAME,
      { name: 'Type', type: 'string', path: 'spec.type' },
      { name: 'Cluster-IP', type: 'string', path: 'spec.clusterIP' },
      { name: 'External-IP', type: 'string', path: '#svc.external' },
      { name: 'Port(s)', type: 'string', path: '#svc.ports' },
      AGE,
    ],
  },
  {
    group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, verbs: CRUD, shortNames: ['ev'],
    fieldSelectors: [...META_FIELDS, 'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
    custom: false, nameRule: 'subdomain',
    columns: [
      { name: 'Last Seen', type: 'date', path: 'lastTimestamp' },
      { name: 'Type', type: 'string', path: 'type' },
      { name: 'Reason', type: 'string', path: 'reason' },
      { name: 'Object', type: 'string', path: '#event.object' },
      { name: 'Message', type: 'string', path: 'message' },
    ],
  },
  {
    group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true,
    verbs: CRUD, shortNames: ['deploy'], categories: ['all'], fieldSelectors: META_FIELDS, custom: false, nameRule: 'subdomain',
    columns: [
      NAME,
      { name: 'Ready', type: 'string', path: '#deploy.ready' },
      { name: 'Up-to-date', type: 'integer', path: 'status.updatedReplicas' },
      { name: 'Available', type: 'integer', path: 'status.availableReplicas' },
      AGE,
    ],
  },
  {
    group: 'authorization.k8s.io', version: 'v1', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'], fieldSelectors: [], custom: false, virtual: true,
    nameRule: 'subdomain', columns: [NAME],
  },
  ...CHAOS_RESOURCES,
];

/** apiVersion string of a resource ("v1", "apps/v1", "chaos-mesh.org/v1alpha1"). */
export function apiVersionOf(def: ResourceDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** The resource served at group/version/plural, if any. */
export function findResource(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The resource for an apiVersion + kind pair, if any. */
export function resourceForKind(apiVersion: string, kind: string): ResourceDef | undefined {
  return RESOURCES.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/** The Chaos Mesh resource of a kind name ("NetworkChaos"), if any. */
export function chaosResource(kind: string): ResourceDef | undefined {
  return CHAOS_RESOURCES.find((r) => r.kind === kind);
}

/** Groups in discovery order, each with its versions. */
export function groups(): Array<{ name: string; versions: string[] }> {
  const out: Array<{ name: string; versions: string[] }> = [];
  for (const r of RESOURCES) {
    if (r.group === '') continue;
    const g = out.find((x) => x.name === r.group);
    if (!g) out.push({ name: r.group, versions: [r.version] });
    else if (!g.versions.includes(r.version)) g.versions.push(r.version);
  }
  return out;
}
