/**
 * One selection rule for every process that runs a command on "SELECTOR": the CLI's own
 * connections and a live console or run that resolves the selector for `gameday exec` on its
 * shared pool (ssh/pool-share.ts). Same nodes, same host keys (known_hosts per node spec), and the
 * same error text (what, why, hint) either way.
 */
import type { ConnectSpec, SharedSelector, SharedSelection } from '../ssh/index.js';
import { toConnectSpec, type ConnectSpecOptions } from './resolve.js';
import { selectNodes, SelectorError } from './selectors.js';
import type { Inventory, InventoryNode } from './schema.js';

/** The hint when a selector is wrong: where the names are listed. */
const LIST_HINT = 'list the nodes and groups with `gameday inventory show`';

/** The selected nodes with their connect specs, or the selector error as data (exit 3 in the CLI). */
export type TargetSelection = { ok: true; targets: Array<{ node: InventoryNode; spec: ConnectSpec }> } | { ok: false; message: string; hint: string };

/** Resolve `selector` in `inv` (read from `file`): every node it selects, or why none. */
export function selectTargets(inv: Inventory, file: string, selector: string, opts: ConnectSpecOptions = {}): TargetSelection {
  let nodes: InventoryNode[];
  try {
    nodes = selectNodes(inv, selector);
  } catch (e) {
    if (!(e instanceof SelectorError)) throw e;
    const message = e.hint ? e.message.slice(0, -(e.hint.length + 3)) : e.message;
    return { ok: false, message: `selector "${selector}": ${message}`, hint: e.hint ?? LIST_HINT };
  }
  if (nodes.length === 0) return { ok: false, message: `selector "${selector}" matches no node in ${file}`, hint: LIST_HINT };
  return { ok: true, targets: nodes.map((node) => ({ node, spec: toConnectSpec(inv, node, opts) })) };
}

/**
 * What a live process lends with its pool: selectors resolved in its own, already loaded inventory
 * (`file` is its path, so a client that names another inventory is told to use its own connections).
 */
export function sharedSelector(inv: Inventory, file: string, opts: ConnectSpecOptions = {}): SharedSelector {
  return {
    inventory: file,
    resolve(selector): SharedSelection {
      const r = selectTargets(inv, file, selector, opts);
      return r.ok ? { ok: true, specs: r.targets.map((t) => t.spec) } : r;
    },
  };
}
