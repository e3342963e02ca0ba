/**
 * `gameday lab …` from the CLI bundle (out/cli/gameday.mjs), run from a folder far from the checkout:
 * the lab's node-side programs (simulated tools, GPU simulators, the HTTP service) are found relative
 * to the package root, and importing them never runs one (the bundle once ran the simulated tools'
 * entry as the tool "lab": "lab: not a simulated tool" on every command's stderr).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(process.cwd(), 'out/cli/gameday.mjs');
let cwd: string;
let sim: ChildProcess | undefined;

function gd(...args: string[]) {
  const r = spawnSync('node', [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GAMEDAY_WORKSPACE: join(cwd, 'ws') } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  const b = spawnSync('node', ['resources/build-cli.mjs'], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`CLI build failed: ${b.stderr}`);
  cwd = mkdtempSync(join(tmpdir(), 'gd-lab-bundle-'));
});
afterAll(async () => {
  if (sim && sim.exitCode === null) {
    const gone = new Promise((r) => sim!.once('exit', r));
    sim.kill('SIGINT');
    await gone;
  }
  rmSync(cwd, { recursive: true, force: true });
});

describe('gameday lab from the CLI bundle', () => {
  it('lab status and every lab command\'s help exit 0 with nothing on stderr', () => {
    for (const args of [['lab', 'status'], ['lab', 'status', '--json'], ['lab', '--help'], ['lab', 'up', '--help'], ['lab', 'down', '--help'], ['lab', 'sim', '--help']]) {
      const r = gd(...args);
      expect(r.err, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
    }
  });

  it('lab sim starts from the bundle; its nodes run the simulated tools and GPU simulators over real SSH', async () => {
    const dir = join(cwd, 'sl');
    sim = spawn('node', [BIN, 'lab', 'sim', '--dir', dir, '--seed', '7'], { cwd, env: { ...process.env, NO_COLOR: '1', GAMEDAY_WORKSPACE: join(cwd, 'ws') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    sim.stderr!.on('data', (b: Buffer) => (err += String(b)));
    await new Promise<void>((resolve, reject) => {
      sim!.stdout!.on('data', (b: Buffer) => {
        out += String(b);
        if (out.includes('stop it:')) resolve();
      });
      sim!.once('exit', (code) => reject(new Error(`lab sim exited ${code}: ${err}`)));
    });
    expect(err).toBe('');
    const r = gd('exec', '-i', join(dir, 'inventory.yaml'), '--trust-new', 'node04', 'nvidia-smi -L 2>&1 | head -1; rocm-smi --showproductname 2>&1 | grep -m1 "GPU\\[0\\]"; iptables -S | head -1');
    expect(r.err).not.toContain('not a simulated tool');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/node04 \| (GPU 0: |GPU\[0\])/);
    expect(r.out).toMatch(/node04.*-P INPUT ACCEPT/);
  });
});
