/**
 * Turn zod issues into runbook problems a person can act on: plain words, the exact place, and a
 * hint (did-you-mean for unknown fields and values, the allowed values, the accepted syntax).
 */
import type { z } from 'zod';
import { closest, didYouMean } from './suggest.js';
import type { ProblemSink } from './problems.js';
import { hintForMessage } from './schema-common.js';
import { allowedKeysAt } from './schema-walk.js';

/** Strings quoted in messages are cut here: a 5 MB value must not become a 5 MB message. */
const MAX_QUOTED = 60;

/** A value as it reads in a message: `"abc"`, `42`, `a list`, `nothing`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return JSON.stringify(v.length > MAX_QUOTED ? `${v.slice(0, MAX_QUOTED)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text', number: 'a number', boolean: 'true or false', object: 'a mapping (key: value)', array: 'a list', int: 'a whole number',
};

/** What kind of thing a discriminator at `path` chooses, for messages ("step kind", "probe kind"). */
function kindNoun(path: ReadonlyArray<PropertyKey>): string {
  const owner = [...path].reverse().find((s) => typeof s === 'string' && s !== 'kind');
  return owner === 'steps' ? 'step kind' : owner === 'probes' ? 'probe kind' : 'kind';
}

function quoteList(values: ReadonlyArray<unknown>): string {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = data;
  for (const seg of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return cur;
}

/** A key written in the parent object that looks like a misspelling of the missing field `field`. */
function misspeltAs(field: string, path: ReadonlyArray<PropertyKey>, root: z.core.$ZodType, data: unknown): string | undefined {
  const parentPath = path.slice(0, -1);
  const parent = valueAt(data, parentPath);
  if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) return undefined;
  const allowed = new Set(allowedKeysAt(root, parentPath, data));
  return Object.keys(parent).find((k) => !allowed.has(k) && closest(k, [field]).length > 0);
}

/** The "missing required field" problem, pointing at a likely misspelling when there is one. */
function reportMissing(path: ReadonlyArray<PropertyKey>, sink: ProblemSink, root: z.core.$ZodType, data: unknown, hint: string | undefined): void {
  const field = String(path[path.length - 1]);
  const typo = misspeltAs(field, path, root, data);
  sink.add(path, `missing required field "${field}"`, { hint: typo ? `"${typo}" looks like a misspelling of "${field}"` : hint });
}

/** Report one zod issue (parsed with `reportInput: true`) into `sink`. */
export function reportIssue(issue: z.core.$ZodIssue, sink: ProblemSink, root: z.core.$ZodType, data: unknown): void {
  const path = issue.path;
  const input = valueAt(data, path);
  const missing = input === undefined && !sink.position(path).exact;
  const last = path[path.length - 1];
  const custom = hintForMessage(issue.message);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(root, path, data);
      for (const key of issue.keys) {
        const near = didYouMean(key, allowed);
        sink.add([...path, key], `unknown field "${key}"`, { key: true, hint: near ?? (allowed.length ? `allowed here: ${allowed.join(', ')}` : undefined) });
      }
      return;
    }
    case 'invalid_union': {
      const disc = 'discriminator' in issue ? issue.discriminator : undefined;
      const options = 'options' in issue && Array.isArray(issue.options) ? issue.options : [];
      if (disc !== undefined) {
        const noun = kindNoun(path);
        const allowed = `one of ${quoteList(options)}`;
        if (input === undefined) return sink.add(path, `missing "${String(disc)}"`, { hint: `add ${String(disc)}: ${allowed}` });
        const near = typeof input === 'string' ? closest(input, options.map(String)) : [];
        return sink.add(path, `unknown ${noun} ${describeValue(input)}`, { hint: near.length ? `did you mean "${near[0]}"? (${allowed})` : allowed });
      }
      if (missing) return reportMissing(path, sink, root, data, custom);
      return sink.add(path, custom ? `${describeValue(input)} ${issue.message}` : `${describeValue(input)} is not valid here`, { hint: custom });
    }
    case 'invalid_type': {
      if (missing) return reportMissing(path, sink, root, data, custom ?? `add ${String(last)}: <${TYPE_WORDS[issue.expected] ?? issue.expected}>`);
      const want = TYPE_WORDS[issue.expected] ?? issue.expected;
      const why = typeof input === 'number' && !Number.isFinite(input) ? ' (too large or not a number)' : '';
      return sink.add(path, `must be ${want}, got ${describeValue(input)}${why}`, { hint: custom });
    }
    case 'invalid_value': {
      if (custom) return missing ? reportMissing(path, sink, root, data, custom) : sink.add(path, issue.message, { hint: custom });
      const allowed = `one of ${quoteList(issue.values)}`;
      if (missing) return reportMissing(path, sink, root, data, `add ${String(last)}: ${allowed}`);
      const near = typeof input === 'string' ? closest(input, issue.values.map(String)) : [];
      return sink.add(path, `${describeValue(input)} is not allowed here`, { hint: near.length ? `did you mean "${near[0]}"? (${allowed})` : allowed });
    }
    case 'custom': {
      const paramHint = (issue.params as { hint?: unknown } | undefined)?.hint;
      return sink.add(path, issue.message, { hint: typeof paramHint === 'string' ? paramHint : custom });
    }
    default: {
      // too_small, too_big, invalid_format, not_multiple_of, …: our schemas word these messages.
      const subject = input !== undefined && typeof input !== 'object' ? `${describeValue(input)} ` : '';
      return sink.add(path, `${subject}${issue.message}`, { hint: custom });
    }
  }
}
