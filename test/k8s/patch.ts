/**
 * The patch formats the apiserver accepts on PATCH: JSON merge patch (RFC 7386, what kubectl
 * annotate/label send for every kind), JSON patch (RFC 6902, @kubernetes/client-node's default) and
 * strategic merge patch (core kinds only; approximated here as a merge patch, see README).
 */
import { badRequest, ApiError } from './api-errors.js';
import { clone, isObject, type Json, type JsonObject } from './types.js';

/** RFC 7386: objects merge key by key, null deletes, anything else replaces (arrays too). */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/** RFC 6901 pointer → path segments ("/metadata/annotations/a~1b" → ["metadata","annotations","a/b"]). */
function pointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw badRequest(`the server rejected our request due to an error in our request: invalid JSON pointer "${p}"`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, segs: string[], op: string, path: string): { parent: JsonObject | Json[]; key: string } {
  let cur: Json = doc;
  for (const s of segs.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(s)] ?? null;
    else if (isObject(cur)) cur = cur[s] ?? null;
    else cur = null;
    if (cur === null) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return { parent: cur, key: segs[segs.length - 1]! };
}

/** The apiserver answers a JSON patch that does not apply with 422 (reason Invalid). */
function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function getAt(doc: Json, path: string, op: string): Json {
  const segs = pointer(path);
  if (segs.length === 0) return doc;
  const { parent, key } = parentOf(doc, segs, op, path);
  const v = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (v === undefined) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return v;
}

function removeAt(doc: Json, path: string, op: string): Json {
  const segs = pointer(path);
  const { parent, key } = parentOf(doc, segs, op, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    return parent.splice(i, 1)[0]!;
  }
  if (!(key in parent)) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  const v = parent[key]!;
  delete parent[key];
  return v;
}

function addAt(doc: Json, path: string, value: Json, op: string): Json {
  const segs = pointer(path);
  if (segs.length === 0) return clone(value);
  const { parent, key } = parentOf(doc, segs, op, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    parent.splice(i, 0, clone(value));
  } else parent[key] = clone(value);
  return doc;
}

/** RFC 6902 operations add/remove/replace/move/copy/test, applied in order to a copy. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest('the server rejected our request due to an error in our request: a JSON patch must be an array of operations');
  let doc = clone(target);
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw badRequest('the server rejected our request due to an error in our request: each JSON patch operation needs "op" and "path"');
    const { op, path } = raw;
    switch (op) {
      case 'add': doc = addAt(doc, path, raw.value ?? null, op); break;
      case 'remove': removeAt(doc, path, op); break;
      case 'replace': getAt(doc, path, op); if (pointer(path).length === 0) doc = clone(raw.value ?? null); else { removeAt(doc, path, op); doc = addAt(doc, path, raw.value ?? null, op); } break;
      case 'move': { if (typeof raw.from !== 'string') throw badRequest('move needs "from"'); const v = removeAt(doc, raw.from, op); doc = addAt(doc, path, v, op); break; }
      case 'copy': { if (typeof raw.from !== 'string') throw badRequest('copy needs "from"'); doc = addAt(doc, path, getAt(doc, raw.from, op), op); break; }
      case 'test': if (JSON.stringify(getAt(doc, path, op)) !== JSON.stringify(raw.value ?? null)) throw unprocessable(`testing value ${path} failed: test failed`); break;
      default: throw badRequest(`the server rejected our request due to an error in our request: Unexpected kind: ${op}`);
    }
  }
  return doc;
}

/** PATCH content types and what the apiserver does with each. */
export const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** Applies a PATCH body of the given content type; `strategicAllowed` is false for custom resources. */
export function applyPatch(contentType: string, target: Json, body: Json, strategicAllowed: boolean): Json {
  const ct = contentType.split(';')[0]!.trim();
  if (ct === PATCH_TYPES.merge) return mergePatch(target, body);
  if (ct === PATCH_TYPES.json) return jsonPatch(target, body);
  if (ct === PATCH_TYPES.strategic && strategicAllowed) return mergePatch(target, body);
  const accepted = [PATCH_TYPES.json, PATCH_TYPES.merge, ...(strategicAllowed ? [PATCH_TYPES.strategic] : [])];
  throw new ApiError(415, 'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}` +
    (ct === PATCH_TYPES.apply ? ' (server-side apply is not implemented by the test server)' : ''));
}
