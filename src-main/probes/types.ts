/**
 * Probe, SLO and abort shapes as the probes layer sees them: scenario.md's `probes`, `slos` and
 * `abort` sections with every duration already converted to milliseconds (`interval` → `intervalMs`,
 * `expect.maxLatency` → `expect.maxLatencyMs`, …). The scenario schema (src-main/scenario) parses
 * YAML into its own types; the engine maps those onto these, so this layer never parses YAML.
 */
import type { ConnectSpec } from '../ssh/index.js';
import type { Sample, SampleRow } from '../audit/index.js';

// One measurement and its stored row are the audit's data (the audit sits below the probes).
export type { Sample, SampleRow };

/** Fields every probe kind shares. */
export interface ProbeBase {
  id: string;
  /** A `targets` key: one series per node of that target. Absent → one series named `default`. */
  target?: string;
  /** ≥ MIN_INTERVAL_MS. */
  intervalMs: number;
  /** Must be < intervalMs (the scheduler refuses otherwise). */
  timeoutMs: number;
  /** k consecutive healthy samples = recovered (scenario default 3). */
  healthyAfter?: number;
}

/** Numeric thresholds; healthy needs `value < below` and `value > above` (both strict). */
export interface NumberBounds {
  below?: number;
  above?: number;
}

export interface HttpProbeSpec extends ProbeBase {
  kind: 'http';
  /** May contain `{host}`, `{name}`, `{port}` when `target` is set. */
  url: string;
  expect?: {
    status?: number;
    bodyMatch?: string;
    jsonPath?: string;
    /** Compared with the value at `jsonPath` (deep equality for JSON scalars). */
    equals?: unknown;
    maxLatencyMs?: number;
  };
  /**
   * Reuse one TCP/TLS connection per host across samples (default true), so latency measures the
   * service and not the three-way handshake each time. Set false when the fault under test only
   * blocks NEW connections (e.g. a port block that keeps ESTABLISHED flows): a kept-alive socket
   * would not notice it.
   */
  keepAlive?: boolean;
  /** Skip TLS certificate verification (self-signed lab certs). Default false. */
  tlsInsecure?: boolean;
}

export interface TcpProbeSpec extends ProbeBase {
  kind: 'tcp';
  /** `host:port` or `[v6]:port`; placeholders as for http. */
  address: string;
}

export interface CommandProbeSpec extends ProbeBase {
  kind: 'command';
  /** The scenario author's own command text (trusted). `{host}` `{name}` `{port}` are substituted shell-quoted. */
  command: string;
  expect?: {
    /** Default 0. */
    exitCode?: number;
    match?: string;
    /** Bounds on the number parsed from stdout: the first number, or capture group 1 of `extract`. */
    number?: NumberBounds;
    /** Regex whose first capture group holds the number. */
    extract?: string;
  };
}

export type GpuMetric = 'tempC' | 'powerW' | 'utilPct' | 'vramUsedB';
export type GpuTool = 'rocm-smi' | 'amd-smi' | 'nvidia-smi' | 'auto';

export interface GpuProbeSpec extends ProbeBase {
  kind: 'gpu';
  metric: GpuMetric;
  tool?: GpuTool;
  /** One GPU index; absent → the maximum over all GPUs of the node. (Not in the scenario schema yet.) */
  device?: number;
  expect?: NumberBounds;
}

export interface PrometheusProbeSpec extends ProbeBase {
  kind: 'prometheus';
  /** Base URL of the Prometheus server, e.g. http://127.0.0.1:9090 */
  url: string;
  query: string;
  expect?: NumberBounds;
}

export type ProbeSpec = HttpProbeSpec | TcpProbeSpec | CommandProbeSpec | GpuProbeSpec | PrometheusProbeSpec;
export type ProbeKindName = ProbeSpec['kind'];

/** One node a probe is pointed at (a resolved member of the probe's `target`). */
export interface ProbeNode {
  name: string;
  host: string;
  /** The node's SSH port from the inventory; what `{port}` expands to. */
  port: number;
  gpu?: 'amd' | 'nvidia' | 'none';
  /** How to reach it over SSH (command and gpu probes). */
  ssh?: ConnectSpec;
}

/** One series of one probe: the node it measures, or none for the `default` series. */
export interface ProbeTarget {
  series: string;
  node?: ProbeNode;
}

/** A target in milliseconds (or %), with per-environment overrides already picked by the caller, or not. */
export interface SloTarget {
  target: number;
  lab?: number;
  staging?: number;
  prod?: number;
}

/** scenario.md `slos`, durations in ms. */
export interface SloSpec {
  /** `from`: the clock the target is read on (recovery.ts); `holdMs`: the hold window (impact.ts). */
  recoveryTimeMs?: SloTarget & { from: RecoveryClock; holdMs?: number };
  detectionTimeMs?: SloTarget;
  availability?: SloTarget & { probe: string };
  errorRate?: SloTarget & { probe: string };
  latencyP95Ms?: SloTarget & { probe: string };
}

/** scenario.md `abort` entries, durations in ms; `forMs` absent = trip on the first such sample. */
export type AbortCondition =
  | { probe: string; unhealthyForMs: number }
  | { probe: string; valueAbove: number; forMs?: number }
  | { probe: string; valueBelow: number; forMs?: number };

/**
 * Which instant a recovery time is measured from:
 * - `revert`: the fault's active window ended (revert verified, or its lease known expired); a system
 *   that self-healed during the fault and stayed healthy counts 0 on this clock.
 * - `inject`: the fault became active (includes how long the fault was left in place).
 * - `detect`: the first unhealthy sample.
 */
export const RECOVERY_CLOCKS = ['revert', 'inject', 'detect'] as const;
export type RecoveryClock = (typeof RECOVERY_CLOCKS)[number];
