/**
 * The CLI's edge, in process: one exit-code table (the README's), option values refused with the
 * runbook validator's own words, patterns matched without building a RegExp, a did-you-mean for
 * fault names, "no such file" for a runbook that is not there, and `report` writing into the
 * workspace's reports folder (never the current one) while printing every path it wrote.
 */
import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportCommand } from '../../src-main/cli/commands/report.js';
import { loadRunbook } from '../../src-main/cli/commands/run.js';
import { CliError } from '../../src-main/cli/exit-codes.js';
import { lookupFault } from '../../src-main/cli/fault-lookup.js';
import { main } from '../../src-main/cli/main.js';
import { durationValue, protectValue, showValue } from '../../src-main/cli/option-values.js';
import { checkBlastRadius, DEFAULT_POLICY } from '../../src-main/faults/index.js';
import { checkScenario } from '../../src-main/scenario/index.js';
import { EXIT } from '../../src-main/api/exit-codes.js';
import { buildFixture } from './report-fixture.js';

const f = buildFixture();
afterAll(() => f.audit.close());

/** main(argv) with stdout/stderr captured. */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  try {
    return { code: await main(argv), out: out.join(''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

describe('one exit-code table', () => {
  it('is the README table, code for code', () => {
    const readme = readFileSync('README.md', 'utf8');
    const from = readme.indexOf('| code | meaning |');
    const table = readme.slice(from, readme.indexOf('\n\n', from));
    const codes = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(codes).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('no other module exports an EXIT, and the CLI takes its codes from that one table', () => {
    const src = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).filter((p) => p.endsWith('.ts')).map((p) => join(dir, p));
    const exporters = src('src-main').filter((p) => /export const EXIT\b/.test(readFileSync(p, 'utf8')));
    expect(exporters).toEqual([join('src-main', 'api', 'exit-codes.ts')]);
    const wrong = src('src-main/cli').flatMap((p) =>
      [...readFileSync(p, 'utf8').matchAll(/import \{([^}]*)\} from '([^']+)'/g)]
        .filter((m) => /\bEXIT\b/.test(m[1]!) && !/^(\.\.?\/)+((api\/)?exit-codes|api\/index)\.js$/.test(m[2]!))
        .map((m) => `${p}: ${m[2]}`),
    );
    expect(wrong).toEqual([]);
  });
});

describe('option values at the edge', () => {
  it('a bad duration gets the runbook validator\'s message and hint', () => {
    const runbook = checkScenario('version: 1\ntitle: t\nhypothesis: h\nleaseTtl: ";x"\nphases: [{ id: p, title: P, steps: [{ id: s, kind: note, prompt: n }] }]\n', 'r.yaml');
    const fromValidator = runbook.problems.find((p) => p.path === 'leaseTtl')!;
    let thrown: CliError | undefined;
    try {
      durationValue('--lease-ttl', ';x');
    } catch (e) {
      thrown = e as CliError;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect(thrown!.exitCode).toBe(EXIT.INVALID_INPUT);
    expect(fromValidator.message).toBe(`";x" is not a duration`);
    expect(thrown!.message).toBe(`--lease-ttl ${fromValidator.message}`);
    expect(thrown!.hint).toBe(fromValidator.hint);
  });

  it('inject -d ";x" and every bad --lease-ttl exit 3 with a hint, no DurationError stack', async () => {
    for (const args of [['-d', ';x'], ['--lease-ttl', ';x'], ['--lease-ttl', '0s'], ['--lease-ttl', '2s'], ['--lease-ttl', '25h'], ['--lease-ttl', '-5'], ['--lease-ttl', 'NaN'], ['-d', '']]) {
      const r = await cli(['inject', 'network-loss', 'node01', '-p', 'percent=5', ...args]);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.err).toMatch(/^error: --(duration|lease-ttl) /m);
      expect(r.err).toMatch(/^\s+hint: /m);
      expect(r.err).not.toMatch(/DurationError|internal error|\n\s+at /);
    }
  });

  it('shows a hostile value safely: control and bidi characters escaped, 40 k characters cut', () => {
    expect(showValue('a\u001b[2J\u202eb')).toBe('"a\\u001b[2J\\u202eb"');
    const long = showValue('x'.repeat(40_000));
    expect(long.length).toBeLessThan(100);
    expect(long).toContain('(40000 characters)');
  });

  it('a 40 k-character --protect pattern is refused at the edge, and the engine matches long globs without a RegExp', () => {
    expect(() => protectValue('--protect', '*a'.repeat(20_000))).toThrow(/must be at most 253 characters/);
    const node = { name: 'node01', host: '10.0.0.1', env: 'lab' as const, tags: [] };
    const mod = { id: 'network-loss', risk: 'low' as const, oneShot: false };
    // A runbook's `protected:` list is not bounded by the CLI; this used to throw "Invalid regular expression … too large".
    expect(checkBlastRadius({ ...DEFAULT_POLICY, protected: ['*a'.repeat(20_000)] }, mod, [node]).ok).toBe(true);
    for (const [pattern, hit] of [['node0?', true], ['node*', true], ['10.0.0.*', true], ['db*', false], ['node01.', false], ['*', true]] as const) {
      expect(checkBlastRadius({ ...DEFAULT_POLICY, protected: [pattern] }, mod, [node]).ok, pattern).toBe(!hit);
    }
  });
});

describe('names and files', () => {
  it('a misspelt fault name gets a did-you-mean', async () => {
    expect(() => lookupFault('network-los')).toThrow(CliError);
    try {
      lookupFault('network-los');
    } catch (e) {
      expect((e as CliError).message).toBe('unknown fault "network-los"');
      expect((e as CliError).hint).toContain('did you mean "network-loss"?');
    }
    const r = await cli(['preflight', 'node01', '-f', 'cpu-stres']);
    expect(r.code).toBe(3);
    expect(r.err).toContain('did you mean "cpu-stress"?');
  });

  it('a missing runbook says "no such file: PATH", without the "not a valid runbook" preface', async () => {
    const r = await cli(['run', 'nothere.yaml']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^error: no such file: nothere\.yaml$/m);
    expect(r.err).not.toContain('not a valid runbook');
    expect(() => loadRunbook('nothere.yaml')).toThrow(/^no such file: nothere\.yaml$/);
  });
});

describe('gameday report', () => {
  it('writes into the workspace\'s reports folder, not the current one, and prints every path', async () => {
    const cwdBefore = readdirSync('.').sort();
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
    let code: number;
    try {
      code = await reportCommand(undefined, { workspace: f.dir });
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const written = files(join(f.dir, 'reports')).sort();
    expect(written.map((p) => p.slice(p.lastIndexOf('.')))).toEqual(['.html', '.json', '.md']);
    const printed = out.join('').split('\n').filter((l) => l.startsWith('/')).sort();
    expect(printed).toEqual(written);
    expect(readdirSync('.').sort()).toEqual(cwdBefore);
  });

  it('-o DIR still writes there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-report-o-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await reportCommand(f.runId, { workspace: f.dir, output: dir, format: 'md' })).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(existsSync(join(dir, `${f.runId}.md`))).toBe(true);
  });
});
