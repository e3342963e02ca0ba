/**
 * Just enough of Kubernetes' protobuf encoding to read what newer kubectl (1.3x) sends in it:
 * the "k8s\0" envelope (runtime.Unknown{typeMeta=1, raw=2}) around a SelfSubjectAccessReview
 * (spec=2 → resourceAttributes=1 {namespace=1, verb=2, group=3, version=4, resource=5,
 * subresource=6, name=7} | nonResourceAttributes=2 {path=1, verb=2}), field numbers from
 * k8s.io/api authorization/v1 types.go protobuf tags. Answers stay JSON (those clients accept it).
 */
import { ApiError } from './api-errors.js';
import type { JsonObject } from './types.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Length-delimited fields of one message, by field number (last wins, as protobuf merges). */
function fields(buf: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 2) {
      const len = varint();
      out.set(Math.floor(tag / 8), buf.subarray(i, i + len));
      i += len;
    } else if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

function strings(buf: Buffer | undefined, names: string[]): JsonObject {
  const f = buf ? fields(buf) : new Map<number, Buffer>();
  const o: JsonObject = {};
  names.forEach((n, idx) => { const v = f.get(idx + 1); if (v && v.length > 0) o[n] = v.toString('utf8'); });
  return o;
}

/** Decodes a protobuf request body into the JSON the handlers take; only SelfSubjectAccessReview is understood. */
export function decodeProtobufBody(body: Buffer): JsonObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw new ApiError(400, 'BadRequest', 'protobuf body without the "k8s\\0" envelope');
  try {
    const unknown = fields(body.subarray(4));
    const typeMeta = strings(unknown.get(1), ['apiVersion', 'kind']);
    if (typeMeta.kind !== 'SelfSubjectAccessReview') {
      throw new ApiError(415, 'UnsupportedMediaType', `the test server decodes protobuf only for SelfSubjectAccessReview, not ${String(typeMeta.kind)}; send JSON`);
    }
    const review = fields(unknown.get(2) ?? Buffer.alloc(0));
    const spec = fields(review.get(2) ?? Buffer.alloc(0));
    const out: JsonObject = {};
    if (spec.has(1)) out.resourceAttributes = strings(spec.get(1), ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name']);
    if (spec.has(2)) out.nonResourceAttributes = strings(spec.get(2), ['path', 'verb']);
    return { apiVersion: String(typeMeta.apiVersion ?? 'authorization.k8s.io/v1'), kind: 'SelfSubjectAccessReview', spec: out };
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, 'BadRequest', `malformed protobuf body: ${(e as Error).message}`);
  }
}
