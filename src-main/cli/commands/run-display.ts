import type { EngineEvent, TimerView } from '../../api/index.js';
import { clockWords } from '../../probes/index.js';
import type { RunOutcome, RunSession } from '../../engine/index.js';
import { formatDuration } from '../../api/index.js';
import { c, table } from '../output.js';

/** Redraws of the live block on a terminal, per second (enough for countdowns, cheap to draw). */
const REDRAW_MS = 500;

/**
 * The headless run's live progress: on a terminal, a compact block redrawn in place (phase, step
 * with countdown, faults per node, probe health, timers); elsewhere (CI logs), one line per event.
 */
export class LiveDisplay {
  private readonly tty = process.stdout.isTTY === true;
  private timer?: NodeJS.Timeout;
  private lines = 0;
  private readonly lastStatus = new Map<string, string>();
  private readonly lastTimer = new Map<string, string>();

  constructor(
    private readonly session: RunSession,
    private readonly quiet: boolean,
  ) {
    if (this.tty && !quiet) this.timer = setInterval(() => this.redraw(), REDRAW_MS);
  }

  onEvent(e: EngineEvent): void {
    if (this.quiet) return;
    const line = this.describe(e);
    if (!line) return;
    this.clear();
    process.stdout.write(`${line}\n`);
    this.redraw();
  }

  private describe(e: EngineEvent): string | undefined {
    const t = new Date().toISOString().slice(11, 19);
    switch (e.type) {
      case 'phase.update':
        return e.phase.status === 'running' ? `${c.dim(t)} ${c.bold(`▶ phase ${e.phase.title}`)}${e.phase.plannedMs ? c.dim(` (planned ${formatDuration(e.phase.plannedMs)})`) : ''}` : undefined;
      case 'step.update': {
        const s = e.step;
        if (this.lastStatus.get(s.id) === s.status) return undefined;
        this.lastStatus.set(s.id, s.status);
        if (s.status === 'running') return `${c.dim(t)}   ${s.kind.padEnd(11)} ${s.title}`;
        if (s.status === 'awaiting-approval') return `${c.dim(t)}   ${c.yellow('awaiting approval')} ${s.id}`;
        if (s.status === 'done') return `${c.dim(t)}   ${c.green('✓')} ${s.id}${s.message ? c.dim(` — ${s.message}`) : ''}${s.approvedBy ? c.dim(` (approved by ${s.approvedBy})`) : ''}`;
        if (s.status === 'failed') return `${c.dim(t)}   ${c.red('✗')} ${s.id} — ${s.message ?? 'failed'}`;
        if (s.status === 'skipped') return `${c.dim(t)}   ${c.yellow('↷')} ${s.id} — ${s.message ?? 'skipped'}`;
        return undefined;
      }
      case 'fault.update':
        // One line per state change (a lease warning updates the fault without changing its state).
        if (this.lastStatus.get(`fault:${e.fault.id}`) === e.fault.state) return undefined;
        this.lastStatus.set(`fault:${e.fault.id}`, e.fault.state);
        return ['active', 'reverted', 'residue', 'unreachable', 'failed'].includes(e.fault.state) ? `${c.dim(t)}     fault ${e.fault.kind} on ${e.fault.node}: ${e.fault.state === 'active' ? c.red('ACTIVE') : e.fault.state === 'reverted' ? c.green('reverted') : c.yellow(e.fault.state)}` : undefined;
      case 'timer.update': {
        const line = timerLine(e.timer);
        if (!line || this.lastTimer.get(e.timer.faultId) === line) return undefined;
        this.lastTimer.set(e.timer.faultId, line);
        return `${c.dim(t)}     ${line}`;
      }
      case 'abort.fired':
        return `${c.dim(t)} ${c.red(`ABORT: ${e.reason}`)}`;
      case 'exec.output':
        // A rehearsal is read out to a room: the outcomes are the point, not the scripts (the audit keeps them).
        if (e.stream === 'info') return this.session.dryRun && this.session.mode !== 'rehearsal' ? e.data.trimEnd().split('\n').map((l) => `${c.dim(t)}     ${e.node} ${c.cyan('»')} ${l}`).join('\n') : undefined;
        return `${c.dim(t)}     ${e.node} ${e.stream === 'stderr' ? c.red('!') : '|'} ${e.data.trimEnd()}`;
      case 'log':
        return `${c.dim(t)} ${e.level === 'error' ? c.red(e.message) : e.message}`;
      default:
        return undefined;
    }
  }

  private clear(): void {
    if (!this.tty || this.lines === 0) return;
    process.stdout.write(`\x1b[${this.lines}A\x1b[0J`);
    this.lines = 0;
  }

  private redraw(): void {
    if (!this.tty || this.quiet) return;
    this.clear();
    const s = this.session.snapshot();
    const step = s.steps.find((x) => x.id === s.currentStepId);
    const now = s.serverNow;
    const countdown = step?.plannedMs && step.startedAt ? ` ${formatDuration(Math.max(0, step.plannedMs - (now - step.startedAt)))} left` : '';
    const live = s.faults.filter((f) => f.state === 'active' || f.state === 'injecting');
    const probes = s.probes.map((p) => `${p.id} ${Object.values(p.healthy).every(Boolean) && Object.keys(p.healthy).length ? c.green('●') : Object.keys(p.healthy).length ? c.red('●') : c.dim('○')}`).join('  ');
    const out = [
      c.dim('─'.repeat(60)),
      `${c.bold(s.state.toUpperCase())} ${s.title} ${s.dryRun ? c.yellow('[DRY RUN]') : ''} — step ${step?.id ?? '-'}${countdown}`,
      `faults: ${live.length ? live.map((f) => `${f.kind}@${f.node} (lease ${Math.max(0, Math.round((f.leaseExpiresAt - Date.now()) / 1000))}s${f.leaseWarning ? c.yellow(', renewals failing') : ''})`).join(', ') : 'none active'}`,
      `probes: ${probes || 'none'}   ${c.dim('Ctrl-C = STOP')}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    this.lines = out.length;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.clear();
  }

  printSummary(o: RunOutcome): void {
    const snap = this.session.snapshot();
    process.stdout.write(`\n${c.bold(`Run ${o.runId}: ${o.state}`)}${o.inconclusive.length ? c.yellow(' — inconclusive') : ''}${o.abortReason ? ` — ${c.red(o.abortReason)}` : ''}\n`);
    if (o.stop) {
      const bad = o.stop.nodes.filter((n) => n.status !== 'reverted' && n.status !== 'nothing');
      process.stdout.write(o.stop.clean ? `${c.green('✓')} every node verified clean (${o.stop.nodes.length} node(s), ${formatDuration(o.stop.durationMs)})\n` : `${c.red('✗')} not clean: ${bad.map((n) => `${n.node} ${n.status}${n.leaseExpiresAt ? ` (lease expires ${n.leaseExpiresAt})` : ''}`).join(', ')}\n`);
    }
    if (o.slos.length) {
      const v = (x: string) => (x === 'pass' ? c.green('pass') : x === 'fail' ? c.red('FAIL') : c.yellow('unknown'));
      process.stdout.write(`${table(['SLO', 'MEASURED', 'TARGET', 'VERDICT', 'NOTE'], o.slos.map((x) => [x.name, x.measured, x.target, v(x.verdict), x.detail ?? '']))}\n`);
    }
    if (snap.timers.length) process.stdout.write(`${recoveryTable(snap.timers)}\n`);
    const failed = snap.steps.filter((x) => x.status === 'failed');
    for (const f of failed) process.stdout.write(`${c.red('✗')} step ${f.id}: ${f.message}\n`);
    for (const s of snap.steps.filter((x) => x.inconclusive)) process.stdout.write(`${c.yellow('?')} step ${s.id} inconclusive: ${s.inconclusive}\n`);
    for (const r of o.inconclusive) process.stdout.write(`${c.red('✗')} inconclusive: ${r}\n`);
    process.stdout.write(`exit ${o.exitCode}\n`);
  }
}

const dur = (ms: number | undefined) => (ms === undefined ? '—' : formatDuration(ms));

/**
 * One line per change a room must hear: impact seen, flapping, recovered (on the named clocks), a
 * recovery interrupted by the next fault, impact with no fault behind it. Never "recovered" for a
 * healthy run that has not held (that is "holding").
 */
export function timerLine(x: TimerView): string | undefined {
  const who = x.unattributed ? `unattributed impact on ${x.probeId} (${x.series})` : x.faultId;
  const p = `±${x.precisionMs} ms`;
  switch (x.state) {
    case 'degraded':
      return `${who}: ${c.yellow(x.unattributed ? 'unhealthy while no fault is active' : `impact detected ${dur(x.detectedAt === undefined ? undefined : x.detectedAt - x.injectedAt)} after the fault became active`)}`;
    case 'flapping':
      return `${who}: ${c.yellow(`flapping · ${x.relapses ?? 0} relapse(s)`)}`;
    case 'recovering':
      return `${who}: ${c.yellow(`healthy again, holding (${dur(x.holdMs)} hold${x.endedAt === undefined ? ', and the fault is still active' : ''})`)}`;
    case 'interrupted':
      return `${who}: ${c.yellow(`recovery not confirmed: ${x.interruptedBy ?? 'the next fault'} became active first`)}`;
    case 'recovered':
      if (x.unattributed) return `${who}: ${c.yellow(`recovered after ${dur(x.impactMs)} of impact`)}`;
      return `${who}: ${c.green(x.selfHealed ? `self-healed ${dur(x.selfHealedAfterMs)} after the fault became active, and held through the revert` : `recovered ${dur(x.recoverAfterRevertMs)} ${clockWords('revert')}`)} ${c.dim(`(impact ${dur(x.impactMs)}${x.relapses ? `, ${x.relapses} relapse(s)` : ''}, ${p})`)}`;
    default:
      return undefined;
  }
}

/** The named figures per fault (and unattributed impact) at the end of a run. */
export function recoveryTable(timers: TimerView[]): string {
  const rows = timers.map((x) => [
    x.unattributed ? `${x.faultId} (no fault)` : x.faultId,
    x.state,
    x.detectedAt === undefined || x.unattributed ? '—' : dur(x.detectedAt - x.injectedAt),
    dur(x.impactMs),
    x.recoverAfterRevertMs === undefined ? '—' : dur(x.recoverAfterRevertMs),
    x.selfHealed ? `yes, ${dur(x.selfHealedAfterMs)}` : x.unattributed ? '—' : 'no',
    x.relapses ? String(x.relapses) : '0',
    x.targetMs === undefined ? '—' : `≤ ${dur(x.targetMs)} from ${x.clock ?? 'revert'}`,
  ]);
  return table(['RECOVERY', 'STATE', 'TIME TO DETECT', 'IMPACT', 'AFTER REVERT', 'SELF-HEALED', 'RELAPSES', 'TARGET'], rows) + `\n${c.dim(`±${timers[0]!.precisionMs} ms per figure; recovered = healthy from then on for the ${dur(timers[0]!.holdMs)} hold`)}`;
}
