/**
 * Kubernetes targets in a runbook: `k8s:NAMESPACE/LABELS` (or `k8s:LABELS` for the inventory's
 * default namespace), e.g. `k8s:shop/app=checkout,tier!=canary`. LABELS are equality-based
 * requirements: `key=value`, `key!=value`, `key` (exists), `!key` (does not exist). At least one is
 * needed: an empty selector would select every pod of the namespace, which is never a typo we let
 * through. Parsed once here; the Chaos Mesh spec and the pod list are built from the parsed form.
 */

/** The prefix that marks a target selector as a Kubernetes one. */
export const K8S_PREFIX = 'k8s:';

/** DNS-1123 label: namespaces (no dots, ≤ 63). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A label name (the part after an optional `prefix/`) and a non-empty label value share this rule (≤ 63). */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label key prefix is a DNS subdomain (≤ 253). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export type LabelRequirement =
  | { key: string; op: 'eq' | 'ne'; value: string }
  | { key: string; op: 'exists' | 'absent' };

/** A parsed `k8s:` selector; `namespace` undefined = the inventory's default namespace. */
export interface K8sSelector {
  namespace?: string;
  requirements: LabelRequirement[];
  text: string;
}

/** A `k8s:` selector that cannot be parsed: what is wrong and how to write it. */
export class K8sSelectorError extends Error {
  override readonly name = 'K8sSelectorError';
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

const HINT = 'write k8s:NAMESPACE/KEY=VALUE[,KEY=VALUE…], e.g. k8s:shop/app=checkout';

/** True when a target selector names Kubernetes pods rather than inventory nodes. */
export function isK8sSelector(selector: string): boolean {
  return selector.trim().startsWith(K8S_PREFIX);
}

function checkKey(key: string, text: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (!LABEL_NAME.test(name) || (prefix !== undefined && !DNS_SUBDOMAIN.test(prefix))) {
    throw new K8sSelectorError(`"${key}" in ${text} is not a Kubernetes label key`, 'a key is NAME or PREFIX/NAME: letters, digits, "-", "_", "." (≤ 63), e.g. app or app.kubernetes.io/name');
  }
}

function parseRequirement(raw: string, text: string): LabelRequirement {
  const r = raw.trim();
  if (r === '') throw new K8sSelectorError(`empty label requirement in ${text}`, HINT);
  if (r.startsWith('!')) {
    checkKey(r.slice(1), text);
    return { key: r.slice(1), op: 'absent' };
  }
  const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(r);
  if (!m) {
    checkKey(r, text);
    return { key: r, op: 'exists' };
  }
  const key = m[1]!.trim();
  const value = m[3]!.trim();
  checkKey(key, text);
  if (value !== '' && !LABEL_NAME.test(value)) {
    throw new K8sSelectorError(`"${value}" in ${text} is not a Kubernetes label value`, 'a value holds letters, digits, "-", "_", "." (≤ 63) and starts and ends with a letter or digit');
  }
  return { key, op: m[2] === '!=' ? 'ne' : 'eq', value };
}

/** Parse `k8s:[NS/]LABELS`. Throws K8sSelectorError with a hint. */
export function parseK8sSelector(selector: string): K8sSelector {
  const text = selector.trim();
  if (!text.startsWith(K8S_PREFIX)) throw new K8sSelectorError(`"${text}" is not a k8s: selector`, HINT);
  let body = text.slice(K8S_PREFIX.length);
  let namespace: string | undefined;
  const slash = body.indexOf('/');
  const head = slash >= 0 ? body.slice(0, slash) : '';
  // A namespace has no dots and no "=": "app.kubernetes.io/name=x" is a key prefix, not a namespace.
  if (slash >= 0 && !/[=!.,]/.test(head)) {
    if (!DNS_LABEL.test(head)) throw new K8sSelectorError(`"${head}" in ${text} is not a namespace name`, 'a namespace is lower-case letters, digits and "-" (≤ 63)');
    namespace = head;
    body = body.slice(slash + 1);
  }
  if (body.trim() === '') throw new K8sSelectorError(`${text} has no label selector: it would select every pod of the namespace`, HINT);
  if (/[()\s]/.test(body.trim()) && /\b(in|notin)\b/.test(body)) throw new K8sSelectorError(`set-based requirements (in, notin) are not supported in ${text}`, 'use key=value, key!=value, key or !key');
  return { namespace, requirements: body.split(',').map((r) => parseRequirement(r, text)), text };
}

/** The selector as the Kubernetes API's `labelSelector` query parameter. */
export function labelSelectorQuery(s: K8sSelector): string {
  return s.requirements.map((r) => (r.op === 'eq' ? `${r.key}=${r.value}` : r.op === 'ne' ? `${r.key}!=${r.value}` : r.op === 'exists' ? r.key : `!${r.key}`)).join(',');
}

/** The selector as Chaos Mesh's `spec.selector` (PodSelectorSpec) for one namespace. */
export function chaosSelector(s: K8sSelector, namespace: string): Record<string, unknown> {
  const labelSelectors: Record<string, string> = {};
  const expressionSelectors: Array<Record<string, unknown>> = [];
  for (const r of s.requirements) {
    if (r.op === 'eq') labelSelectors[r.key] = r.value;
    else if (r.op === 'ne') expressionSelectors.push({ key: r.key, operator: 'NotIn', values: [r.value] });
    else expressionSelectors.push({ key: r.key, operator: r.op === 'exists' ? 'Exists' : 'DoesNotExist' });
  }
  return {
    namespaces: [namespace],
    ...(Object.keys(labelSelectors).length && { labelSelectors }),
    ...(expressionSelectors.length && { expressionSelectors }),
  };
}
