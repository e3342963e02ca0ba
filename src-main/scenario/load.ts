/**
 * Load a runbook: YAML (positions kept) → strict schema → reference, probe and fault checks →
 * optional inventory checks. Every problem carries file:line:col and a hint; all of them are
 * reported together. Any input — binary junk, alias bombs, absurd nesting — ends as problems,
 * never as a crash.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { Inventory } from '../inventory/index.js';
import { checkDrill } from './checks-drill.js';
import { checkFaults } from './checks-faults.js';
import { checkK8sScenario } from './checks-k8s.js';
import { checkAgainstInventory, type ProbeHost } from './checks-inventory.js';
import { checkProbes } from './checks-probes.js';
import { checkReferences } from './checks-refs.js';
import { checkApprovals } from './checks-approvals.js';
import { ScenarioError, sortProblems, type ScenarioProblem } from './errors.js';
import { reportIssue } from './issues.js';
import { complete, partialScenario } from './partial.js';
import { ProblemSink } from './problems.js';
import { scenarioSchema, type Scenario } from './schema.js';

/** A runbook is a page or two of YAML; 1 MiB is far beyond any real one and keeps parsing cheap. */
export const MAX_RUNBOOK_BYTES = 1024 * 1024;
/** YAML alias expansions allowed; stops "billion laughs" documents from eating memory. */
export const MAX_ALIASES = 100;

export interface ScenarioOptions {
  /** Also check targets against this inventory (selector matches 1..maxNodes nodes, …). */
  inventory?: Inventory | undefined;
  /**
   * What each inventory node's `{host}` is (the address SSH resolved) and whether it resolves from
   * this machine (`error` when not); looked up by the caller, since DNS is asynchronous.
   */
  probeHosts?: ReadonlyMap<string, ProbeHost>;
}

/** The outcome of checking a runbook; `scenario` is set only when there are no errors. */
export interface CheckResult {
  scenario?: Scenario;
  /** Errors and warnings, sorted by position. */
  problems: ScenarioProblem[];
}

/** Parse YAML into plain data, reporting syntax problems; undefined when there is nothing to check. */
function readYaml(text: string, sink: ProblemSink): { data: Record<string, unknown>; doc: Document; lineCounter: LineCounter } | undefined {
  if (text.length > MAX_RUNBOOK_BYTES) {
    sink.addAt(1, 1, `the file is ${text.length} characters; a runbook is at most ${MAX_RUNBOOK_BYTES}`, { hint: 'is this the right file?' });
    return undefined;
  }
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, strict: true });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    sink.addAt(1, 1, 'the document is nested too deeply to read', { hint: 'runbooks are a few levels deep; check for a runaway [[[ or {{{' });
    return undefined;
  }
  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    const first = e.message.split('\n')[0] ?? e.message;
    const msg = /call stack/i.test(first) ? 'the document is nested too deeply to read' : first.replace(/ at line \d+, column \d+:?$/, '');
    const hint = e.code === 'DUPLICATE_KEY' ? 'each field may appear once; delete or rename one' : e.code === 'BAD_INDENT' || e.code === 'MISSING_CHAR' ? 'check the indentation and the brackets/quotes on this line' : undefined;
    sink.addAt(pos?.line ?? 1, pos?.col ?? 1, `YAML: ${msg}`, { hint });
  }
  if (doc.errors.length > 0) return undefined;
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (!(e instanceof ReferenceError || e instanceof RangeError)) throw e;
    const bomb = /alias/i.test(e.message);
    sink.addAt(1, 1, bomb ? 'YAML: too many alias expansions' : 'the document is nested too deeply to read', {
      hint: bomb ? `at most ${MAX_ALIASES} alias uses (*name); write the values out instead` : 'runbooks are a few levels deep',
    });
    return undefined;
  }
  if (data === null || data === undefined) {
    sink.addAt(1, 1, 'the runbook is empty', { hint: 'start with "version: 1", a title, a hypothesis and phases' });
    return undefined;
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    sink.add([], `the runbook must be a mapping of fields, not ${Array.isArray(data) ? 'a list' : 'a single value'}`, { hint: 'start with "version: 1" on its own line' });
    return undefined;
  }
  return { data: data as Record<string, unknown>, doc, lineCounter };
}

/** Check runbook text without throwing: every problem, and the scenario when it is valid. */
export function checkScenario(text: string, file: string, opts: ScenarioOptions = {}): CheckResult {
  const bare = new ProblemSink(file);
  const yaml = readYaml(text, bare);
  if (!yaml) return { problems: sortProblems(bare.list) };
  const sink = new ProblemSink(file, yaml.doc, yaml.lineCounter);
  const parsed = scenarioSchema.safeParse(yaml.data, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportIssue(issue, sink, scenarioSchema, yaml.data);
    // Still check what can be checked, so every problem shows up in one pass.
    const partial = partialScenario(yaml.data);
    checkReferences(partial.scenario, sink, partial.partiality);
    checkProbes(partial.scenario, sink, partial.partiality);
    checkFaults(partial.scenario, sink, partial.partiality);
    checkDrill(partial.scenario, sink, partial.partiality);
    checkApprovals(partial.scenario, sink);
    return { problems: sortProblems(sink.list) };
  }
  const scenario = parsed.data;
  const whole = complete();
  checkReferences(scenario, sink, whole);
  checkProbes(scenario, sink, whole);
  checkFaults(scenario, sink, whole);
  checkDrill(scenario, sink, whole);
  checkApprovals(scenario, sink);
  checkK8sScenario(scenario, sink, opts.inventory);
  // Inventory checks assume the targets' selectors parse; skip them when anything else is wrong.
  if (opts.inventory && sink.errorCount === 0) checkAgainstInventory(scenario, opts.inventory, sink, opts.probeHosts);
  const problems = sortProblems(sink.list);
  return sink.errorCount === 0 ? { scenario, problems } : { problems };
}

/** Parse runbook text. Returns the scenario and its warnings; throws ScenarioError with every problem. */
export function parseScenario(text: string, file: string, opts: ScenarioOptions = {}): { scenario: Scenario; problems: ScenarioProblem[] } {
  const r = checkScenario(text, file, opts);
  if (!r.scenario) throw new ScenarioError(file, r.problems);
  return { scenario: r.scenario, problems: r.problems };
}

/** Read a runbook file as text; an unreadable file is a ScenarioError too. */
export function readScenarioText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    const message = code === 'ENOENT' ? `no such file: ${file}` : code === 'EISDIR' ? 'is a folder, not a runbook file' : `cannot read the file: ${code}`;
    throw new ScenarioError(file, [{ file, line: 1, col: 1, path: '', message, severity: 'error', hint: code === 'ENOENT' ? `check the path (relative paths start at ${process.cwd()})` : 'give the path of a runbook (.yaml) file' }]);
  }
}

/** Read and parse a runbook file. Throws ScenarioError. */
export function loadScenario(file: string, opts: ScenarioOptions = {}): { scenario: Scenario; problems: ScenarioProblem[] } {
  return parseScenario(readScenarioText(file), file, opts);
}
