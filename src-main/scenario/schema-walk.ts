/**
 * Walk the runbook schema along a document path, to learn which fields are allowed at that place
 * (for "unknown field … did you mean …?"). Discriminated unions are resolved with the data, so a
 * typo inside an `inject` step is compared with the fields of inject steps, not of every step.
 */
import type { z } from 'zod';

type Schema = z.core.$ZodType;
type Def = { type: string; innerType?: Schema; element?: Schema; valueType?: Schema; options?: Schema[]; shape?: Record<string, Schema>; in?: Schema };

function def(s: Schema): Def {
  return s._zod.def as unknown as Def;
}

/** Strip optional/default/nullable/pipe wrappers. */
function unwrap(s: Schema): Schema {
  let cur = s;
  // Wrappers nest at most a few deep in our schemas; the bound guards against a cycle by mistake.
  for (let i = 0; i < 16; i++) {
    const d = def(cur);
    const next = d.innerType ?? (d.type === 'pipe' ? d.in : undefined);
    if (!next) break;
    cur = next;
  }
  return cur;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object option of a union that fits `data` (same `kind`), or undefined. */
function pickOption(options: Schema[], data: unknown): Schema | undefined {
  const objects = options.map(unwrap).filter((o) => def(o).type === 'object');
  if (isRecord(data)) {
    for (const o of objects) {
      const kind = def(o).shape?.kind;
      const lit = kind ? (def(unwrap(kind)) as unknown as { values?: unknown[] }).values : undefined;
      if (lit?.includes(data.kind)) return o;
    }
  }
  return objects.length === 1 ? objects[0] : undefined;
}

/** The schema at `path` inside `root`, resolving unions with `data`; undefined when the path leaves the schema. */
export function schemaAt(root: Schema, path: ReadonlyArray<PropertyKey>, data: unknown): Schema | undefined {
  let s: Schema | undefined = unwrap(root);
  let d: unknown = data;
  for (const seg of [...path, null]) {
    if (!s) return undefined;
    const sd = def(s);
    if (sd.type === 'union' && sd.options) {
      s = pickOption(sd.options, d);
      if (!s) return undefined;
    }
    if (seg === null) return s;
    const cur = def(s);
    let next: Schema | undefined;
    if (cur.type === 'object') next = cur.shape?.[String(seg)];
    else if (cur.type === 'array') next = cur.element;
    else if (cur.type === 'record') next = cur.valueType;
    s = next ? unwrap(next) : undefined;
    d = isRecord(d) || Array.isArray(d) ? (d as Record<string, unknown>)[String(seg)] : undefined;
  }
  return s;
}

/** Field names allowed in the object at `path` (empty when not an object). */
export function allowedKeysAt(root: Schema, path: ReadonlyArray<PropertyKey>, data: unknown): string[] {
  const s = schemaAt(root, path, data);
  const shape = s ? def(s).shape : undefined;
  return shape ? Object.keys(shape) : [];
}
