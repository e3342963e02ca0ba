/**
 * The post-mortem report model: everything a renderer needs, built only from the audit file (and the
 * runbook file when it still exists). Renderers (Markdown, HTML, PDF, JSON) never read the audit
 * themselves, so all four say exactly the same thing.
 *
 * Times: wall-clock ISO strings (UTC) for people, plus `elapsedMs` since the run started so tables
 * and charts line up. Every text field that came from the audit is untrusted (node names, notes,
 * command output): renderers escape it.
 *
 * JSON stability: keys are only ever added, never renamed or removed, within a schema version.
 */
import type { SloResult } from '../api/index.js';

/**
 * Bumped when a key of the JSON form changes meaning or disappears. 2: recovery is a held healthy
 * run (issue 11); windows name their clocks (impactMs, recoverAfterRevertMs, selfHealed, recoveryMs
 * on `recoveryClock`) instead of `sinceRevertMs`/`flaps`; `unattributed` impact; `interrupted`.
 */
export const REPORT_SCHEMA_VERSION = 2;

export type Outcome = 'passed' | 'failed' | 'aborted' | 'incomplete';

export interface RunInfo {
  id: string;
  title: string;
  /** As recorded when the run started (may be relative to where `gameday run` was started). */
  scenarioFile: string | null;
  environment: string | null;
  /** Audit status: running, completed, aborted, failed. */
  status: string;
  startedAt: string;
  endedAt: string | null;
  durationMs: number;
  commander: string | null;
  roles: Array<{ role: string; people: string[] }>;
  exitCode: number | null;
  /** Every node ended clean at the final STOP (null: the run did not record it). */
  clean: boolean | null;
  failure: string | null;
  abortReason: string | null;
  dryRun: boolean;
  /** gameday, drill or rehearsal (as recorded; gameday when the run recorded none). */
  mode: 'gameday' | 'drill' | 'rehearsal';
  /** DRY RUN, REHEARSAL or DRILL (api/outcome.ts runMarker); null for a game day. */
  marker: 'DRY RUN' | 'REHEARSAL' | 'DRILL' | null;
  /** How the run ended in the console's one vocabulary (api/outcome.ts), e.g. "stopped by Ana (commander)". */
  outcomeText: string;
}

export interface RunbookInfo {
  available: boolean;
  /** Why not, or a caveat ("read as it is now; it may have changed since the run"). */
  note: string;
  hypothesis: string | null;
  description: string | null;
  owner: string | null;
  /** Each SLO of the runbook as a sentence, e.g. "recovery time ≤ 10s (lab)". */
  sloText: string[];
  phases: PhaseInfo[];
}

export interface PhaseInfo {
  id: string;
  title: string;
  plannedMs: number | null;
  /** First step of the phase started (elapsed ms); null when it never started. */
  startedMs: number | null;
  endedMs: number | null;
}

export interface SloRow extends SloResult {
  /** Where the verdict comes from: recorded by the engine at run end, or recomputed by the report. */
  source: 'recorded' | 'recomputed';
}

export interface AvailabilityRow {
  probeId: string;
  samples: number;
  availabilityPct: number | null;
  targetPct: number | null;
  /** (100 − availability) / (100 − target) × 100; null without a target or samples. */
  errorBudgetUsedPct: number | null;
  latencyP95Ms: number | null;
  /** p95 from the rollups' histogram: ±0.5 %. */
  latencyApprox?: boolean;
  explanation: string;
}

export type RevertMethod = 'step' | 'stop' | 'auto' | 'lease' | 'rollback' | 'one-shot' | 'none';

/** One fault on one node, as the audit recorded it. */
export interface FaultEntry {
  id: string;
  kind: string;
  node: string;
  stepId: string | null;
  params: string;
  oneShot: boolean;
  injectedAt: string | null;
  injectedMs: number | null;
  revertedAt: string | null;
  revertedMs: number | null;
  finalState: string;
  revertMethod: RevertMethod;
  /** How it was reverted, in words ("revert step clean", "STOP: operator", "lease watchdog by …"). */
  revertText: string;
  leaseExpiresAt: string | null;
  detail: string | null;
  /** Of its inject step's window (the primary probe sees the whole step, like the engine); ttrMs on the recovery target's clock. */
  ttdMs: number | null;
  ttrMs: number | null;
}

/**
 * Detection and recovery of one inject step on the primary probe, from the one attribution
 * (probes/impact.ts). Elapsed ms since the run started; figures in ms, each ± `precisionMs`.
 */
export interface FaultWindowEntry {
  stepId: string;
  kinds: string[];
  nodes: string[];
  probeId: string;
  /** The fault became active. */
  injectMs: number;
  /** Its active window ended (revert verified, lease expired, one-shot): null = never. */
  revertMs: number | null;
  endKind: 'revert' | 'lease' | 'one-shot' | null;
  precisionMs: number;
  healthyAfter: number;
  /** A healthy run had to last this long to count as recovered. */
  holdMs: number;
  detection: 'detected' | 'never-detected';
  /** Time to detect: first unhealthy sample − fault active. */
  ttdMs: number | null;
  ttdTargetMs: number | null;
  ttdVerdict: 'pass' | 'fail' | 'unknown';
  /** The probe was already unhealthy when the fault became active. */
  unhealthyAtStart: boolean;
  recovery: 'recovered' | 'not-recovered' | 'never-detected' | 'interrupted';
  /** Why not recovered, in words (null when recovered). */
  recoveryNote: string | null;
  /** Impact duration: recovered (or interrupted, or the end of the run) − detected. */
  impactMs: number | null;
  /** Recovered − end of the window; null when it self-healed or the window never ended. */
  recoverAfterRevertMs: number | null;
  /** Recovered before the revert and stayed healthy through it (then selfHealedAfterMs from active). */
  selfHealed: boolean;
  selfHealedAfterMs: number | null;
  /** Recovered − fault active (the `inject` clock). */
  ttrMs: number | null;
  /** The clock the recovery target is read on, and the figure on it. */
  recoveryClock: 'revert' | 'inject' | 'detect';
  recoveryMs: number | null;
  ttrTargetMs: number | null;
  ttrVerdict: 'pass' | 'fail' | 'unknown';
  revertMethod: RevertMethod;
  revertText: string;
  /** Healthy runs that broke again before holding (flapping). */
  relapses: number;
  /** The next fault that became active before recovery held. */
  interruptedBy: string | null;
}

/** Impact outside every fault window: never folded into a fault's figures. */
export interface UnattributedEntry {
  probeId: string;
  fromMs: number;
  /** Recovered, cut by a fault becoming active, or the end of the run. */
  toMs: number;
  durationMs: number;
  state: 'open' | 'recovered' | 'interrupted';
  series: string[];
  relapses: number;
}

export interface TimelineItem {
  seq: number;
  at: string;
  elapsedMs: number;
  kind: string;
  actor: string | null;
  node: string | null;
  /** One readable line. */
  text: string;
  level: 'info' | 'warn' | 'error' | 'good';
  /** Condensed entries (exec) list their parts here. */
  details: string[];
}

export interface TimelineGroup {
  id: string;
  title: string;
  items: TimelineItem[];
}

export interface NoteEntry {
  at: string;
  elapsedMs: number;
  role: string | null;
  author: string | null;
  text: string;
}

export interface ApprovalEntry {
  at: string;
  elapsedMs: number;
  step: string;
  approver: string;
  decision: string;
  reason: string | null;
}

export type ActionCategory = 'recovery' | 'detection' | 'residue' | 'reachability' | 'step' | 'abort' | 'preflight' | 'integrity' | 'slo' | 'audit';

export interface ActionItem {
  id: string;
  category: ActionCategory;
  priority: 'P1' | 'P2' | 'P3';
  finding: string;
  remediation: string;
  owner: string;
}

export interface Lessons {
  wentWell: string[];
  wentWrong: string[];
  gotLucky: string[];
  /** Questions for the facilitator; left open on purpose. */
  prompts: string[];
}

export interface ScoreComponent {
  key: 'slo' | 'recovery' | 'detection' | 'finish' | 'residue';
  label: string;
  weight: number;
  /** 0..1; null = not applicable to this run (its weight is spread over the others). */
  value: number | null;
  points: number;
  explanation: string;
}

export interface Score {
  value: number;
  components: ScoreComponent[];
  formula: string;
}

export interface TrendRow {
  runId: string;
  startedAt: string;
  status: string;
  outcome: Outcome;
  score: number;
  /** Slowest recovery among faults that recovered, on the runbook's recovery clock. */
  worstTtrMs: number | null;
  /** Faults that never recovered (they have no TTR, and are worse than any). */
  unrecovered: number;
  availabilityPct: number | null;
  current: boolean;
  /** DRY RUN, REHEARSAL or DRILL: an earlier run that was not a real game day says so. */
  marker: 'DRY RUN' | 'REHEARSAL' | 'DRILL' | null;
}

/** A downsampled line: [elapsed ms, value] pairs (min and max of each bucket, in time order). */
export interface ChartLine {
  name: string;
  points: Array<[number, number]>;
}

export interface ProbeChart {
  probeId: string;
  /** What the value axis shows ("latency (ms)", "tempC", …). */
  valueLabel: string;
  seriesCount: number;
  samples: number;
  /** `series` = one line per series; `envelope` = min/mean/max across many series. */
  mode: 'series' | 'envelope';
  lines: ChartLine[];
  /** % of unhealthy samples per bucket: [bucket start elapsed ms, percent]. */
  unhealthyPct: Array<[number, number]>;
  bucketMs: number;
  intervalMs: number | null;
  availabilityPct: number | null;
  latencyP95Ms: number | null;
  /** p95 read from the rollups' histogram (±0.5 %) rather than from every sample. */
  latencyApprox?: boolean;
}

export interface ChartMarks {
  faults: Array<{ label: string; fromMs: number; toMs: number }>;
  phases: Array<{ label: string; atMs: number }>;
  endMs: number;
}

export interface IntegrityInfo {
  ok: boolean;
  checked: number;
  runEvents: number;
  firstBroken: { seq: number; reason: string } | null;
  text: string;
  /**
   * The run's head: its last event's seq (the chain up to it holds that many events) and hash. Kept
   * with the report, it lets `gameday audit verify --expect-head SEQ:HASH` prove later that nothing
   * up to it was removed or re-chained. Null for trend rows.
   */
  head?: { seq: number; hash: string } | null;
}

export interface ReportModel {
  schemaVersion: number;
  generatedAt: string;
  run: RunInfo;
  runbook: RunbookInfo;
  outcome: Outcome;
  summary: string;
  slos: SloRow[];
  availability: AvailabilityRow[];
  impactText: string;
  windows: FaultWindowEntry[];
  unattributed: UnattributedEntry[];
  faults: FaultEntry[];
  timeline: TimelineGroup[];
  notes: NoteEntry[];
  approvals: ApprovalEntry[];
  actionItems: ActionItem[];
  lessons: Lessons;
  score: Score;
  trend: TrendRow[];
  charts: ProbeChart[];
  marks: ChartMarks;
  integrity: IntegrityInfo;
  /** How sample times (monotonic epoch) relate to event times (wall clock). */
  clockNote: string;
  /** Drills and rehearsals only (report/drill.ts): score, declarations, hints; or the tabletop banner and outcomes. */
  drill?: import('./drill.js').DrillReport;
}
