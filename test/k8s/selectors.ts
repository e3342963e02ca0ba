/**
 * Label and field selectors in the query-string syntax of k8s.io/apimachinery (labels.Parse,
 * fields.ParseSelector), plus the label/name validation rules the apiserver applies on writes.
 * A selector the real server would refuse is refused here too (400 BadRequest).
 */
import { badRequest, type FieldCause } from './api-errors.js';
import type { KObject } from './types.js';

/** One parsed label requirement. */
export interface LabelRequirement {
  key: string;
  op: 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists';
  values: string[];
}

/** Splits on commas that are not inside "( … )". */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p !== '');
}

/** Parses `app=checkout,tier!=db,env in (a,b),!legacy`; throws 400 on syntax the apiserver rejects. */
export function parseLabelSelector(raw: string | null | undefined): LabelRequirement[] {
  if (!raw) return [];
  return splitTop(raw).map((term) => {
    let m = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { key: checkKey(m[1]!, raw), op: m[2] as 'in' | 'notin', values };
    }
    m = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=()]*)$/.exec(term);
    if (m) return { key: checkKey(m[1]!, raw), op: m[2] === '!=' ? 'neq' : 'eq', values: [m[3]!] };
    m = /^!\s*([^\s!=()]+)$/.exec(term);
    if (m) return { key: checkKey(m[1]!, raw), op: 'notexists', values: [] };
    m = /^([^\s!=()]+)$/.exec(term);
    if (m) return { key: checkKey(m[1]!, raw), op: 'exists', values: [] };
    throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

function checkKey(key: string, raw: string): string {
  const err = labelKeyError(key);
  if (err) throw badRequest(`unable to parse requirement: invalid label key "${key}": ${err} (selector "${raw}")`);
  return key;
}

/** Does a label map satisfy every requirement? */
export function matchLabels(labels: Record<string, string> | undefined, reqs: LabelRequirement[]): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'eq': return has && v === r.values[0];
      case 'neq': return !has || v !== r.values[0];
      case 'in': return has && r.values.includes(v!);
      case 'notin': return !has || !r.values.includes(v!);
      case 'exists': return has;
      case 'notexists': return !has;
    }
  });
}

/** One parsed field requirement (only = / == / != exist for fields). */
export interface FieldRequirement { field: string; value: string; negate: boolean }

/** Parses `metadata.name=x,status.phase!=Running` against the fields this resource supports. */
export function parseFieldSelector(raw: string | null | undefined, supported: readonly string[]): FieldRequirement[] {
  if (!raw) return [];
  return raw.split(',').filter((t) => t.trim() !== '').map((term) => {
    const m = /^\s*([^\s!=]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${raw}'; can't understand '${term}'`);
    if (!supported.includes(m[1]!)) throw badRequest(`field label not supported: ${m[1]}`);
    return { field: m[1]!, value: m[3]!, negate: m[2] === '!=' };
  });
}

/** Reads a dotted path ("status.phase") from an object as a string ("" when absent). */
export function fieldValue(obj: KObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

/** Does the object satisfy every field requirement? */
export function matchFields(obj: KObject, reqs: FieldRequirement[]): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate);
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why a label (or annotation) key is invalid, or undefined (validation.IsQualifiedName). */
export function labelKeyError(key: string): string | undefined {
  const slash = key.split('/');
  if (slash.length > 2) return 'a qualified name must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character';
  const name = slash[slash.length - 1]!;
  if (slash.length === 2) {
    const prefix = slash[0]!;
    if (prefix.length === 0) return 'prefix part must be non-empty';
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return 'prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character';
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) return 'name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')';
  return undefined;
}

/** Field errors for an object's name, labels and annotation keys, as ValidateObjectMeta reports them. */
export function metadataCauses(obj: KObject, opts: { nameRule: 'subdomain' | 'label' }): FieldCause[] {
  const causes: FieldCause[] = [];
  const name = obj.metadata.name;
  const ok = opts.nameRule === 'label' ? DNS1123_LABEL.test(name) && name.length <= 63 : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
  if (!ok) {
    causes.push({
      field: 'metadata.name',
      message: opts.nameRule === 'label'
        ? `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
        : `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    });
  }
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    const kErr = labelKeyError(k);
    if (kErr) causes.push({ field: 'metadata.labels', message: `Invalid value: "${k}": ${kErr}` });
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      causes.push({
        field: 'metadata.labels',
        message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      });
    }
  }
  for (const [k, v] of Object.entries(obj.metadata.annotations ?? {})) {
    const kErr = labelKeyError(k);
    if (kErr) causes.push({ field: 'metadata.annotations', message: `Invalid value: "${k}": ${kErr}` });
    if (typeof v !== 'string') causes.push({ field: `metadata.annotations`, message: `Invalid value: "${k}": annotation values must be strings` });
  }
  return causes;
}
