/**
 * The one launcher: `launchRun(plan, deps)` wires a run — the SSH pool (every exec audited under the
 * run id), the fault manager with its lease renewals, the one STOP, the workspace control socket
 * (`gameday stop` and status from another terminal), the shared pool (`gameday exec` from another
 * terminal reuses the run's connections) and the process's STOP signals — for the CLI
 * `run`, the CLI `inject` and the console alike. The adapters only show what happens.
 */
import { auditExecHooks, type AuditStore } from '../audit/index.js';
import { getFault } from '../faults/index.js';
import { SshPool, sharePool, type PoolOptions, type SharedSelector } from '../ssh/index.js';
import { injectHoldRevert, type InjectHooks, type InjectResult } from './adhoc-inject.js';
import { listenControl } from './control-socket.js';
import { FaultManager } from './fault-manager.js';
import type { InjectPlan, RunPlan, ScenarioPlan } from './run-plan.js';
import { RunSession, type RunOutcome } from './run-session.js';
import { StopController } from './stop-controller.js';

/** STOP as process signals press it (the CLI installs SIGINT/SIGTERM handlers; returns the uninstaller). */
export type StopSignalInstaller = (h: { stop(sig: NodeJS.Signals): unknown; abandon(): Array<{ node: string; kind: string; state: string; leaseExpiresAt: string }> }) => () => void;

/** What a run is wired to. */
export interface LaunchDeps {
  audit: AuditStore;
  runId: string;
  /** The commander: audited as the actor of the run's execs. */
  commander: string;
  /** A long-lived pool the caller owns (the console's); absent: the run opens its own from `poolOptions` and disposes it. */
  pool?: SshPool;
  poolOptions?: PoolOptions;
  /** Makes the pool the run owns (default: a plain SshPool); the CLI's may go through a live console's connections. */
  newPool?: (o: PoolOptions) => SshPool;
  /** The workspace's control folder: `gameday stop` and status from other terminals reach this run. */
  controlDir?: string;
  /** With `controlDir`: the inventory this run lends `gameday exec` with its shared connections (ssh/pool-share.ts). */
  lend?: () => SharedSelector | undefined;
  /** With `controlDir`: share the run's pool there (default true; false when the pool is shared already, as the console's is). */
  sharePool?: boolean;
  /** Wire STOP to the process's signals while the run runs (CLI). */
  stopSignals?: StopSignalInstaller;
  /** Who a signal's STOP is recorded as (default: the commander). */
  signalActor?: string;
}

interface Launched {
  readonly runId: string;
  readonly pool: SshPool;
  readonly faults: FaultManager;
  readonly stopper: StopController;
  /** Release what the run owns (its pool, its lease timers); safe to call twice. */
  close(): Promise<void>;
}

/** A runbook, wired: `start()` runs it to the end (every fault reverted). */
export interface LaunchedScenario extends Launched {
  readonly session: RunSession;
  start(): Promise<RunOutcome>;
}

/** An ad-hoc fault, wired: `start()` injects, holds and reverts; `close(status)` ends the run in the audit. */
export interface LaunchedInject extends Launched {
  start(hooks?: InjectHooks): Promise<InjectResult>;
  close(status?: string): Promise<void>;
}

/** Wire a run for `plan`: nothing is sent to a node until `start()`. */
export function launchRun(plan: ScenarioPlan, deps: LaunchDeps): LaunchedScenario;
export function launchRun(plan: InjectPlan, deps: LaunchDeps): LaunchedInject;
export function launchRun(plan: RunPlan, deps: LaunchDeps): LaunchedScenario | LaunchedInject {
  const { audit, runId, commander } = deps;
  const pool = deps.pool ?? (deps.newPool ?? ((o) => new SshPool(o)))({ ...deps.poolOptions, ...auditExecHooks(audit, { runId, actor: commander }) });
  const ownsPool = !deps.pool;
  let released = false;
  const release = async (faults: FaultManager) => {
    if (released) return;
    released = true;
    faults.dispose();
    if (ownsPool) await pool.dispose();
  };
  /** Signals and the control socket, armed while the run runs; returns the disarmer. */
  const arm = (stop: (reason: string, actor: string) => Promise<unknown>, status: () => unknown, abandon: StopController['abandon']) => {
    // A socket that cannot listen never ends the run (nor its STOP): it is audited, and the run's
    // own STOP (its terminal's Ctrl-C, the console's button) still works.
    const unreachable = (e: Error) => audit.append({ runId, kind: 'control.unavailable', actor: commander, data: { error: e.message, effect: '`gameday stop` from another terminal cannot reach this run; its own STOP still works' } });
    const control = deps.controlDir ? listenControl(deps.controlDir, runId, async (req) => (req.cmd === 'stop' ? stop(req.reason ?? 'gameday stop', req.actor ?? 'cli') : status()), unreachable) : undefined;
    // While it runs, the run's open connections serve `gameday exec` from other terminals.
    const share = deps.controlDir && deps.sharePool !== false ? sharePool(pool, deps.controlDir, runId, deps.lend) : undefined;
    const unsignal = deps.stopSignals?.({ stop: (sig) => stop(`${sig} received`, deps.signalActor ?? commander), abandon });
    return () => {
      unsignal?.();
      control?.close();
      share?.close();
    };
  };

  if (plan.kind === 'scenario') {
    const session = new RunSession({ ...plan.run, pool, audit, runId, commander });
    return {
      runId, pool, session, faults: session.faults, stopper: session.stopper,
      async start() {
        const disarm = arm((r, a) => session.stop(r, a), () => session.snapshot(), () => session.stopper.abandon());
        try {
          return await session.run();
        } finally {
          disarm();
        }
      },
      close: () => release(session.faults),
    };
  }

  audit.createRun({ id: runId, scenario: plan.title, title: plan.title, env: 'adhoc', commander, meta: { inventory: plan.inventoryFile } });
  const faults = new FaultManager(pool, audit, runId, plan.leaseTtlSec, plan.policy);
  const stopper = new StopController(faults, audit);
  const disarm = arm((r, a) => stopper.stop(r, a), () => ({ runId, faults: faults.live().map((f) => ({ id: f.id, node: f.target.name, kind: f.kind, state: f.state })) }), () => stopper.abandon());
  let ended = false;
  return {
    runId, pool, faults, stopper,
    async start(hooks) {
      try {
        return await injectHoldRevert(plan, { faults, stopper, audit, runId, oneShot: Boolean(getFault(plan.fault.kind).oneShot) }, hooks);
      } finally {
        if (!stopper.stopped) await stopper.stop('command ended', 'cli');
      }
    },
    async close(status = 'failed') {
      disarm();
      await release(faults);
      if (!ended) audit.endRun(runId, status);
      ended = true;
    },
  };
}
