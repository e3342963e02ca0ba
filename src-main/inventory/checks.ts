/**
 * Checks the schema cannot express because they span fields: unique names, jump targets and
 * cycles, and group selectors (unknown groups, loops, terms that select nothing).
 */
import { parseJumpSpec, SshConfigError } from '../ssh/index.js';
import { formatPath, type InventoryProblem } from './errors.js';
import type { Locator } from './positions.js';
import { NAME_RE, type Inventory, type InventoryParsed } from './schema.js';
import { groupRef, matchSimpleTerm, parseTerm, SelectorError } from './selectors.js';
import { didYouMean } from './suggest.js';

type Path = Array<string | number>;

class Collector {
  readonly problems: InventoryProblem[] = [];
  constructor(private readonly loc: Locator, private readonly file: string) {}
  add(path: Path, message: string, hint?: string): void {
    const at = this.loc.at(path);
    this.problems.push({ file: this.file, line: at.line, col: at.col, path: formatPath(path), message, ...(hint && { hint }) });
  }
}

function checkNames(inv: Inventory, out: Collector): void {
  const first = new Map<string, number>();
  inv.nodes.forEach((n, i) => {
    const prev = first.get(n.name);
    if (prev === undefined) first.set(n.name, i);
    else out.add(['nodes', i, 'name'], `duplicate node name "${n.name}"`, `nodes[${prev}] already uses it; names must be unique`);
  });
}

/** Jump hops: each must name a node or be a parseable `user@host:port`. Returns node → node-name hops. */
function checkJumps(inv: Inventory, doc: InventoryParsed, out: Collector): Map<string, string[]> {
  const names = new Set(inv.nodes.map((n) => n.name));
  const edges = new Map<string, string[]>();
  inv.nodes.forEach((n, i) => {
    const isList = Array.isArray(doc.nodes[i]?.jump);
    const to: string[] = [];
    n.jump.forEach((hop, j) => {
      const at: Path = isList ? ['nodes', i, 'jump', j] : ['nodes', i, 'jump'];
      if (names.has(hop)) {
        if (hop === n.name) out.add(at, `node "${n.name}" cannot jump through itself`);
        else to.push(hop);
      } else if (/[@:]/.test(hop)) {
        try { parseJumpSpec(hop); } catch (e) {
          if (!(e instanceof SshConfigError)) throw e;
          out.add(at, `bad jump "${hop}": ${e.detail.replace(/^"[^"]*": /, '')}`, 'write user@host:port or a node name');
        }
      } else {
        out.add(at, `jump names unknown node "${hop}"`, didYouMean(hop, names) ?? 'a jump is a node name, or user@host:port for a host outside the inventory');
      }
    });
    edges.set(n.name, to);
  });
  return edges;
}

/** Report each jump cycle once, at the first node on it (in file order). */
function checkJumpCycles(inv: Inventory, edges: Map<string, string[]>, out: Collector): void {
  const state = new Map<string, 'open' | 'done'>();
  const reported = new Set<string>();
  const index = new Map(inv.nodes.map((n, i) => [n.name, i]));
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'open') {
      const cycle = trail.slice(trail.indexOf(name));
      const key = [...cycle].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        const start = cycle.reduce((a, b) => ((index.get(a) ?? 0) <= (index.get(b) ?? 0) ? a : b));
        out.add(['nodes', index.get(start) ?? 0, 'jump'], `jump cycle: ${[...cycle, name].join(' → ')}`, 'each hop must eventually reach a host without a jump');
      }
      return;
    }
    state.set(name, 'open');
    for (const next of edges.get(name) ?? []) visit(next, [...trail, name]);
    state.set(name, 'done');
  };
  for (const n of inv.nodes) visit(n.name, []);
}

function checkGroups(inv: Inventory, doc: InventoryParsed, out: Collector): void {
  const refs = new Map<string, string[]>();
  for (const [g, terms] of Object.entries(inv.groups)) {
    const rawIsList = Array.isArray(doc.groups?.[g]);
    if (!NAME_RE.test(g) || g === 'all') {
      out.add(['groups', g], `bad group name "${g}"`, g === 'all' ? '"all" is reserved for every node' : 'group names hold only letters, digits, ".", "_" and "-"');
      continue;
    }
    const to: string[] = [];
    terms.forEach((raw, j) => {
      const at: Path = rawIsList ? ['groups', g, j] : ['groups', g];
      try {
        const t = parseTerm(raw);
        if (t.kind === 'group' && !Object.hasOwn(inv.groups, t.value)) {
          out.add(at, `unknown group "${t.value}"`, didYouMean(t.value, Object.keys(inv.groups)));
          return;
        }
        const ref = groupRef(inv, t);
        if (ref !== undefined) to.push(ref);
        matchSimpleTerm(inv, t);
      } catch (e) {
        if (!(e instanceof SelectorError)) throw e;
        out.add(at, `selector "${raw}": ${e.message.replace(/ \(.*\)$/, '')}`, e.hint);
      }
    });
    refs.set(g, to);
  }
  // Group loops: a depth-first walk over group references, each loop reported once.
  const seen = new Set<string>();
  const done = new Set<string>(); // fully explored: walking them again cannot find a new loop
  const walk = (g: string, trail: string[]): void => {
    if (done.has(g)) return;
    const at = trail.indexOf(g);
    if (at >= 0) {
      const loop = trail.slice(at);
      const key = [...loop].sort().join(',');
      if (!seen.has(key)) { seen.add(key); out.add(['groups', loop[0]!], `groups refer to each other in a loop: ${[...loop, g].join(' → ')}`); }
      return;
    }
    for (const next of refs.get(g) ?? []) walk(next, [...trail, g]);
    done.add(g);
  };
  for (const g of refs.keys()) walk(g, []);
}

/** All cross-field problems, located via `loc`. */
export function checkInventory(inv: Inventory, doc: InventoryParsed, loc: Locator, file: string): InventoryProblem[] {
  const out = new Collector(loc, file);
  checkNames(inv, out);
  checkJumpCycles(inv, checkJumps(inv, doc, out), out);
  checkGroups(inv, doc, out);
  return out.problems.sort((a, b) => a.line - b.line || a.col - b.col);
}
