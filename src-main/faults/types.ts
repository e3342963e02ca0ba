import type { z } from 'zod';
import type { Shell } from '../shell/index.js';
import type { FaultSafety } from './safety-policy.js';
import type { StopSnippet } from './stop-snippet.js';

export type FaultCategory = 'network' | 'host' | 'gpu' | 'process' | 'dependency';
export type Risk = 'low' | 'medium' | 'high';
export type Intensity = 'low' | 'medium' | 'high';

/** What a fault needs on the node; preflight checks each item and explains what is missing. */
export interface FaultRequires {
  /** Executables that must be on PATH (as root), e.g. ['iptables'] or ['rocm-smi|amd-smi'] (alternatives with |). */
  tools: string[];
  /** Needs root (directly or via sudo -n). */
  root: boolean;
  /** Kernel features, checked by preflight: e.g. 'sch_netem', 'sch_tbf', 'xt_statistic'. */
  kernel?: string[];
  /** Needs a GPU of this vendor on the node. */
  gpu?: 'amd' | 'nvidia';
  /** Needs systemd (systemctl) on the node. */
  systemd?: boolean;
}

/** Identity of one injected fault on one node; every trace left on the node carries these ids. */
export interface FaultContext {
  runId: string;
  /** Unique per (run, step, node); [a-z0-9-]{1,24}, safe in chain names, unit names and file names. */
  faultId: string;
  node: { name: string; host: string; gpu: 'amd' | 'nvidia' | 'none' };
  /** Dead-man lease TTL in seconds. */
  leaseTtlSec: number;
  /** Hard maximum duration in seconds (systemd-run guard and stress-ng --timeout). */
  maxDurationSec: number;
  /**
   * The run's safety policy with the management paths of the nodes in play (safety-policy.ts): the
   * guards read it here. The fault manager always sets it; absent (a fault built outside a run, by a
   * test or a tool), only port 22 counts as a management path.
   */
  safety?: FaultSafety;
}

/**
 * One fault kind. Builders return node-side shell commands assembled only through the quoting
 * helper. `verify` exits 0 when the fault is in effect and non-zero when it is not (so after a
 * revert, a failing verify means "clean"). `revert` is idempotent: safe to run twice, or when
 * inject never ran, always exits 0 when the node ends clean.
 */
export interface FaultModule<P = unknown> {
  id: string;
  title: string;
  category: FaultCategory;
  risk: Risk;
  /** One-shot faults (GPU reset, RAS inject, process kill once) have no revert; UI and report say so. */
  oneShot?: boolean;
  /** A plain sentence shown in UI/report about limits (e.g. "DCGM injection only reaches DCGM's cache"). */
  caveat?: string;
  params: z.ZodType<P>;
  presets: Record<Intensity, Partial<P>>;
  requires: FaultRequires;
  /** Refuse params that would cut the management path or break blast-radius rules; returns a reason or null. */
  guard?: (params: P, ctx: FaultContext) => string | null;
  inject: (params: P, ctx: FaultContext) => Shell;
  verify: (params: P, ctx: FaultContext) => Shell;
  revert: (params: P, ctx: FaultContext) => Shell;
  observe?: (params: P, ctx: FaultContext) => Shell;
  /** STOP's lean revert + check, batched with the node's other faults in one exec (stop-batch.ts); absent = revert then verify in their own shells. */
  stop?: (params: P, ctx: FaultContext) => StopSnippet;
}
