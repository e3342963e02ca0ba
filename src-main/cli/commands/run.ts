import { existsSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { AuditStore } from '../../audit/index.js';
import type { EngineEvent, StepView } from '../../api/index.js';
import { launchRun, preflightItems, type RunOutcome } from '../../engine/index.js';
import { resolveTargets, TargetError } from '../../engine/index.js';
import { runPreflight } from '../../preflight/index.js';
import { formatProblem, loadScenario, planFaultParams, planTimes, ScenarioError, type Scenario } from '../../scenario/index.js';
import { loadSshConfig } from '../../ssh/index.js';
import { load, type GlobalOpts } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { c } from '../output.js';
import { auditFile, controlDir, newRunId, workspaceDir } from '../workspace.js';
import { auditProblemText, printAuditOpenNotes } from '../audit-notes.js';
import { printAuditEnd, printStopProblems, stopExitCode } from '../fault-session.js';
import { installStopSignals } from '../stop-signals.js';
import { printPreflight } from './preflight.js';
import { junitXml } from './run-junit.js';
import { LiveDisplay } from './run-display.js';
import { prepareCluster } from './run-k8s.js';

export interface RunCmdOpts extends GlobalOpts {
  approver?: string;
  commander?: string;
  dryRun?: boolean;
  junit?: string;
  workspace?: string;
  skipPreflight?: boolean;
  /** gameday (default) or rehearsal; drill is refused here (it needs the console's trainee screens). */
  mode?: string;
  /** Rehearsal: do not ask before going on after each outcome. */
  yes?: boolean;
}

/** Load and validate a runbook; invalid → every problem printed, exit 3, nothing sent. */
export function loadRunbook(file: string, json?: boolean): Scenario {
  // A path that is not there is not an invalid runbook: say just that (the edge check says the same).
  if (!existsSync(file)) throw new CliError(`no such file: ${file}`, EXIT.INVALID_INPUT, `check the path (relative paths start at ${process.cwd()})`);
  try {
    const { scenario, problems } = loadScenario(file);
    if (!json) for (const p of problems) process.stderr.write(`${c.yellow('warning')} ${formatProblem(p)}\n`);
    return scenario;
  } catch (e) {
    if (e instanceof ScenarioError) throw new CliError(`${file} is not a valid runbook:\n${e.problems.map(formatProblem).join('\n')}`, EXIT.INVALID_INPUT);
    throw new CliError((e as Error).message, EXIT.INVALID_INPUT);
  }
}

/** --mode: gameday or rehearsal here; a drill needs trainees' screens, so it is sent to the console. */
function runMode(m: string | undefined): 'gameday' | 'rehearsal' {
  if (m === undefined || m === 'gameday') return 'gameday';
  if (m === 'rehearsal') return 'rehearsal';
  if (m === 'drill') throw new CliError('a drill needs trainees with their own screens (faults hidden from them), so it runs in the console, not headless', EXIT.INVALID_INPUT, 'start `gameday console` (or `gameday console --sim`), give trainees the trainee URL, and start the runbook in drill mode there');
  throw new CliError(`--mode must be gameday or rehearsal, got ${JSON.stringify(m)}`, EXIT.INVALID_INPUT);
}

/** Rehearsal: print the outcome; ask to go on unless --yes (or nobody is at a terminal). */
function outcomePause(stepId: string, text: string, yes: boolean, json: boolean): Promise<void> {
  if (!json) process.stdout.write(`\n${c.bold(`outcome of ${stepId}`)}: ${text}\n`);
  if (yes || json || !process.stdin.isTTY) return Promise.resolve();
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.question('Discuss, then press Enter to go on… ', () => {
      rl.close();
      resolve();
    });
  });
}

function askApprover(step: StepView): Promise<string | undefined> {
  if (!process.stdin.isTTY) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.question(`\n${c.yellow('approval needed')} for ${step.id} (${step.title}). Approver's name (not the commander; empty = refuse): `, (a) => {
      rl.close();
      resolve(a.trim() || undefined);
    });
  });
}

/**
 * `gameday run SCENARIO`: the whole game day headless — preflight, phases and steps on the clock,
 * probes and recovery timers, approvals (--approver or a prompt), SIGINT/SIGTERM and `gameday stop`
 * go to STOP. Exit codes: 0 SLOs met, 1 SLO violated or a step failed, 2 stopped/aborted, 3 invalid
 * input, 4 preflight failed.
 */
export async function runCommand(file: string, o: RunCmdOpts): Promise<number> {
  const mode = runMode(o.mode);
  const scenario = loadRunbook(file, o.json);
  const rehearsal = mode === 'rehearsal';
  const l = load(o);
  const sshConfig = o.sshConfig ? loadSshConfig(o.sshConfig) : undefined;
  const commander = o.commander ?? scenario.roles?.commander ?? process.env.USER ?? 'commander';
  // Targets that do not resolve are bad input (exit 3), found before anything is opened.
  try {
    resolveTargets(scenario, l.inv, sshConfig);
  } catch (e) {
    if (e instanceof TargetError) throw new CliError(e.message, EXIT.INVALID_INPUT);
    throw e;
  }
  const ws = workspaceDir(o.workspace);
  const audit = AuditStore.open(auditFile(ws));
  printAuditOpenNotes(audit, o.json);
  const runId = newRunId('run');
  // Kubernetes targets (engines/k8s): resolved and preflighted before the run, reverted by its STOP.
  let k8s: Awaited<ReturnType<typeof prepareCluster>>;
  try {
    k8s = await prepareCluster({ scenario, inv: l.inv, audit, runId, preflight: !o.dryRun && !rehearsal && !o.skipPreflight, json: o.json });
  } catch (e) {
    audit.close();
    throw e;
  }
  if (k8s.exit !== undefined) {
    audit.close();
    return k8s.exit;
  }
  const run = launchRun(
    { kind: 'scenario', run: { scenario, times: planTimes(scenario), faultParams: planFaultParams(scenario), scenarioFile: file, inventory: l.inv, sshConfig, dryRun: o.dryRun, cluster: k8s.cluster, headless: true, approver: o.approver, approvalPrompt: askApprover, mode, rehearsalPause: rehearsal ? (stepId, text) => outcomePause(stepId, text, Boolean(o.yes), Boolean(o.json)) : undefined } },
    { audit, runId, commander, poolOptions: l.poolOptions(), controlDir: controlDir(ws), lend: () => l.shared(), stopSignals: installStopSignals, signalActor: 'cli' },
  );
  try {
    if (!o.dryRun && !rehearsal && !o.skipPreflight) {
      const items = preflightItems(scenario, l.inv, sshConfig);
      if (items.length) {
        if (!o.json) process.stdout.write(`${c.bold('preflight')} ${items.length} node × fault checks…\n`);
        const report = await runPreflight(run.pool, items);
        if (!report.ok) {
          if (o.json) process.stdout.write(`${JSON.stringify({ preflight: report }, null, 2)}\n`);
          else printPreflight(report, [...new Set(items.map((i) => i.module.id))]);
          audit.append({ kind: 'preflight.failed', data: { file, cells: report.cells.filter((x) => !x.ok).map((x) => ({ node: x.node, fault: x.fault })) } });
          return EXIT.PREFLIGHT_FAILED;
        }
      }
    } else if (rehearsal && !o.json) process.stdout.write(`${c.yellow('REHEARSAL')} (tabletop): nothing is sent to any node and no probe runs; each step's outcome is read out for the room.\n`);
    else if (o.dryRun && !o.json) process.stdout.write(`${c.yellow('DRY RUN')}: nothing is sent to any node; every command is printed instead.\n`);

    const session = run.session;
    const display = new LiveDisplay(session, Boolean(o.json));
    const onEvent = (e: EngineEvent) => display.onEvent(e);
    session.on('event', onEvent);
    let outcome: RunOutcome;
    try {
      outcome = await run.start();
    } finally {
      display.dispose();
    }
    // The run's head (its run.ended event): printed, in the JSON and the JUnit, and anchored.
    const problem = auditProblemText(audit);
    const auditInfo = { head: problem ? undefined : audit.runHead(runId), anchor: audit.anchorFile, problem };
    let exitCode = outcome.stop ? (stopExitCode(outcome.stop) ?? outcome.exitCode) : outcome.exitCode;
    if (problem && (exitCode === EXIT.OK || exitCode === EXIT.FAILED)) exitCode = EXIT.STOPPED;
    if (o.junit) writeFileSync(o.junit, junitXml(scenario, session.snapshot(), outcome, auditInfo));
    if (o.json) process.stdout.write(`${JSON.stringify({ ...outcome, exitCode, audit: auditInfo, snapshot: session.snapshot() }, null, 2)}\n`);
    else {
      display.printSummary(outcome);
      if (outcome.stop) printStopProblems(outcome.stop);
      printAuditEnd({ ...auditInfo, anchorFile: auditInfo.anchor, pending: Boolean(problem) });
    }
    return exitCode;
  } finally {
    await run.close();
    audit.close();
  }
}
