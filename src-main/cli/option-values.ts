/**
 * Checks for the values of CLI options and arguments, run at the edge (while commander parses argv),
 * so a bad value stops the command before it opens the audit or connects anywhere. Each check
 * returns the value unchanged (commands keep parsing their strings) or throws a CliError with exit
 * 3 that says what (the option and its value, shown safely), why (the runbook validator's own
 * wording where there is one) and a hint.
 */
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { DurationError, parseDuration, MAX_DURATION_MS, DURATION_HINT, DURATION_MESSAGE, DURATION_TOO_LONG_MESSAGE, DURATION_TOO_LONG_HINT } from '../api/index.js';
import { CliError, EXIT } from './exit-codes.js';

/** Longest value echoed back in an error: enough to recognise it, never a 40 k-character wall. */
const SHOW_MAX = 60;
/** PATH_MAX on Linux; longer paths cannot be opened anyway. */
export const MAX_PATH = 4096;
/** Names of people (approver, commander): the console's contract allows 80. */
export const MAX_PERSON = 80;
/** A STOP reason (the console's run.stop allows 200). */
export const MAX_REASON = 200;
/** Runbook targets allow selectors of 1000 characters; the CLI takes the same. */
export const MAX_SELECTOR = 1000;
/** One protected pattern: a host name is at most 253 characters (DNS). */
export const MAX_PATTERN = 253;
/** --params-json: fault parameters are small; 64 KiB is far above any real one. */
export const MAX_JSON = 65_536;
/** The engine renews leases every TTL/3 over SSH; below 3 s a slow link lets them lapse (it clamps to 3 s too). */
export const MIN_LEASE_TTL_MS = 3000;

/** Control and invisible formatting characters (newlines, escapes, bidi overrides): never in a one-line value. */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/** A value as it is safe to print: control characters escaped, long values cut. */
export function showValue(v: string): string {
  const cut = v.length > SHOW_MAX ? `${v.slice(0, SHOW_MAX)}…` : v;
  const escaped = cut.replace(/[\p{Cc}\p{Cf}\u2028\u2029"\\]/gu, (ch) => (ch === '"' || ch === '\\' ? `\\${ch}` : `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`));
  return `"${escaped}"${v.length > SHOW_MAX ? ` (${v.length} characters)` : ''}`;
}

/** Throw the edge error: `what` is the option or argument name. */
export function bad(what: string, value: string, why: string, hint: string): never {
  throw new CliError(`${what} ${showValue(value)} ${why}`, EXIT.INVALID_INPUT, hint);
}

/** One line of text: not empty, no control characters, at most `max` characters. */
export function oneLine(what: string, v: string, max: number, hint: string): string {
  if (v.trim() === '') bad(what, v, 'must not be empty', hint);
  if (CONTROL.test(v)) bad(what, v, 'must not contain control characters (newlines, escapes, bidi marks)', 'type it on one line, as plain text');
  if (v.length > max) bad(what, v, `must be at most ${max} characters`, hint);
  return v;
}

/** A duration as runbooks write them, at most 24 h and at least `minMs`. */
export function durationValue(what: string, v: string, minMs = 0): string {
  let ms: number;
  try {
    ms = parseDuration(oneLine(what, v, 32, DURATION_HINT));
  } catch (e) {
    if (e instanceof DurationError) bad(what, v, DURATION_MESSAGE, DURATION_HINT);
    throw e;
  }
  if (ms > MAX_DURATION_MS) bad(what, v, DURATION_TOO_LONG_MESSAGE, DURATION_TOO_LONG_HINT);
  if (ms < minMs) bad(what, v, `must be at least ${minMs / 1000}s`, 'the lease is renewed every third of its TTL over SSH; a shorter one lapses on a slow link and reverts the fault early');
  return v;
}

/** A whole number in [min, max] written in decimal digits (no 1e3, no hex, no sign but a leading -). */
export function wholeNumber(what: string, v: string, min: number, max: number): string {
  const hint = `write a whole number from ${min} to ${max}`;
  if (!/^-?\d{1,16}$/.test(v.trim())) bad(what, v, 'must be a whole number', hint);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) bad(what, v, 'must be a whole number', hint);
  if (n < min) bad(what, v, `must be at least ${min}`, hint);
  if (n > max) bad(what, v, `must be at most ${max}`, hint);
  return v;
}

/** A positive number of seconds (fractions allowed), at most `max`. */
export function secondsValue(what: string, v: string, max: number): string {
  const hint = `write a number of seconds from 0.1 to ${max}, e.g. 30 or 2.5`;
  if (!/^\d{1,9}(\.\d{1,3})?$/.test(v.trim())) bad(what, v, 'must be a number of seconds', hint);
  const n = Number(v);
  if (!(n > 0)) bad(what, v, 'must be more than 0', hint);
  if (n > max) bad(what, v, `must be at most ${max}`, hint);
  return v;
}

/** One of a fixed set of words. */
export function oneOf(what: string, v: string, allowed: readonly string[]): string {
  if (!allowed.includes(v)) bad(what, v, `must be one of ${allowed.join(', ')}`, `e.g. ${what} ${allowed[0]}`);
  return v;
}

/** A path as text: not empty, printable, no longer than PATH_MAX. Says nothing about the file. */
export function pathText(what: string, v: string): string {
  return oneLine(what, v, MAX_PATH, 'give a path to a file or folder');
}

function statOf(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** An existing, readable-looking regular file (the reader still reports its own errors). */
export function existingFile(what: string, v: string): string {
  pathText(what, v);
  const st = statOf(v);
  if (!st) throw new CliError(`no such file: ${showValue(v).slice(1, -1)}`, EXIT.INVALID_INPUT, `check the path of ${what} (relative paths start at ${process.cwd()})`);
  if (st.isDirectory()) bad(what, v, 'is a folder, not a file', `give the path of a file inside it`);
  return v;
}

/** A folder to use or create: must not be an existing file. */
export function folderPath(what: string, v: string): string {
  pathText(what, v);
  const st = statOf(v);
  if (st && !st.isDirectory()) bad(what, v, 'is a file, not a folder', 'give a folder (it is created when missing)');
  return v;
}

/** A file to write: not a folder, and its folder must exist (nothing is created on a typo). */
export function outputFile(what: string, v: string): string {
  pathText(what, v);
  const st = statOf(v);
  if (st?.isDirectory()) bad(what, v, 'is a folder, not a file', 'give a file name, e.g. gameday.xml');
  const parent = statOf(resolve(v, '..'));
  if (!parent?.isDirectory()) bad(what, v, 'is in a folder that does not exist', `create ${resolve(v, '..')} first, or write somewhere else`);
  return v;
}

/** A person's name as the audit records it (approver, commander). */
export function personName(what: string, v: string): string {
  return oneLine(what, v, MAX_PERSON, `a person's name, e.g. ${what} "Dee" (at most ${MAX_PERSON} characters)`);
}

/** Run ids are made by newRunId (run-…, adhoc-…): letters, digits, ".", "_", "-". */
export function runIdValue(what: string, v: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(v)) bad(what, v, 'is not a run id', 'run ids look like run-20250101-120000-ab12; list them with `gameday audit export` or see the console\'s Recent runs');
  return v;
}

/** A bind address: an IP literal of this machine, or localhost (a name would be a DNS look-up at bind time). */
export function hostValue(what: string, v: string): string {
  oneLine(what, v, 64, 'e.g. 127.0.0.1, ::1 or 0.0.0.0');
  if (v !== 'localhost' && isIP(v) === 0) bad(what, v, 'is not an IP address', 'bind to an address of this machine, e.g. 127.0.0.1, ::1 or 0.0.0.0 (all of them)');
  return v;
}

const TERM = /^!?(?:(?:group|tag|env|gpu):)?[A-Za-z0-9*?][A-Za-z0-9._*?-]*$/;
const SELECTOR_HINT = 'a selector is comma-separated terms: all, a node name or glob (node0*), group:NAME, tag:T, env:E, gpu:G; !term subtracts';

/**
 * A node selector's spelling (which nodes it picks is decided later, against the inventory): only
 * the characters node, group and tag names can hold, so no shell or terminal syntax gets through.
 */
export function selectorValue(what: string, v: string): string {
  oneLine(what, v, MAX_SELECTOR, SELECTOR_HINT);
  for (const raw of v.split(',')) {
    const term = raw.trim();
    if (term === '') bad(what, v, 'has an empty term', 'terms are separated by single commas');
    if (!TERM.test(term)) bad(what, v, `has a term that is not a name, glob or kind:value (${showValue(term)})`, SELECTOR_HINT);
  }
  return v;
}

/** A protected pattern: `tag:T`, or a glob over node names and hosts (IPv6 too), bounded in length. */
export function protectValue(what: string, v: string): string {
  const hint = 'a node name or host, a glob (db*, 10.0.0.*) or tag:T; repeat the option for several';
  oneLine(what, v, MAX_PATTERN, hint);
  if (!/^(?:tag:[A-Za-z0-9][A-Za-z0-9._-]*|[A-Za-z0-9_.:%*?][A-Za-z0-9_.:%*?-]*)$/.test(v)) bad(what, v, 'is not a node name, host, glob or tag:T', hint);
  return v;
}

/** `name=value` of one fault parameter: the name is a word, the value is checked by the fault's schema. */
export function paramPair(what: string, v: string): string {
  const hint = 'write name=value, e.g. -p percent=30 (see the fault\'s parameters in `gameday faults --json`)';
  oneLine(what, v, MAX_JSON, hint);
  if (!/^[A-Za-z][A-Za-z0-9_]{0,63}=/.test(v)) bad(what, v, 'must look like name=value', hint);
  return v;
}

/** A JSON object (all fault parameters at once). */
export function jsonObject(what: string, v: string): string {
  const hint = 'e.g. --params-json \'{"percent": 30}\'';
  if (v.length > MAX_JSON) bad(what, v, `must be at most ${MAX_JSON} characters`, hint);
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    bad(what, v, 'is not valid JSON', hint);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) bad(what, v, 'must be a JSON object', hint);
  return v;
}
