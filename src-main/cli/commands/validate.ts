/**
 * `gameday validate FILE… [--inventory FILE] [--json]`: check runbooks without touching any node.
 * Prints every problem as `file:line:col  path  message` with a hint line, then a summary.
 * Exit 0 when every file is valid (warnings allowed), 3 when any has an error.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InventoryError, loadInventory, probeHosts, type Inventory } from '../../inventory/index.js';
import { checkScenario, readScenarioText, ScenarioError, type ScenarioProblem } from '../../scenario/index.js';
import { CliError, EXIT } from '../exit-codes.js';
import { c } from '../output.js';

export interface ValidateOptions {
  json?: boolean;
  /** Also check targets against this inventory. */
  inventory?: string;
}

/** A directory argument means every runbook in it (not recursive; schema.json is not a runbook). */
function expand(files: string[]): string[] {
  return files.flatMap((f) => {
    let isDir = false;
    try {
      isDir = statSync(f).isDirectory();
    } catch {
      // Missing files are reported by the reader, with the same wording as any other problem.
    }
    if (!isDir) return [f];
    return readdirSync(f).filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(f, n));
  });
}

function check(file: string, inventory: Inventory | undefined, hosts: Awaited<ReturnType<typeof probeHosts>> | undefined): ScenarioProblem[] {
  try {
    return checkScenario(readScenarioText(file), file, { inventory, probeHosts: hosts }).problems;
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems;
    throw e;
  }
}

function print(p: ScenarioProblem): void {
  // Errors print bare (the documented form); warnings say so, since they do not fail the run.
  const message = p.severity === 'warning' ? `${c.yellow('warning:')} ${p.message}` : c.red(p.message);
  process.stdout.write(`${p.file}:${p.line}:${p.col}  ${c.cyan(p.path || '(document)')}  ${message}\n`);
  if (p.hint) process.stdout.write(`  ${c.dim('hint:')} ${p.hint}\n`);
}

/** Validate runbooks; returns the exit code. */
export async function validateCommand(files: string[], opts: ValidateOptions): Promise<number> {
  let inventory: Inventory | undefined;
  if (opts.inventory) {
    try {
      inventory = loadInventory(opts.inventory);
    } catch (e) {
      if (!(e instanceof InventoryError)) throw e;
      if (opts.json) process.stdout.write(`${JSON.stringify({ inventory: e.problems, problems: [] }, null, 2)}\n`);
      else process.stdout.write(`${e.message}\n`);
      return EXIT.INVALID_INPUT;
    }
  }
  const list = expand(files);
  if (list.length === 0) throw new CliError(`no runbook in ${files.join(', ')}`, EXIT.INVALID_INPUT, 'give runbook files (.yaml) or a folder that holds some, e.g. gameday validate scenarios/');
  // {host} in probe templates: does each node's SSH address resolve here? (asynchronous, so looked up once, first)
  const hosts = inventory ? await probeHosts(inventory) : undefined;
  const problems = list.flatMap((f) => check(f, inventory, hosts));
  const errors = problems.filter((p) => p.severity === 'error');
  const badFiles = new Set(errors.map((p) => p.file)).size;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(problems, null, 2)}\n`);
  } else {
    for (const p of problems) print(p);
    const warnings = problems.length - errors.length;
    const tail = warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
    const summary = errors.length
      ? c.red(`${badFiles} of ${list.length} runbook${list.length === 1 ? '' : 's'} invalid: ${errors.length} error${errors.length === 1 ? '' : 's'}${tail}`)
      : c.green(`${list.length} runbook${list.length === 1 ? '' : 's'} valid${tail}`);
    process.stdout.write(`${summary}\n`);
  }
  return errors.length ? EXIT.INVALID_INPUT : EXIT.OK;
}
