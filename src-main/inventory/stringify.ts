/** Write an inventory document as YAML (for imports), in the field order people read best. */
import { Document, isScalar, visit } from 'yaml';
import type { InventoryDoc } from './schema.js';

/** Node fields in the order the format documents them. */
const NODE_ORDER = ['name', 'host', 'port', 'user', 'identity', 'jump', 'tags', 'env', 'gpu'];

function ordered<T extends object>(obj: T, order: string[]): T {
  const rank = (k: string): number => (order.indexOf(k) + 1 || order.length + 1);
  const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => rank(a) - rank(b));
  return Object.fromEntries(entries) as T;
}

/** YAML text for `doc`, with an optional comment header (e.g. where it was imported from). */
export function stringifyInventory(doc: InventoryDoc, header?: string): string {
  const out: Record<string, unknown> = { version: doc.version };
  if (doc.ssh) out.ssh = doc.ssh;
  if (doc.defaults) out.defaults = doc.defaults;
  out.nodes = doc.nodes.map((n) => ordered(n, NODE_ORDER));
  if (doc.groups) out.groups = doc.groups;
  const yaml = new Document(out);
  // Lists of plain values (tags, group selectors) read best on one line: `tags: [api, replica]`.
  visit(yaml, { Seq(_, seq) { if (seq.items.every((i) => isScalar(i))) seq.flow = true; } });
  if (header) yaml.commentBefore = header.split('\n').map((l) => ` ${l}`).join('\n');
  return yaml.toString({ lineWidth: 0, flowCollectionPadding: false });
}
