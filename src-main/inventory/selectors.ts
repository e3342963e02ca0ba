/**
 * Node selectors, shared by the CLI (`--nodes`) and scenarios (`target:`).
 *
 * A selector is comma-separated terms: `all`, a node-name glob (`node0*`), `group:NAME`, `tag:T`,
 * `env:E`, `gpu:G`, or a bare word naming a group. Terms union; a term prefixed with `!` subtracts.
 * A positive term that selects nothing is an error, because in a game day a typo must not quietly
 * shrink (or, with `!`, widen) the blast radius. Exclusions that match nothing are fine:
 * `all,!env:prod` is a sensible guard even in an inventory without prod nodes.
 */
import { globMatch } from '../ssh/index.js';
import { ENVS, GPUS, type Inventory, type InventoryNode } from './schema.js';
import { didYouMean } from './suggest.js';

export type SelectorErrorCode = 'BAD_SELECTOR' | 'UNKNOWN_GROUP' | 'NO_MATCH' | 'GROUP_CYCLE';

/** A selector that cannot be applied; `hint` suggests close names when there are some. */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
  constructor(readonly code: SelectorErrorCode, message: string, readonly hint?: string) {
    super(hint ? `${message} (${hint})` : message);
  }
}

export type TermKind = 'all' | 'group' | 'tag' | 'env' | 'gpu' | 'name';

export interface Term {
  negate: boolean;
  kind: TermKind;
  value: string;
  text: string;
}

/** Parse one term; throws BAD_SELECTOR for an unknown `kind:` or an impossible env/gpu value. */
export function parseTerm(raw: string): Term {
  const text = raw.trim();
  const negate = text.startsWith('!');
  const body = negate ? text.slice(1).trim() : text;
  if (body === '') throw new SelectorError('BAD_SELECTOR', `empty selector term in "${raw}"`, 'terms are separated by single commas');
  if (body === 'all') return { negate, kind: 'all', value: '', text };
  const colon = body.indexOf(':');
  if (colon < 0) return { negate, kind: 'name', value: body, text };
  const kind = body.slice(0, colon);
  const value = body.slice(colon + 1);
  if (kind !== 'group' && kind !== 'tag' && kind !== 'env' && kind !== 'gpu') {
    throw new SelectorError('BAD_SELECTOR', `unknown selector kind "${kind}:" in "${text}"`, 'use group:, tag:, env: or gpu:, or a node name');
  }
  if (value === '') throw new SelectorError('BAD_SELECTOR', `"${text}" needs a value`);
  const allowed: readonly string[] | undefined = kind === 'env' ? ENVS : kind === 'gpu' ? GPUS : undefined;
  if (allowed && !allowed.includes(value)) {
    throw new SelectorError('BAD_SELECTOR', `${kind} "${value}" does not exist`, `use one of ${allowed.join(', ')}`);
  }
  return { negate, kind, value, text };
}

/** Split a selector into terms. */
export function parseSelector(selector: string): Term[] {
  if (selector.trim() === '') throw new SelectorError('BAD_SELECTOR', 'empty selector', 'try "all" or a node name');
  return selector.split(',').map(parseTerm);
}

/**
 * Nodes matched by a term that does not involve groups (a bare word's group part is ignored here).
 * Throws NO_MATCH for a positive term that matches nothing and names no group.
 */
export function matchSimpleTerm(inv: Inventory, t: Term): InventoryNode[] {
  const hit = inv.nodes.filter((n) =>
    t.kind === 'all' ? true
    : t.kind === 'tag' ? n.tags.includes(t.value)
    : t.kind === 'env' ? n.env === t.value
    : t.kind === 'gpu' ? n.gpu === t.value
    : t.kind === 'name' ? globMatch(n.name, t.value)
    : false);
  if (hit.length === 0 && !t.negate && t.kind !== 'group' && !(t.kind === 'name' && Object.hasOwn(inv.groups, t.value))) {
    const names = t.kind === 'tag' ? inv.nodes.flatMap((n) => n.tags) : t.kind === 'name' ? [...inv.nodes.map((n) => n.name), ...Object.keys(inv.groups)] : [];
    const what = t.kind === 'name' ? (/[*?]/.test(t.value) ? `no node name matches "${t.value}"` : `no node or group is named "${t.value}"`) : `no node has ${t.kind} "${t.value}"`;
    throw new SelectorError('NO_MATCH', what, didYouMean(t.value, names));
  }
  return hit;
}

/** Names of the groups a term refers to (`group:x`, or a bare word that names a group). */
export function groupRef(inv: Inventory, t: Term): string | undefined {
  if (t.kind === 'group') return t.value;
  if (t.kind === 'name' && Object.hasOwn(inv.groups, t.value)) return t.value;
  return undefined;
}

function groupMembers(inv: Inventory, group: string, stack: string[]): Set<InventoryNode> {
  if (stack.includes(group)) {
    throw new SelectorError('GROUP_CYCLE', `groups refer to each other in a loop: ${[...stack, group].join(' → ')}`);
  }
  const terms = Object.hasOwn(inv.groups, group) ? inv.groups[group] : undefined;
  if (terms === undefined) {
    throw new SelectorError('UNKNOWN_GROUP', `unknown group "${group}"`, didYouMean(group, Object.keys(inv.groups)) ?? `groups: ${Object.keys(inv.groups).join(', ') || 'none defined'}`);
  }
  return evaluate(inv, terms.join(','), [...stack, group]);
}

function evaluate(inv: Inventory, selector: string, stack: string[]): Set<InventoryNode> {
  const plus = new Set<InventoryNode>();
  const minus = new Set<InventoryNode>();
  for (const t of parseSelector(selector)) {
    const into = t.negate ? minus : plus;
    const ref = groupRef(inv, t);
    if (ref !== undefined) for (const n of groupMembers(inv, ref, stack)) into.add(n);
    if (t.kind !== 'group') for (const n of matchSimpleTerm(inv, t)) into.add(n);
  }
  for (const n of minus) plus.delete(n);
  return plus;
}

/** Apply a selector; nodes come back in inventory order. Throws SelectorError. */
export function selectNodes(inv: Inventory, selector: string): InventoryNode[] {
  const picked = evaluate(inv, selector, []);
  return inv.nodes.filter((n) => picked.has(n));
}
