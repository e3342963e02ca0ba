/**
 * The hostile-value sweep over every option and argument of `gameday`: the slots are enumerated from
 * the commander program itself (so a new option is swept without anyone listing it), each gets
 * every hostile value, and the contract says which values a kind of slot must refuse.
 */
import type { Argument, Command, Option } from 'commander';
import { buildProgram, main } from '../../../src-main/cli/main.js';
import { argumentKind, commandPath, optionKind } from '../../../src-main/cli/option-kinds.js';

export type Label =
  | 'empty' | 'semicolon' | 'dollar' | 'backtick' | 'newline' | 'control' | 'bidi' | 'long40k'
  | 'negative' | 'nan' | 'huge' | 'bignum' | 'unicode' | 'dotdot' | 'nonexistent' | 'directory';

export interface Hostile {
  label: Label;
  value: string;
}

/** Every hostile value; the shell ones would create `canary` if any shell ever ran them. */
export function hostileValues(canary: string, existingDir: string, tag: string): Hostile[] {
  return [
    { label: 'empty', value: '' },
    { label: 'semicolon', value: `;touch ${canary}` },
    { label: 'dollar', value: `$(touch ${canary})` },
    { label: 'backtick', value: `\`touch ${canary}\`` },
    { label: 'newline', value: `x\ntouch ${canary}` },
    { label: 'control', value: `x\u0007\u001b[2J\u0008touch ${canary}` },
    { label: 'bidi', value: `safe\u202etouch ${canary}` },
    // Also a glob that once built a RegExp too large for V8 (`--protect`).
    { label: 'long40k', value: '*a'.repeat(20_000) },
    { label: 'negative', value: '-1' },
    { label: 'nan', value: 'NaN' },
    { label: 'huge', value: '1e309' },
    { label: 'bignum', value: '99999999999999999999' },
    { label: 'unicode', value: 'Zoë-ünï-😀' },
    { label: 'dotdot', value: `../../gd-sweep-${tag}/x` },
    { label: 'nonexistent', value: `/nonexistent-${tag}/file` },
    { label: 'directory', value: existingDir },
  ];
}

const ALL: Label[] = ['empty', 'semicolon', 'dollar', 'backtick', 'newline', 'control', 'bidi', 'long40k', 'negative', 'nan', 'huge', 'bignum', 'unicode', 'dotdot', 'nonexistent', 'directory'];
/** Never one line of plain text: every kind refuses these. */
const NOT_TEXT: Label[] = ['empty', 'newline', 'control', 'bidi', 'long40k'];

/**
 * Which values a kind must refuse (exit 3, nothing run). The others may be accepted where they are
 * legitimate data (a person called "NaN", a workspace folder named "$(touch x)"): then the command
 * must do what it does with any value (its baseline), and no shell may ever run the value.
 */
export const MUST_REFUSE: Record<string, Label[]> = {
  person: NOT_TEXT,
  reason: NOT_TEXT,
  folder: NOT_TEXT,
  path: NOT_TEXT,
  'output-file': [...NOT_TEXT, 'dotdot', 'nonexistent', 'directory'],
  'input-file': ALL,
  'run-id': ALL.filter((l) => !['nan', 'huge', 'bignum'].includes(l)),
  selector: ALL.filter((l) => !['nan', 'huge', 'bignum'].includes(l)),
  duration: ALL,
  seconds: ALL,
  count: ALL,
  enum: ALL,
  // "1e309" and "99999…" are well-formed ids (a lab id is 5 of a-z0-9; fault ids are lower-case
  // words): the command itself says there is no such lab or fault (with a did-you-mean).
  'lab-id': ALL.filter((l) => !['huge', 'bignum'].includes(l)),
  fault: ALL.filter((l) => !['huge', 'bignum'].includes(l)),
  'fault-list': ALL.filter((l) => !['huge', 'bignum'].includes(l)),
  formats: ALL,
  json: ALL,
  param: ALL,
  protect: ALL.filter((l) => !['nan', 'huge', 'bignum', 'negative'].includes(l)),
  host: ALL,
  'audit-head': ALL,
};

/** One place a value goes: an option (`--long`) or the i-th positional argument. */
export interface Slot {
  path: string;
  kind: string;
  what: string;
  option?: Option;
  argIndex?: number;
}

/** Every option that takes a value and every positional argument of every command with an action. */
export function slots(): Slot[] {
  const out: Slot[] = [];
  const walk = (cmd: Command): void => {
    const path = commandPath(cmd);
    const hasAction = (cmd as unknown as { _actionHandler: unknown })._actionHandler != null;
    if (hasAction) {
      for (const o of cmd.options) if (o.required || o.optional) out.push({ path, kind: optionKind(cmd, o)?.kind ?? 'UNCLASSIFIED', what: o.long ?? o.flags, option: o });
      cmd.registeredArguments.forEach((a: Argument, i) => out.push({ path, kind: argumentKind(cmd, a)?.kind ?? 'UNCLASSIFIED', what: `<${a.name()}>`, argIndex: i }));
    }
    for (const sub of cmd.commands) walk(sub);
  };
  walk(buildProgram(() => undefined));
  return out;
}

/** Valid arguments of each command: options first (exec passes everything after its selector on). */
export interface Base {
  opts: string[];
  args: string[];
  /** The command serves until Ctrl-C (prints `ready` when up). */
  serve?: RegExp;
}

/** argv of a base with one slot replaced by `value`. */
export function argvFor(path: string, base: Base, slot: Slot, value: string): string[] {
  const args = [...base.args];
  const opts = [...base.opts];
  if (slot.argIndex !== undefined) {
    while (args.length < slot.argIndex) args.push('');
    args[slot.argIndex] = value;
  } else {
    opts.push(`${slot.option!.long}=${value}`);
  }
  return [...path.split(' '), ...opts, ...args];
}

/** Raised by the sweep's pre-action hook: the edge let the value through (the command would run). */
class Accepted extends Error {
  override readonly message = 'SWEEP-ACCEPTED';
}

export interface InProcess {
  code: number;
  err: string;
  accepted: boolean;
}

/**
 * Run `main(argv)` in this process, stopping just before the command's action: everything the edge
 * does (commander, the option checks, main's error printing) runs for real; no command runs.
 */
export async function parseOnly(argv: string[]): Promise<InProcess> {
  const chunks: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const out = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((c: string | Uint8Array) => (chunks.push(String(c)), true)) as typeof process.stderr.write;
  process.stdout.write = ((c: string | Uint8Array) => (chunks.push(String(c)), true)) as typeof process.stdout.write;
  try {
    const code = await main(argv, (setExit) =>
      buildProgram(setExit).hook('preAction', () => {
        throw new Accepted();
      }),
    );
    const err = chunks.join('');
    return { code, err, accepted: err.includes('SWEEP-ACCEPTED') };
  } finally {
    process.stderr.write = write;
    process.stdout.write = out;
  }
}

/** What a refusal must look like: an `error:` line, a `hint:` line, no stack trace. */
export function refusalProblem(code: number | null, text: string): string | undefined {
  if (code !== 3) return `exit ${code}, wanted 3`;
  // `gameday validate` lists problems in the validator's own form: FILE:LINE:COL  PATH  MESSAGE.
  if (!/^error: /m.test(text) && !/^\S.*:\d+:\d+ {2}/m.test(text)) return 'no "error:" line';
  if (!/^\s+hint: /m.test(text)) return 'no "hint:" line';
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(text) || /internal error/.test(text)) return 'a stack trace / internal error';
  return undefined;
}
