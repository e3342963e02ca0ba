/**
 * 200 malformed or hostile runbooks, generated from the valid ones with a seeded PRNG (so a failure
 * reproduces): every input ends as problems or as a valid scenario, never as any exception other
 * than ScenarioError, and every problem is located (line ≥ 1) and worded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario, parseScenario, ScenarioError } from '../../src-main/scenario/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SOURCES = [
  ...readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, 'scenarios', f)),
  join(import.meta.dirname, 'fixtures', 'scenarios', 'full.yaml'),
  join(import.meta.dirname, 'fixtures', 'scenarios', 'minimal.yaml'),
].map((f) => readFileSync(f, 'utf8'));

/** mulberry32: tiny, seeded, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  '"; rm -rf /"', "'$(id)'", '"`reboot`"', '"a\\nb\\r\\nc"', '"\\u0000\\u0007"', '"🔥ünïcødé—‮rtl"', `"${'x'.repeat(20_000)}"`,
  '1e400', '-1e400', '-1', '0', '99999999999999999999', '.nan', '.inf', 'true', 'null', '~', '[]', '{}', '[1, [2, [3]]]', '{ a: { b: c } }',
  '&anchor value', '*missing', '!!binary aGVsbG8=', '!!js/function "f(){}"', '"../../etc/passwd"', '"http://169.254.169.254/"', '"{host}{host}{hots}"',
  '"(a+)+$"', '"[unclosed"', '2m30', '"1h 30m"', '500 ms', '"-5s"', 'kind', '|\n  block\n  text',
];
const KINDS = ['http', 'tcp', 'command', 'gpu', 'prometheus', 'inject', 'revert', 'wait', 'assert', 'approval', 'note', 'command', 'integrity', 'bogus'];

type Mutator = (text: string, r: () => number) => string;
const pick = <T,>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)]!;

const MUTATORS: Mutator[] = [
  // delete / duplicate / swap lines
  (t, r) => { const l = t.split('\n'); l.splice(Math.floor(r() * l.length), 1); return l.join('\n'); },
  (t, r) => { const l = t.split('\n'); const i = Math.floor(r() * l.length); l.splice(i, 0, l[i]!); return l.join('\n'); },
  (t, r) => { const l = t.split('\n'); const i = Math.floor(r() * l.length); const j = Math.floor(r() * l.length); [l[i], l[j]] = [l[j]!, l[i]!]; return l.join('\n'); },
  // replace a value with a hostile or wrongly typed one
  (t, r) => { const l = t.split('\n'); const idx = l.map((s, i) => (/:\s+\S/.test(s) ? i : -1)).filter((i) => i >= 0); const i = pick(idx, r); l[i] = l[i]!.replace(/(:\s+).*$/, `$1${pick(HOSTILE, r)}`); return l.join('\n'); },
  // swap a kind
  (t, r) => t.replace(/kind: [a-z]+/g, (m) => (r() < 0.3 ? `kind: ${pick(KINDS, r)}` : m)),
  // re-indent a line
  (t, r) => { const l = t.split('\n'); const i = Math.floor(r() * l.length); l[i] = ' '.repeat(Math.floor(r() * 7)) + l[i]!.trimStart(); return l.join('\n'); },
  // random bytes somewhere
  (t, r) => { const i = Math.floor(r() * t.length); const junk = Array.from({ length: 1 + Math.floor(r() * 32) }, () => String.fromCharCode(Math.floor(r() * 0x3000))).join(''); return t.slice(0, i) + junk + t.slice(i); },
  // truncate
  (t, r) => t.slice(0, Math.floor(r() * t.length)),
  // deep nesting in a value
  (t, r) => { const d = 100 + Math.floor(r() * 1500); return t.replace(/title: .*/, `title: ${'['.repeat(d)}${']'.repeat(d)}`); },
  // alias bomb appended at top level
  (t) => `${t}\nbomb0: &b0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, k) => `bomb${k + 1}: &b${k + 1} [${Array(10).fill(`*b${k}`).join(', ')}]`).join('\n')}\n`,
  // a duplicate key
  (t) => t.replace(/^title: .*$/m, (m) => `${m}\n${m}`),
  // not a runbook at all
  (_t, r) => pick(['', '---\n---\n', '- a\n- b', '"just a string"', '42', '\u0000\u0001\u0002', '{', 'key: [', ':::', '? complex\n: key', `${'a: '.repeat(1000)}x`], r),
];

function mutate(seed: number): string {
  const r = prng(seed);
  let text = pick(SOURCES, r);
  const rounds = 1 + Math.floor(r() * 3);
  for (let k = 0; k < rounds; k++) text = pick(MUTATORS, r)(text, r);
  return text;
}

describe('scenario fuzz', () => {
  it('200 malformed or hostile inputs end as problems or a valid scenario, never a crash', () => {
    let invalid = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const text = mutate(seed);
      const file = `fuzz-${seed}.yaml`;
      const result = checkScenario(text, file);
      const errors = result.problems.filter((p) => p.severity === 'error');
      for (const p of result.problems) {
        expect(p.line, `seed ${seed}: ${JSON.stringify(p)}`).toBeGreaterThanOrEqual(1);
        expect(p.col, `seed ${seed}`).toBeGreaterThanOrEqual(1);
        expect(typeof p.message === 'string' && p.message.length > 0, `seed ${seed}`).toBe(true);
        expect(p.message.length, `seed ${seed}: messages stay short`).toBeLessThan(2000);
        expect(p.file).toBe(file);
      }
      expect(result.scenario === undefined, `seed ${seed}: scenario iff no errors`).toBe(errors.length > 0);
      try {
        parseScenario(text, file);
      } catch (e) {
        expect(e, `seed ${seed}`).toBeInstanceOf(ScenarioError);
        invalid++;
      }
    }
    // The generator must actually produce broken input, or this test proves nothing.
    expect(invalid).toBeGreaterThan(150);
    // Deeply nested inputs make the YAML parser itself slow; a minute leaves room on a busy 2-core CI box.
  }, 60_000);
});
