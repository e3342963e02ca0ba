/**
 * The workspace's control folder (console/workspace.ts), where runs listen for `gameday stop` and
 * pools are shared: `<ws>/control` when a socket path there fits in sun_path (107 bytes), else a
 * short private alias that every process of the workspace computes alike; an alias that is not this
 * user's own private folder is refused with a plain error, never used.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { controlDir, controlPath, ControlDirError } from '../../src-main/console/index.js';

const root = mkdtempSync(join(tmpdir(), 'gd-ctl-'));
const made: string[] = [root];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const deep = (tag: string) => join(root, tag, 'x'.repeat(90));

describe('control folder', () => {
  it('a short workspace keeps its sockets in <ws>/control', () => {
    const ws = join(root, 'short');
    expect(controlPath(ws)).toBe(join(ws, 'control'));
    expect(controlDir(ws)).toBe(join(ws, 'control'));
    expect(statSync(join(ws, 'control')).mode & 0o777).toBe(0o700);
  });

  it('a deep workspace gets a short alias: the same for every caller, distinct per workspace, room for any socket name', () => {
    const a = deep('a');
    const b = deep('b');
    expect(Buffer.byteLength(join(a, 'control', 'run-20261203-200348-abcd.sock'))).toBeGreaterThan(107);
    const pa = controlPath(a);
    made.push(pa);
    expect(pa).not.toBe(join(a, 'control'));
    expect(controlPath(a)).toBe(pa);
    expect(controlPath(b)).not.toBe(pa);
    expect(Buffer.byteLength(join(pa, `console-${'9'.repeat(10)}.pool`))).toBeLessThanOrEqual(107);
    expect(Buffer.byteLength(join(pa, 'adhoc-20261203-200348-vdwt.sock'))).toBeLessThanOrEqual(107);
    expect(controlDir(a)).toBe(pa);
    expect(statSync(pa).mode & 0o777).toBe(0o700);
    expect(statSync(dirname(pa)).mode & 0o077).toBe(0);
  });

  it('an alias others can write to is refused with a plain error and a hint', () => {
    const ws = deep('c');
    const p = controlDir(ws);
    made.push(p);
    chmodSync(p, 0o777);
    try {
      expect(() => controlDir(ws)).toThrow(ControlDirError);
      expect(() => controlDir(ws)).toThrow(/not a private folder of this user/);
    } finally {
      chmodSync(p, 0o700);
    }
    expect(controlDir(ws)).toBe(p);
  });
});
