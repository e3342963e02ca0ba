/**
 * What kind of value every option and argument of `gameday` takes, and the check that enforces it
 * at the edge. `applyOptionKinds` walks the built commander program and attaches the checks, so a
 * value is refused (exit 3, what/why/hint) while argv is parsed, before any command code runs.
 *
 * Keys are `<command path> --long` or `<command path> <arg>`; `* --long` applies to every command.
 * An option missing from the table still gets the plain one-line text check, and the option sweep
 * test (test/integration/cli-hostile.test.ts) fails until it is classified here.
 */
import type { Argument, Command, Option } from 'commander';
import {
  durationValue, existingFile, folderPath, hostValue, jsonObject, MIN_LEASE_TTL_MS, MAX_REASON, oneLine, oneOf, outputFile,
  paramPair, pathText, personName, protectValue, runIdValue, secondsValue, selectorValue, wholeNumber, bad,
} from './option-values.js';

/** One kind of value: its name (the sweep's contract is keyed by it) and its check. */
export interface ValueKind {
  kind: string;
  check(what: string, value: string): string;
}

const k = (kind: string, check: (what: string, value: string) => string): ValueKind => ({ kind, check });
const count = (min: number, max: number) => k('count', (w, v) => wholeNumber(w, v, min, max));
const oneOfKind = (allowed: readonly string[]) => k('enum', (w, v) => oneOf(w, v, allowed));

const REPORT_FORMATS = ['md', 'markdown', 'html', 'json', 'pdf', 'all'];
/** Fault ids are short lower-case words (faults/*.ts); which exist is checked by the command, with a did-you-mean. */
const FAULT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

const fault = k('fault', (w, v) => {
  if (!FAULT_ID.test(v)) bad(w, v, 'is not a fault name', 'list the faults with `gameday faults`');
  return v;
});
const faultList = k('fault-list', (w, v) => {
  oneLine(w, v, 2000, 'fault ids, comma-separated, e.g. -f network-loss,cpu-stress');
  for (const id of v.split(',').filter((s) => s.trim() !== '')) fault.check(w, id.trim());
  if (v.split(',').every((s) => s.trim() === '')) bad(w, v, 'names no fault', 'e.g. -f network-loss,cpu-stress');
  return v;
});
const formats = k('formats', (w, v) => {
  oneLine(w, v, 200, `one or more of ${REPORT_FORMATS.join(', ')} (comma-separated)`);
  for (const f of v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) oneOf(w, f, REPORT_FORMATS);
  return v;
});

const KINDS: Record<string, ValueKind> = {
  '* --inventory': k('input-file', existingFile),
  '* --ssh-config': k('input-file', existingFile),
  '* --workspace': k('folder', folderPath),
  '* --approver': k('person', personName),
  '* --commander': k('person', personName),
  '* --run': k('run-id', runIdValue),
  '* --file': k('input-file', existingFile),
  '* <selector>': k('selector', selectorValue),
  'inventory import --from': oneOfKind(['ansible', 'ssh-config']),
  'inventory import <file>': k('input-file', existingFile),
  'exec --timeout': k('seconds', (w, v) => secondsValue(w, v, 86_400)),
  'exec --concurrency': count(1, 1024),
  // The user's own command, sent as written (documented): `exec` exists to run it on the nodes.
  'exec <command>': k('command', (_w, v) => v),
  // Each file is read by `validate` itself, which lists every problem (missing files too) at once.
  'validate <files>': k('path', pathText),
  'run <scenario>': k('input-file', existingFile),
  'run --mode': oneOfKind(['gameday', 'rehearsal', 'drill']),
  'run --junit': k('output-file', outputFile),
  'report <runId>': k('run-id', runIdValue),
  'report --format': formats,
  'report --output': k('folder', folderPath),
  'console --port': count(0, 65_535),
  'console --host': k('host', hostValue),
  'inject <fault>': fault,
  'inject --intensity': oneOfKind(['low', 'medium', 'high']),
  'inject --param': k('param', paramPair),
  'inject --params-json': k('json', jsonObject),
  'inject --duration': k('duration', (w, v) => durationValue(w, v)),
  'inject --lease-ttl': k('duration', (w, v) => durationValue(w, v, MIN_LEASE_TTL_MS)),
  'inject --max-nodes': count(1, 1000),
  'inject --protect': k('protect', protectValue),
  'stop --reason': k('reason', (w, v) => oneLine(w, v, MAX_REASON, `a short sentence for the audit (at most ${MAX_REASON} characters)`)),
  'preflight --fault': faultList,
  'audit export --output': k('output-file', outputFile),
  // A head printed at the end of a run: `SEQ:HASH` or the bare 64-hex hash (audit/verify.ts parseHead).
  'audit verify --expect-head': k('audit-head', (w, v) =>
    /^(\d{1,12}:)?[0-9a-fA-F]{64}$/.test(v) ? v : bad(w, v, 'is not an audit head', 'use the head printed at the end of a run ("audit head: event 57, sha256 …"): --expect-head 57:<64 hex>'),
  ),
  'audit verify --key': k('input-file', existingFile),
  'lab up --nodes': count(1, 200),
  'lab up --id': k('lab-id', (w, v) => (/^[a-z0-9]{5}$/.test(v) ? v : bad(w, v, 'is not a lab id', 'a lab id is 5 characters of a-z and 0-9, e.g. ab12c (see `gameday lab status`)'))),
  'lab up --inner': count(0, 20),
  'lab down <id>': k('lab-id', (w, v) => (/^[a-z0-9]{5}$/.test(v) ? v : bad(w, v, 'is not a lab id', 'a lab id is 5 characters of a-z and 0-9 (see `gameday lab status`)'))),
  'lab sim --dir': k('folder', folderPath),
  'lab sim --seed': count(0, 4_294_967_295),
};

/** Any value an unclassified option might take: one printable line of bounded length. */
const FALLBACK = k('unclassified', (w, v) => oneLine(w, v, 4096, 'see --help for what this option takes'));

/** `inventory show`, `audit verify`, … (the root program's name left out). */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The table entry for an option of a command, if it is classified. */
export function optionKind(cmd: Command, opt: Option): ValueKind | undefined {
  const long = opt.long ?? opt.short ?? opt.flags;
  return KINDS[`${commandPath(cmd)} ${long}`] ?? KINDS[`* ${long}`];
}

/** The table entry for a positional argument of a command, if it is classified. */
export function argumentKind(cmd: Command, arg: Argument): ValueKind | undefined {
  return KINDS[`${commandPath(cmd)} <${arg.name()}>`] ?? KINDS[`* <${arg.name()}>`];
}

function attachToOption(cmd: Command, opt: Option): void {
  if (!opt.required && !opt.optional) return; // a flag: no value to check
  const { check } = optionKind(cmd, opt) ?? FALLBACK;
  const what = opt.long ?? opt.flags;
  const prior = opt.parseArg as ((v: string, prev: unknown) => unknown) | undefined;
  opt.argParser((v: string, prev: unknown) => {
    check(what, v);
    return prior ? prior(v, prev) : v;
  });
}

function attachToArgument(cmd: Command, arg: Argument): void {
  const { check } = argumentKind(cmd, arg) ?? FALLBACK;
  const what = arg.name();
  arg.argParser((v: string, prev: unknown) => {
    check(what, v);
    return arg.variadic ? [...((prev as string[] | undefined) ?? []), v] : v;
  });
}

/** Attach the checks to every option and argument of `program` and its sub-commands. */
export function applyOptionKinds(program: Command): Command {
  const walk = (cmd: Command): void => {
    for (const opt of cmd.options) attachToOption(cmd, opt);
    for (const arg of cmd.registeredArguments) attachToArgument(cmd, arg);
    for (const sub of cmd.commands) walk(sub);
  };
  walk(program);
  return program;
}
