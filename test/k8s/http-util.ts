/**
 * Request/response plumbing of the test apiserver: body decoding (JSON, or YAML as the apiserver
 * also accepts), JSON responses, content negotiation (406 for an Accept the server cannot serve,
 * e.g. protobuf only, as a server without that codec answers) and route parsing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './api-errors.js';
import { decodeProtobufBody } from './protobuf.js';
import { findResource, type ResourceDef } from './resources.js';
import type { Json } from './types.js';

/** Largest request body accepted (the apiserver's limit is 3 MiB). */
const MAX_BODY = 3 * 1024 * 1024;

/** Reads and decodes the body by Content-Type (JSON, merge/JSON patch, YAML). */
export async function readBody(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'BadRequest', 'Request entity too large: limit is 3145728');
    chunks.push(c as Buffer);
  }
  const raw = Buffer.concat(chunks);
  const text = raw.toString('utf8');
  if (text.trim() === '') return null;
  const ct = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
  try {
    if (ct === 'application/yaml' || ct === 'application/apply-patch+yaml') return parseYaml(text) as Json;
    if (ct === 'application/vnd.kubernetes.protobuf') return decodeProtobufBody(raw);
    return JSON.parse(text) as Json;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw badRequest(`the server rejected our request due to an error in our request: ${(err as Error).message}`);
  }
}

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

/** Sends an ApiError (or an unexpected error as 500 InternalError) as a Status. */
export function sendError(res: ServerResponse, err: unknown): number {
  const e = err instanceof ApiError ? err : new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`);
  if (!res.headersSent) sendJson(res, e.code, e.toStatus());
  else res.end();
  return e.code;
}

/** Throws 406 when the Accept header names only media types this server cannot produce. */
export function checkAccept(accept: string | undefined): void {
  if (!accept) return;
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim());
  if (types.some((t) => t === '*/*' || t === 'application/*' || t === 'application/json' || t === 'application/yaml' || t === '')) return;
  throw new ApiError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/yaml`);
}

/** A parsed resource path. */
export interface ResourceRoute {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/**
 * Parses /api/v1/… and /apis/{g}/{v}/… into resource, namespace, name, subresource. Returns
 * undefined for a path that is not a resource path (discovery or unknown).
 */
export function parseResourcePath(path: string): ResourceRoute | 'unknown' | undefined {
  const parts = path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) { group = ''; version = parts[1]!; rest = parts.slice(2); }
  else if (parts[0] === 'apis' && parts.length >= 4) { group = parts[1]!; version = parts[2]!; rest = parts.slice(3); }
  else return undefined;
  let namespace: string | undefined;
  // /namespaces/{ns}/{plural}… is namespaced; /namespaces and /namespaces/{name}[/{sub}] are the Namespace resource.
  if (rest[0] === 'namespaces' && rest.length >= 3 && findResource(group, version, rest[2]!)?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const def = findResource(group, version, rest[0]!);
  if (!def || rest.length > 3) return 'unknown';
  if (namespace !== undefined && !def.namespaced) return 'unknown';
  return { def, namespace, name: rest[1], subresource: rest[2] };
}
