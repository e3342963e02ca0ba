import type { ChainedFields } from './chain.js';

/** One measurement. `t` is epoch ms read from the monotonic clock (see clock.ts). */
export interface Sample {
  probeId: string;
  series: string;
  t: number;
  value: number | null;
  healthy: boolean;
  latencyMs: number;
  error?: string;
}

/** A row as the audit store takes it (`audit.addSamples(runId, probeId, rows)`). */
export interface SampleRow {
  tMs: number;
  value: number | null;
  healthy: boolean;
  /** JSON: `{"series", "latencyMs", "error"?}`. */
  detail?: string;
  /** The same two fields as in `detail`, so the audit's rollups need not parse it. */
  series?: string;
  latencyMs?: number;
}

export interface AuditEventInput {
  runId?: string | null;
  kind: string;
  actor?: string | null;
  node?: string | null;
  data?: Record<string, unknown>;
}

export interface AuditEvent extends ChainedFields {
  prev_hash: string;
  hash: string;
  cover: string | null;
  /** Which key made the MAC (keys.ts): a short public id, not the key. */
  key_id: string | null;
  mac: string | null;
}

/** A sample as addSamples takes it (the probes' batched row): series and latency come from `detail` unless given. */
export type SampleInput = SampleRow;

export interface StoredSample {
  probe_id: string;
  t_ms: number;
  value: number | null;
  healthy: number;
  detail: string | null;
}

export interface StoredRollup {
  series: string | null;
  bucket_ms: number;
  n: number;
  bad: number;
  n_value: number;
  v_min: number | null;
  t_min: number | null;
  v_max: number | null;
  t_max: number | null;
  v_sum: number;
  first_t: number;
  last_t: number;
  hist: Buffer | null;
}

export type FaultState = 'intent' | 'injecting' | 'active' | 'reverting' | 'reverted' | 'residue' | 'unreachable' | 'failed' | 'one-shot-done';

export interface FaultRow {
  id: string;
  run_id: string;
  node: string;
  kind: string;
  params: string;
  state: FaultState;
  one_shot: number;
  revert_cmd: string | null;
  lease_ttl_s: number | null;
  lease_expires_at: string | null;
  injected_at: string | null;
  reverted_at: string | null;
  detail: string | null;
}

export interface RunInput {
  id: string;
  scenario?: string;
  title?: string;
  env?: string;
  commander?: string;
  meta?: Record<string, unknown>;
}

export interface FaultIntentInput {
  id: string;
  runId: string;
  node: string;
  kind: string;
  params: unknown;
  oneShot: boolean;
  revertCmd: string;
  leaseTtlSec: number;
}

/**
 * One write of the store, as data: what the database gets in one transaction, or the journal keeps
 * when the database cannot take it during a STOP (and the next open replays).
 */
export type AuditOp =
  | { op: 'append'; e: AuditEventInput }
  | { op: 'createRun'; r: RunInput }
  | { op: 'endRun'; id: string; status: string; data: Record<string, unknown> }
  | { op: 'faultIntent'; f: FaultIntentInput }
  | { op: 'faultState'; id: string; state: FaultState; extra: { leaseExpiresAt?: string; detail?: string; atMs?: number } }
  | { op: 'samples'; runId: string; probeId: string; rows: SampleInput[] }
  | { op: 'sampleBatches'; runId: string; batches: Array<[probeId: string, rows: SampleInput[]]> }
  | { op: 'note'; runId: string; n: { role?: string; author?: string; text: string } }
  | { op: 'approval'; runId: string; a: { step: string; approver: string; decision: 'approved' | 'rejected'; reason?: string } }
  | { op: 'rollups' };

/** When an operation was made (kept through the journal so replayed rows tell the real time). */
export interface Stamp {
  ts: string;
  mono: number;
  /** Set when the operation comes from the journal. */
  journal?: { id: string; pid: number; why: string };
}

/** What this process could not put into the database (kept in the journal, or nowhere). */
export interface AuditProblem {
  /** Records in the journal file, waiting for the next open. */
  journaled: number;
  journal: string;
  /** Records that could be written neither to the database nor to the journal. */
  lost: number;
  /** The first reason the database refused. */
  why: string;
}

export interface ReplayReport {
  records: number;
  files: string[];
  rejected: Array<{ file: string; line: number; why: string }>;
  skipped: Array<{ id: string; why: string }>;
}
