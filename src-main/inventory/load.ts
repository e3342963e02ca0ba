/**
 * Load an inventory: YAML (positions kept) → schema → normalised Inventory → cross-field checks.
 * Every problem is collected with file:line:col and thrown together as one InventoryError.
 */
import { normaliseKubernetes } from './k8s-settings.js';
import os from 'node:os';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { expandTilde } from '../ssh/index.js';
import { checkInventory } from './checks.js';
import { InventoryError, formatPath, type InventoryProblem } from './errors.js';
import { Locator } from './positions.js';
import { defaultsSchema, inventorySchema, nodeSchema, sshSectionSchema, type Env, type Inventory, type InventoryParsed } from './schema.js';
import { didYouMean } from './suggest.js';

/**
 * env for nodes that set none. `lab` matches the format's documented default; safety still holds
 * because `prod` must always be written explicitly and is refused unless allowed.
 */
const DEFAULT_ENV: Env = 'lab';
/** YAML alias expansions allowed; stops "billion laughs" documents from eating memory. */
const MAX_ALIASES = 100;

/** Field names allowed at a path, for "did you mean" on unknown fields. */
function allowedKeys(p: ReadonlyArray<PropertyKey>): string[] {
  const shape = p.length === 0 ? inventorySchema.shape
    : p[0] === 'ssh' ? sshSectionSchema.shape
    : p[0] === 'defaults' ? defaultsSchema.shape
    : p[0] === 'nodes' ? nodeSchema.shape : {};
  return Object.keys(shape);
}

function issueProblems(issue: z.core.$ZodIssue, loc: Locator, file: string): InventoryProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const at = loc.keyAt(issue.path, key);
      const allowed = allowedKeys(issue.path);
      return {
        file, line: at.line, col: at.col, path: formatPath([...issue.path, key]),
        message: `unknown field "${key}"`,
        hint: didYouMean(key, allowed) ?? `allowed here: ${allowed.join(', ')}`,
      };
    });
  }
  const at = loc.at(issue.path);
  const last = issue.path[issue.path.length - 1];
  const missing = !at.exact && issue.code === 'invalid_type';
  return [{
    file, line: at.line, col: at.col, path: formatPath(issue.path),
    message: missing ? `missing required field "${String(last)}"` : issue.message,
  }];
}

function toList<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Build the normalised inventory: defaults applied, paths absolute. */
function normalise(doc: InventoryParsed, file: string): Inventory {
  const dir = path.dirname(path.resolve(file));
  const home = os.homedir();
  const abs = (p: string): string => path.resolve(dir, expandTilde(p, home));
  const d = doc.defaults ?? {};
  const ssh = doc.ssh ?? sshSectionSchema.parse({});
  return {
    file: path.resolve(file),
    dir,
    ssh: {
      config: ssh.config === false ? false : abs(ssh.config ?? '~/.ssh/config'),
      knownHosts: toList(ssh.knownHosts).map(abs),
      trustOnFirstUse: ssh.trustOnFirstUse,
      maxSessionsPerNode: ssh.maxSessionsPerNode,
      maxConcurrentHandshakes: ssh.maxConcurrentHandshakes,
      ...(ssh.connectTimeout !== undefined && { connectTimeout: ssh.connectTimeout }),
      ...(ssh.keepaliveInterval !== undefined && { keepaliveInterval: ssh.keepaliveInterval }),
      ...(ssh.keepaliveCountMax !== undefined && { keepaliveCountMax: ssh.keepaliveCountMax }),
    },
    nodes: doc.nodes.map((n) => {
      const port = n.port ?? d.port;
      const user = n.user ?? d.user;
      return {
        name: n.name,
        host: n.host,
        ...(port !== undefined && { port }),
        ...(user !== undefined && { user }),
        identityFiles: toList(n.identity ?? d.identity).map(abs),
        jump: toList(n.jump),
        tags: [...(n.tags ?? d.tags ?? [])],
        env: n.env ?? d.env ?? DEFAULT_ENV,
        gpu: n.gpu ?? d.gpu ?? 'none',
      };
    }),
    groups: Object.fromEntries(Object.entries(doc.groups ?? {}).map(([g, sel]) =>
      [g, toList(sel).flatMap((s) => s.split(',')).map((s) => s.trim())])),
    ...(doc.kubernetes && { kubernetes: normaliseKubernetes(doc.kubernetes, dir) }),
  };
}

/** Parse inventory text; `file` locates messages and anchors relative paths. Throws InventoryError. */
export function parseInventory(text: string, file: string): Inventory {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const fail = (problems: InventoryProblem[]): never => { throw new InventoryError(file, problems); };
  if (doc.errors.length > 0) {
    fail(doc.errors.map((e) => ({
      file, line: e.linePos?.[0].line ?? 1, col: e.linePos?.[0].col ?? 1, path: '',
      message: `YAML: ${e.message.split(/ at line \d+/)[0]}`,
    })));
  }
  let data: unknown;
  try { data = doc.toJS({ maxAliasCount: MAX_ALIASES }); } catch (e) {
    fail([{ file, line: 1, col: 1, path: '', message: `YAML: ${(e as Error).message}` }]);
  }
  if (data === null || data === undefined) fail([{ file, line: 1, col: 1, path: '', message: 'the inventory is empty', hint: 'start with "version: 1" and a "nodes:" list' }]);
  const loc = new Locator(doc, lineCounter);
  const parsed = inventorySchema.safeParse(data);
  const problems = parsed.success ? [] : parsed.error.issues.flatMap((i) => issueProblems(i, loc, file));
  // zod's record() silently drops a `__proto__` key, so such a group would vanish without a word.
  const groups = (data as { groups?: unknown }).groups;
  if (typeof groups === 'object' && groups !== null && Object.hasOwn(groups, '__proto__')) {
    const at = loc.keyAt(['groups'], '__proto__');
    problems.push({ file, line: at.line, col: at.col, path: 'groups.__proto__', message: 'bad group name "__proto__"' });
  }
  if (problems.length > 0) fail(problems.sort((a, b) => a.line - b.line || a.col - b.col));
  const inv = normalise(parsed.data!, file);
  const crossField = checkInventory(inv, parsed.data!, loc, file);
  if (crossField.length > 0) fail(crossField);
  return inv;
}
