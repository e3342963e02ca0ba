import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateCommand } from '../../src-main/cli/commands/validate.js';

const FIX = join(import.meta.dirname, 'fixtures', 'scenarios');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gd-validate-'));
  copyFileSync(join(FIX, 'minimal.yaml'), join(dir, 'good.yaml'));
  writeFileSync(join(dir, 'bad.yaml'), 'version: 1\ntitle: Bad\nhypothesis: x\nphases:\n  - id: p\n    title: P\n    steps:\n      - { id: w, kind: wiat, duration: 1s }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(files: string[], opts: { json?: boolean; inventory?: string } = {}): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await validateCommand(files, opts);
    return { code, out: chunks.join('') };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe('gameday validate', () => {
  it('exit 0 and a summary for a valid runbook', async () => {
    const r = await run([join(dir, 'good.yaml')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 runbook valid');
  });

  it('exit 3, file:line:col  path  message, and the hint on its own line', async () => {
    const bad = join(dir, 'bad.yaml');
    const r = await run([join(dir, 'good.yaml'), bad]);
    expect(r.code).toBe(3);
    expect(r.out).toContain(`${bad}:8:24  phases[0].steps[0].kind  unknown step kind "wiat"\n  hint: did you mean "wait"?`);
    expect(r.out).toContain('1 of 2 runbooks invalid: 1 error');
  });

  it('--json prints the problems array', async () => {
    const r = await run([join(dir, 'bad.yaml')], { json: true });
    expect(r.code).toBe(3);
    const problems = JSON.parse(r.out) as Array<{ line: number; col: number; path: string; hint: string }>;
    expect(problems).toEqual([expect.objectContaining({ line: 8, col: 24, path: 'phases[0].steps[0].kind', severity: 'error' })]);
  });

  it('a directory means every runbook in it; a missing file is a located problem', async () => {
    expect((await run([dir])).code).toBe(3);
    const missing = await run([join(dir, 'nope.yaml')], { json: true });
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.out)[0]).toMatchObject({ line: 1, col: 1, message: `no such file: ${join(dir, 'nope.yaml')}` });
  });

  it('--inventory checks targets against the inventory', async () => {
    const wide = join(dir, 'wide.yaml');
    writeFileSync(wide, (await import('node:fs')).readFileSync(join(FIX, 'minimal.yaml'), 'utf8').replace('selector: "group:api", maxNodes: 2', 'selector: "all", maxNodes: 2'));
    expect((await run([wide])).code).toBe(0);
    const r = await run([wide], { inventory: join(FIX, 'lab-inventory.yaml') });
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/targets\.api\.maxNodes {2}target "api" selects 6 nodes, more than maxNodes 2/);
  });
});
