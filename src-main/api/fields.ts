/**
 * Edge rules for the values inside console command payloads (commands.ts), by field: what a name,
 * an id, a path or a note may hold. The dispatcher checks them before the command's own schema, so
 * a hostile value is refused with what/why/hint — in the runbook validator's words ("must not be
 * empty", "must be at most N characters") — and never reaches the backend.
 *
 * Keys are `command.field` or `*.field`. A string field of a command with no rule here fails the
 * console field sweep test (test/unit/api-fields.test.ts), so new fields are classified too.
 */

/** A refused value: why, and how to fix it. */
export interface FieldProblem {
  why: string;
  hint: string;
}

/** One field rule: a name for the sweep's contract and the check (undefined = fine). */
export interface FieldRule {
  kind: string;
  check(value: unknown): FieldProblem | undefined;
}

/** Control and invisible formatting characters (escapes, NUL, bidi overrides). */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
/** The same, but tabs and newlines allowed: notes and declarations may have several lines. */
const CONTROL_BUT_LINES = /[^\P{Cc}\t\n\r]|[\p{Cf}\u2028\u2029]/u;

const str = (check: (v: string) => FieldProblem | undefined) => (v: unknown) => (typeof v === 'string' ? check(v) : undefined);

function line(max: number, hint: string): (v: string) => FieldProblem | undefined {
  return (v) => {
    if (v.trim() === '') return { why: 'must not be empty', hint };
    if (CONTROL.test(v)) return { why: 'must not contain control characters (newlines, escapes, bidi marks)', hint: 'type it on one line, as plain text' };
    if (v.length > max) return { why: `must be at most ${max} characters`, hint };
    return undefined;
  };
}

function pattern(re: RegExp, why: string, hint: string): (v: string) => FieldProblem | undefined {
  return (v) => (re.test(v) ? undefined : { why, hint });
}

const person: FieldRule = { kind: 'person', check: str(line(80, "a person's name, at most 80 characters")) };
const id: FieldRule = { kind: 'id', check: str(pattern(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'is not an id', 'ids are letters, digits, ".", "_", ":" and "-" (as the console sent them)')) };
/** Free text people type (notes, reasons): lines allowed, escapes not. Length is the command schema's. */
const prose: FieldRule = {
  kind: 'prose',
  check: str((v) => (CONTROL_BUT_LINES.test(v) ? { why: 'must not contain control characters (escapes, NUL, bidi marks)', hint: 'plain text; new lines are fine' } : undefined)),
};
/** A STOP or reject reason may be empty; it is still one line of plain text. */
const reason: FieldRule = { kind: 'reason', check: str((v) => (v === '' ? undefined : line(500, 'a short sentence for the audit')(v))) };

export const FIELD_RULES: Record<string, FieldRule> = {
  '*.file': { kind: 'path', check: str(line(4096, 'a runbook path as the scenario list gives it')) },
  '*.commander': person,
  '*.approver': person,
  '*.author': person,
  '*.trainee': person,
  '*.stepId': id,
  '*.runId': id,
  '*.shellId': id,
  '*.reason': reason,
  '*.text': prose,
  '*.notes': prose,
  '*.diagnosis': prose,
  '*.preflightOverride': prose,
  '*.node': { kind: 'node', check: str(pattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'is not a node name', 'a node name from the inventory (letters, digits, ".", "_", "-")')) },
  // Runbook YAML from the editor: many lines, up to the schema's 1 MiB; YAML itself forbids control characters.
  'scenario.validate.text': { kind: 'document', check: prose.check },
  'scenario.save.text': { kind: 'document', check: prose.check },
  'run.note.role': { kind: 'role', check: str(pattern(/^[a-z][a-z-]{0,39}$/, 'is not a role', 'e.g. scribe, commander, observer')) },
  'audit.events.kind': { kind: 'glob', check: str(pattern(/^[A-Za-z0-9._*?-]{1,100}$/, 'is not an event kind or glob', 'e.g. fault.* or step.done')) },
  // Keystrokes for a terminal: control characters are its whole point; the schema bounds the size.
  'shell.input.data': { kind: 'terminal', check: () => undefined },
};

/** Numbers in payloads are counts, indexes and sizes: finite whole numbers within 2^53. */
export function numberProblem(v: unknown): FieldProblem | undefined {
  if (typeof v !== 'number') return undefined;
  if (!Number.isFinite(v)) return { why: 'must be a finite number', hint: 'send a whole number' };
  if (Math.abs(v) > Number.MAX_SAFE_INTEGER) return { why: `must be at most ${Number.MAX_SAFE_INTEGER}`, hint: 'send a smaller whole number' };
  return undefined;
}

/** The rule for `field` of `command`, if any. */
export function fieldRule(command: string, field: string): FieldRule | undefined {
  return FIELD_RULES[`${command}.${field}`] ?? FIELD_RULES[`*.${field}`];
}

/** The first problem with a request's fields, as `field why` + hint; undefined when the fields are fine. */
export function checkFields(command: string, req: unknown): { field: string; why: string; hint: string } | undefined {
  if (typeof req !== 'object' || req === null || Array.isArray(req)) return undefined; // the schema says what it must be
  for (const [field, value] of Object.entries(req)) {
    const p = numberProblem(value) ?? fieldRule(command, field)?.check(value);
    if (p) return { field, ...p };
  }
  return undefined;
}
