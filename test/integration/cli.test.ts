/** The `gameday` CLI as a user runs it, against the shared netns lab. */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';

let lab: LabInfo;
const BIN = join(process.cwd(), 'resources/bin/gameday.mjs');
function gd(...args: string[]) {
  const r = spawnSync('node', [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GAMEDAY_INVENTORY: lab.inventoryPath } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  lab = getTestLab();
  const b = spawnSync('node', ['resources/build-cli.mjs'], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`CLI build failed: ${b.stderr}`);
});

describe('gameday CLI', () => {
  it('prints help and version', () => {
    const h = gd('--help');
    expect(h.code).toBe(0);
    for (const c of ['inventory', 'exec', 'lab']) expect(h.out).toContain(c);
    expect(gd('--version').out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('shows the inventory and checks every node', () => {
    const s = gd('inventory', 'show', 'group:api', '--json');
    expect(s.code).toBe(0);
    expect(JSON.parse(s.out).nodes.map((n: { name: string }) => n.name)).toEqual(['node01', 'node02']);
    const c = gd('inventory', 'check', '--json');
    expect(c.code).toBe(0);
    const rows = JSON.parse(c.out) as Array<{ node: string; reachable: boolean; facts: { privilege: string; tools: Record<string, string | null> } }>;
    expect(rows).toHaveLength(lab.nodes.length);
    expect(rows.every((r) => r.reachable && r.facts.privilege === 'root' && r.facts.tools.iptables)).toBe(true);
  });

  it('execs with output prefixed by node and a summary of exit codes', () => {
    const r = gd('exec', 'node01,node02', '--', 'echo hi from $GAMEDAY_LAB_NODE; [ $GAMEDAY_LAB_NODE = node01 ]');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^node01 \| hi from node01$/m);
    expect(r.out).toMatch(/^node02 \| hi from node02$/m);
    expect(r.err).toContain('node02: exit 1');
    expect(r.err).toContain('1/2 nodes exited 0');
  });

  it('reports a bad inventory with file:line:col and exits 3 without connecting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-inv-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'version: 1\nnodes:\n  - name: a\n    host: 10.0.0.1\n    prot: 22\n');
    const r = gd('--inventory', f, 'inventory', 'check');
    expect(r.code).toBe(3);
    expect(r.err).toContain(`${f}:5:5`);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('says plainly which node is unreachable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-inv-'));
    const f = join(dir, 'inv.yaml');
    // 10.251.x.250: inside the lab's connected subnet, no node there (never leaves the machine).
    const ip = lab.subnet.replace(/\.0\/24$/, '.250');
    writeFileSync(f, `version: 1\nssh:\n  connectTimeout: 2\ndefaults:\n  identity: ${lab.keyPath}\nnodes:\n  - { name: ghost, host: ${ip} }\n`);
    const r = gd('--inventory', f, 'exec', 'all', 'true');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ghost: .*(unreachable|timed out)/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('lists the lab', () => {
    const r = gd('lab', 'status', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).some((l: { id: string }) => l.id === lab.id)).toBe(true);
  });
});
