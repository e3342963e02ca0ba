import type { EngineEvent } from '../../api/index.js';
import type { RunOutcome, RunSession } from '../../engine/run-session.js';
import { formatDuration } from '../../util/duration.js';
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
      case 'timer.update':
        return e.timer.state === 'degraded' || e.timer.state === 'recovered' ? `${c.dim(t)}     ${e.timer.faultId}: ${e.timer.state === 'degraded' ? c.yellow(`impact detected on ${e.timer.probeId}`) : c.green(`recovered (${formatDuration((e.timer.recoveredAt ?? 0) - e.timer.injectedAt)} after inject, ±${e.timer.precisionMs} ms)`)}` : undefined;
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
    const failed = snap.steps.filter((x) => x.status === 'failed');
    for (const f of failed) process.stdout.write(`${c.red('✗')} step ${f.id}: ${f.message}\n`);
    for (const s of snap.steps.filter((x) => x.inconclusive)) process.stdout.write(`${c.yellow('?')} step ${s.id} inconclusive: ${s.inconclusive}\n`);
    for (const r of o.inconclusive) process.stdout.write(`${c.red('✗')} inconclusive: ${r}\n`);
    process.stdout.write(`exit ${o.exitCode}\n`);
  }
}
