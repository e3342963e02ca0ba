import { createHash } from 'node:crypto';

/** The hash the first event links to. */
export const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted at every level, so the same data always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export interface ChainedFields {
  seq: number;
  run_id: string | null;
  ts: string;
  mono_ms: number;
  kind: string;
  actor: string | null;
  node: string | null;
  data: string;
  /** Digests of the rows this event's transaction wrote (cover.ts); null on events that wrote none. */
  cover?: string | null;
}

/**
 * sha256 over the previous hash and every stored field of the row, as stored (text), so flipping any
 * byte of any field — or removing, inserting or reordering a row — breaks the chain at that row.
 * The cover joins the hashed text only when present, so rows written before covers existed keep
 * their hashes.
 */
export function eventHash(prev: string, f: ChainedFields): string {
  const parts = [prev, f.seq, f.run_id ?? '', f.ts, f.mono_ms, f.kind, f.actor ?? '', f.node ?? '', f.data];
  if (f.cover !== null && f.cover !== undefined) parts.push(f.cover);
  return createHash('sha256').update(parts.join('\u001f')).digest('hex');
}
