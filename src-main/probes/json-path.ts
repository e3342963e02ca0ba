/**
 * A tiny, safe JSONPath subset for probe expectations: `$`, `.name`, `['name']` / `["odd-key"]`
 * (quoted keys may hold any character; `\` escapes the next one), `[0]` (and `[-1]` from the end).
 * No filters, wildcards, recursion or script: a health check only ever needs to point at one value,
 * and anything more would need an evaluator we cannot make safe cheaply. Parsing is a hand-written scanner; nothing is ever passed to eval or Function.
 */

export type PathStep = { key: string } | { index: number };

/** A JSONPath the subset cannot read; `at` is the character offset of the problem. */
export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/** Parse `$.a.b[0]` into steps; throws JsonPathError saying where and what is accepted. */
export function parseJsonPath(path: string): PathStep[] {
  const s = path.trim();
  if (!s.startsWith('$')) throw new JsonPathError(`JSON path must start with "$", got "${path}"`, 0);
  const steps: PathStep[] = [];
  let i = 1;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      const m = IDENT.exec(s.slice(i + 1));
      if (!m) throw new JsonPathError(`expected a name after "." at ${i + 1} in "${path}"`, i + 1);
      steps.push({ key: m[0] });
      i += 1 + m[0].length;
    } else if (c === '[') {
      const q = s[i + 1];
      if (q === '"' || q === "'") {
        // A quoted key may hold any character, `]` included; `\` escapes the next one (JSON style).
        let j = i + 2;
        let key = '';
        while (j < s.length && s[j] !== q) {
          if (s[j] === '\\' && j + 1 < s.length) j++;
          key += s[j];
          j++;
        }
        if (j >= s.length || s[j + 1] !== ']') throw new JsonPathError(`unclosed quoted key at ${i} in "${path}"`, i);
        steps.push({ key });
        i = j + 2;
        continue;
      }
      const close = s.indexOf(']', i);
      if (close < 0) throw new JsonPathError(`unclosed "[" at ${i} in "${path}"`, i);
      const inner = s.slice(i + 1, close).trim();
      if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else throw new JsonPathError(`"[${inner}]" at ${i} in "${path}": write [0] or ['name'] (filters and * are not supported)`, i);
      i = close + 1;
    } else {
      throw new JsonPathError(`unexpected "${c}" at ${i} in "${path}": write $.a.b[0]`, i);
    }
  }
  return steps;
}

/** The value at `steps`, or `{ found: false }` when any step is missing. Own properties only. */
export function evalJsonPath(doc: unknown, steps: PathStep[]): { found: true; value: unknown } | { found: false } {
  let cur: unknown = doc;
  for (const step of steps) {
    if ('index' in step) {
      if (!Array.isArray(cur)) return { found: false };
      const idx = step.index < 0 ? cur.length + step.index : step.index;
      if (idx < 0 || idx >= cur.length) return { found: false };
      cur = cur[idx];
    } else {
      // Own properties only: `$.constructor` or `$.__proto__` must not walk into the prototype chain.
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, step.key)) {
        return { found: false };
      }
      cur = (cur as Record<string, unknown>)[step.key];
    }
  }
  return { found: true, value: cur };
}

/** Deep equality for JSON values (what `expect.equals` compares). */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEquals(v, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
