/**
 * Discovery documents as a real apiserver serves them (/version, /api, /apis, APIGroup and
 * APIResourceList per group version) and the OpenAPI v2 document kubectl fetches before
 * `create`/`apply` to validate client-side. kubectl 1.20 asks for it in protobuf only
 * (gnostic's openapi_v2.Document); a document without definitions makes kubectl skip its
 * client-side schema check for every kind, so validation happens here on the server (422/403).
 */
import { apiVersionOf, groups, RESOURCES, type ResourceDef } from './resources.js';
import type { JsonObject } from './types.js';

/** The version the test server claims; "+gameday-test" marks it in `kubectl version`. */
export const SERVER_VERSION = { major: '1', minor: '28', gitVersion: 'v1.28.15+gameday-test' } as const;

/** GET /version. */
export function versionInfo(): JsonObject {
  return {
    ...SERVER_VERSION,
    gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2024-10-22T20:28:14Z',
    goVersion: 'go1.22.8', compiler: 'gc', platform: 'linux/amd64',
  };
}

/** GET /api. */
export function coreVersions(serverAddress: string): JsonObject {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(name: string, versions: string[]): JsonObject {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0]! };
}

/** GET /apis. */
export function groupList(): JsonObject {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups().map((g) => groupEntry(g.name, g.versions)) };
}

/** GET /apis/{group}, or undefined for an unknown group. */
export function groupDoc(group: string): JsonObject | undefined {
  const g = groups().find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.name, g.versions) } : undefined;
}

function resourceEntry(r: ResourceDef): JsonObject {
  const e: JsonObject = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
  if (r.shortNames) e.shortNames = r.shortNames;
  if (r.categories) e.categories = r.categories;
  return e;
}

/** GET /api/v1 or /apis/{group}/{version}, or undefined when nothing is served there. */
export function resourceList(group: string, version: string): JsonObject | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const doc: JsonObject = { kind: 'APIResourceList', groupVersion: apiVersionOf(rs[0]!), resources: rs.map(resourceEntry) };
  if (group !== '') doc.apiVersion = 'v1';
  return doc;
}

/**
 * Content-Type of the protobuf document. kubectl asks with the deprecated subtype
 * "…spec.v2@v1.0+protobuf"; kube-openapi (pkg/handler/handler.go) answers with this one, since Go's
 * mime parser rejects the "@" form in a response.
 */
export const OPENAPI_PROTO = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** GET /openapi/v2 as JSON. */
export function openApiJson(): JsonObject {
  return { swagger: '2.0', info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion }, paths: {}, definitions: {} };
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) { out.push((v & 0x7f) | 0x80); v = Math.floor(v / 128); }
  out.push(v);
  return out;
}

/** A length-delimited protobuf field (wire type 2). */
function field(num: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(num << 3) | 2, ...varint(payload.length)]), payload]);
}

/**
 * GET /openapi/v2 in protobuf: Document{swagger=1:"2.0", info=2:{title=1, version=2}, paths=8:{}}
 * (field numbers from gnostic's openapiv2/OpenAPIv2.proto).
 */
export function openApiProto(): Buffer {
  const info = Buffer.concat([field(1, Buffer.from('Kubernetes')), field(2, Buffer.from(SERVER_VERSION.gitVersion))]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info), field(8, Buffer.alloc(0))]);
}
