/**
 * Failures as the real apiserver sends them: a `kind: Status` body with status Failure, a reason,
 * a code and details, and messages worded like k8s.io/apimachinery/pkg/api/errors (clients such as
 * kubectl print the message verbatim and client libraries branch on reason/code).
 */
import type { JsonObject } from './types.js';

/** StatusReason values this server produces (metav1.StatusReason). */
export type StatusReason =
  | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Forbidden' | 'Invalid' | 'Unauthorized'
  | 'BadRequest' | 'MethodNotAllowed' | 'NotAcceptable' | 'UnsupportedMediaType' | 'Expired' | 'Gone' | 'InternalError';

/** An API failure: thrown inside the server, turned into a Status response at the edge. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: JsonObject,
  ) {
    super(message);
  }

  /** The wire form: a v1 Status object. */
  toStatus(): JsonObject {
    const s: JsonObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** Names the resource as apimachinery does in messages: "networkchaos.chaos-mesh.org", or "pods" in the core group. */
export function qualified(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

/** 404: `networkchaos.chaos-mesh.org "x" not found`. */
export function notFound(plural: string, group: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(plural, group)} "${name}" not found`, { name, group, kind: plural });
}

/** 409: `networkchaos.chaos-mesh.org "x" already exists`. */
export function alreadyExists(plural: string, group: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(plural, group)} "${name}" already exists`, { name, group, kind: plural });
}

/** 409 on a stale resourceVersion, worded as the registry's optimistic-concurrency error. */
export function conflict(plural: string, group: string, name: string): ApiError {
  return new ApiError(
    409, 'Conflict',
    `Operation cannot be fulfilled on ${qualified(plural, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: plural },
  );
}

/** One field error of an Invalid response (metav1.StatusCause). */
export interface FieldCause { field: string; message: string; reason?: string }

/** 422: `NetworkChaos.chaos-mesh.org "x" is invalid: spec.mode: Unsupported value: …`. */
export function invalid(kind: string, group: string, name: string, causes: FieldCause[]): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const text = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = text.length === 1 ? text[0]! : `[${text.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, {
    name, group, kind,
    causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
  });
}

/** 403 from RBAC, worded as the authorizer's message ("User … cannot delete resource … in the namespace …"). */
export function forbidden(opts: { user: string; verb: string; plural: string; group: string; namespace?: string; name?: string }): ApiError {
  const { user, verb, plural, group, namespace, name } = opts;
  const who = name ? `${qualified(plural, group)} "${name}"` : qualified(plural, group);
  const where = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  return new ApiError(403, 'Forbidden', `${who} is forbidden: User "${user}" cannot ${verb} resource "${plural}" in API group "${group}" ${where}`, {
    ...(name ? { name } : {}), group, kind: plural,
  });
}

/** 403 from a validating admission webhook (controller-runtime's admission.Denied). */
export function webhookDenied(webhook: string, plural: string, group: string, name: string, reason: string): ApiError {
  return new ApiError(403, 'Forbidden', `admission webhook "${webhook}" denied the request: ${reason}`, { name, group, kind: plural });
}

/** 400 for a malformed request. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 401 for a missing or unknown bearer token. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

/** 410 for a watch or list from a resourceVersion older than the kept history. */
export function expired(requested: string, oldest: number): ApiError {
  return new ApiError(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}
