import type { StepView } from '../api/index.js';
import type { RunMode } from '../api/index.js';
import { buildInject, buildRevert } from '../faults/index.js';
import { getFault, resolveParams } from '../faults/index.js';
import type { FaultContext } from '../faults/index.js';
import type { AssertStep, CommandStep, InjectStep, IntegrityStep, PlanTimes, RevertStep, Scenario, Step } from '../scenario/index.js';
import { type SshError } from '../ssh/index.js';
import { Shell } from '../shell/index.js';
import type { FaultManager, InjectOutcome } from './fault-manager.js';
import type { ResolvedTarget } from './targets.js';
import type { ClusterSide } from '../engines/k8s/index.js';

/** What a step runner may use of the session (kept narrow so runners stay testable and small). */
export interface StepHost {
  readonly scenario: Scenario;
  /** The runbook's durations in ms, converted once (scenario/plan-times.ts). */
  readonly times: PlanTimes;
  /** Each inject step's params, resolved once when the run was planned (scenario/plan-faults.ts). */
  readonly faultParams: ReadonlyMap<string, unknown>;
  readonly runId: string;
  readonly dryRun: boolean;
  /** rehearsal: a dry run whose waits and instructions wait for the facilitator (the room talks). */
  readonly mode: RunMode;
  readonly faults: FaultManager;
  readonly targets: Map<string, ResolvedTarget>;
  readonly signal: AbortSignal;
  view(stepId: string): StepView;
  update(stepId: string, patch: Partial<StepView>): void;
  /** Pausable countdown; resolves early on manual advance. Throws Stopped on STOP. */
  hold(ms: number, stepId: string): Promise<'elapsed' | 'advanced'>;
  /** Wait until `ready()` or manual advance; `timeoutMs` bounds it. */
  waitFor(stepId: string, ready: () => boolean, timeoutMs?: number): Promise<'ok' | 'advanced' | 'timeout'>;
  output(stepId: string, node: string, stream: 'stdout' | 'stderr' | 'info', data: string): void;
  exec(target: ResolvedTarget['nodes'][number], cmd: Shell, stepId: string, timeoutMs: number): Promise<{ code: number | null; stdout: string }>;
  audit(kind: string, data: Record<string, unknown>, node?: string): void;
  onInjected(step: InjectStep, outcomes: InjectOutcome[], at: number): void;
  probeHealthy(probeId: string): boolean | undefined;
  integrity: Map<string, Map<string, string>>;
  /** Pods through Chaos Mesh (engines/k8s), when the runbook has k8s: targets. */
  readonly cluster?: ClusterSide;
}

export interface StepResult {
  status: 'done' | 'failed' | 'skipped';
  message?: string;
}

function target(h: StepHost, name: string): ResolvedTarget {
  const t = h.targets.get(name);
  if (!t) throw new Error(`unknown target ${name}`);
  return t;
}

async function runInject(h: StepHost, s: InjectStep): Promise<StepResult> {
  if (h.cluster?.owns(s.target)) return h.cluster.inject(h, s, (at, pods) => h.onInjected(s, pods.map((p) => ({ node: p.pod, faultId: p.id, ok: true, state: 'active' })), at));
  const t = target(h, s.target);
  const holdMs = h.times.steps.get(s.id)?.durationMs;
  if (h.dryRun) {
    // The plan's resolved params (a step whose params did not resolve is refused here, as before).
    const mod = getFault(s.fault);
    const params = h.faultParams.has(s.id) ? h.faultParams.get(s.id) : resolveParams(mod, { intensity: s.intensity, params: s.params });
    for (const n of t.nodes) {
      const ctx: FaultContext = { runId: h.runId, faultId: `${s.id}-dry`.slice(0, 24), node: { name: n.name, host: n.host, gpu: n.gpu }, leaseTtlSec: h.faults.leaseTtlSec, maxDurationSec: 3600 };
      h.output(s.id, n.name, 'info', `[dry-run] would inject ${s.fault} with ${JSON.stringify(params)}:\n${buildInject(mod, params, ctx).text}\n[dry-run] and revert with:\n${buildRevert(mod, params, ctx).text}\n`);
      h.audit('dryrun.command', { stepId: s.id, fault: s.fault, params }, n.name);
    }
    return { status: 'done', message: `dry run: ${t.nodes.length} node(s) would get ${s.fault}` };
  }
  const outcomes = await h.faults.inject(
    { kind: s.fault, intensity: s.intensity, params: s.params, targets: t.nodes, label: s.id, stepId: s.id, resolved: h.faultParams.get(s.id), approver: h.view(s.id).approvedBy, maxDurationSec: Math.ceil((holdMs ?? 3_600_000) / 1000) + 120 },
    h.signal,
  );
  const at = performance.timeOrigin + performance.now();
  h.onInjected(s, outcomes, at);
  for (const o of outcomes) h.output(s.id, o.node, o.ok ? 'info' : 'stderr', `${s.fault}: ${o.ok ? 'active' : o.state}${o.message ? ` — ${o.message}` : ''}\n`);
  const ok = outcomes.filter((o) => o.ok).length;
  if (ok === 0) return { status: 'failed', message: `${s.fault} took effect on no node: ${outcomes.map((o) => o.message).filter(Boolean).join('; ')}` };
  return { status: 'done', message: `${s.fault} active on ${ok}/${outcomes.length} node(s)${holdMs ? `, reverts after ${s.duration}` : ''}` };
}

async function runRevert(h: StepHost, s: RevertStep): Promise<StepResult> {
  if (h.dryRun) return { status: 'done', message: `dry run: would revert the faults of ${s.step}` };
  const onCluster = await h.cluster?.revertStep(s.step);
  if (onCluster) return onCluster;
  const mine = [...h.faults.faults.values()].filter((f) => f.stepId === s.step);
  const live = mine.filter((f) => f.state !== 'reverted' && f.state !== 'failed');
  // Each fault's verified revert ends its step's window (RunTelemetry.faultChanged).
  for (const f of live) await h.faults.revertOne(f);
  const bad = live.filter((f) => f.state !== 'reverted');
  return bad.length ? { status: 'failed', message: `not clean: ${bad.map((f) => `${f.target.name} ${f.state}`).join(', ')}` } : { status: 'done', message: `${live.length} fault(s) of ${s.step} reverted and verified` };
}

async function runAssert(h: StepHost, s: AssertStep): Promise<StepResult> {
  if (h.dryRun) return { status: 'done', message: `dry run: would check ${s.probe} is ${s.expect}` };
  const within = h.times.steps.get(s.id)?.withinMs ?? 0;
  const want = s.expect === 'healthy';
  const r = await h.waitFor(s.id, () => h.probeHealthy(s.probe) === want, Math.max(within, 1));
  if (r === 'timeout') return { status: 'failed', message: `${s.probe} was not ${s.expect} within ${s.within ?? 'the check'}` };
  return { status: 'done', message: r === 'advanced' ? 'advanced by the commander' : `${s.probe} is ${s.expect}` };
}

async function runOnTarget(h: StepHost, s: CommandStep | IntegrityStep): Promise<{ res: Map<string, string>; failed: string[] }> {
  const t = target(h, s.target);
  const res = new Map<string, string>();
  const failed: string[] = [];
  const timeout = h.times.steps.get(s.id)?.timeoutMs ?? 120_000;
  await Promise.all(
    t.nodes.map(async (n) => {
      if (h.dryRun) {
        h.output(s.id, n.name, 'info', `[dry-run] would run: ${s.command}\n`);
        h.audit('dryrun.command', { stepId: s.id, command: s.command }, n.name);
        return;
      }
      try {
        const r = await h.exec(n, Shell.raw(s.command), s.id, timeout);
        res.set(n.name, r.stdout);
        if (r.code !== 0) failed.push(`${n.name} exit ${r.code}`);
      } catch (e) {
        failed.push(`${n.name}: ${(e as SshError).message}`);
      }
    }),
  );
  return { res, failed };
}

async function runCommand(h: StepHost, s: CommandStep): Promise<StepResult> {
  const { failed } = await runOnTarget(h, s);
  return failed.length ? { status: 'failed', message: failed.join('; ') } : { status: 'done', message: h.dryRun ? 'dry run' : 'exit 0 on every node' };
}

async function runIntegrity(h: StepHost, s: IntegrityStep): Promise<StepResult> {
  const { res, failed } = await runOnTarget(h, s);
  h.integrity.set(s.id, res);
  if (failed.length) return { status: 'failed', message: failed.join('; ') };
  if (h.dryRun || !s.compareWith) return { status: 'done', message: h.dryRun ? 'dry run' : `baseline recorded on ${res.size} node(s)` };
  const before = h.integrity.get(s.compareWith);
  if (!before) return { status: 'failed', message: `no baseline from ${s.compareWith} (was it skipped?)` };
  const diffs = [...res.entries()].filter(([n, out]) => before.get(n) !== out).map(([n, out]) => `${n}: before ${JSON.stringify((before.get(n) ?? '').trim().slice(0, 80))}, after ${JSON.stringify(out.trim().slice(0, 80))}`);
  h.audit('integrity.compared', { stepId: s.id, with: s.compareWith, match: diffs.length === 0, diffs });
  return diffs.length ? { status: 'failed', message: `data differs after recovery — ${diffs.join('; ')}` } : { status: 'done', message: `outputs match ${s.compareWith} on ${res.size} node(s)` };
}

/** Run one step; waiting for an operator or an approver happens before this, in the session. */
export async function runStep(h: StepHost, s: Step, headless: boolean): Promise<StepResult> {
  switch (s.kind) {
    case 'instruction':
    case 'note':
      if (headless || (h.dryRun && h.mode !== 'rehearsal')) return { status: 'done', message: headless ? 'headless run: shown, not waited for' : 'dry run' };
      return (await h.waitFor(s.id, () => false)) === 'advanced' ? { status: 'done' } : { status: 'done' };
    case 'approval':
      return { status: 'done', message: `approved by ${h.view(s.id).approvedBy ?? '?'}` };
    case 'wait':
      if (h.mode === 'rehearsal') return headless ? { status: 'done', message: `rehearsal: ${s.duration} pass on the table` } : (await h.waitFor(s.id, () => false), { status: 'done', message: 'rehearsal: advanced by the facilitator' });
      if (h.dryRun) return { status: 'done', message: `dry run: would wait ${s.duration}` };
      return (await h.hold(h.times.steps.get(s.id)?.durationMs ?? 0, s.id)) === 'advanced' ? { status: 'done', message: 'advanced early' } : { status: 'done' };
    case 'inject':
      return runInject(h, s);
    case 'revert':
      return runRevert(h, s);
    case 'assert':
      return runAssert(h, s);
    case 'command':
      return runCommand(h, s);
    case 'integrity':
      return runIntegrity(h, s);
  }
}
