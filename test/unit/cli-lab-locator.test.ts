/**
 * Which inventory a `gameday` command uses when none is named: the simulated lab `npm start` runs
 * for the workspace (found by the record its process keeps), a netns lab, or a clear error that
 * names --inventory and --sim. Records of dead processes are swept, never trusted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findInventory } from '../../src-main/cli/context.js';
import { CliError } from '../../src-main/cli/exit-codes.js';
import { listLabInventories, recordSimLab, runningSimLabs } from '../../src-main/lab/index.js';

let tmp: string;
let ws: string;
let labs: string;
const saved = { ...process.env };
const disposers: Array<() => void> = [];

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gd-locate-'));
  ws = join(tmp, 'ws');
  labs = join(tmp, 'labs');
  mkdirSync(labs);
  process.env.GAMEDAY_WORKSPACE = ws;
  process.env.GAMEDAY_LAB_DIR = labs;
  delete process.env.GAMEDAY_INVENTORY;
});

afterEach(() => {
  for (const d of disposers.splice(0)) d();
  process.env = { ...saved };
  rmSync(tmp, { recursive: true, force: true });
});

function simLab(name: string): string {
  const inv = join(tmp, `${name}.yaml`);
  writeFileSync(inv, 'version: 1\nnodes: []\n');
  disposers.push(recordSimLab(ws, { inventory: inv, dir: join(tmp, name), by: 'console --sim' }));
  return inv;
}

/** A netns lab folder as `gameday lab up` leaves it: lab.json (the lab's own record) and inventory.yaml. */
function netnsLab(id: string, lab: object = {}): string {
  const dir = join(labs, id);
  mkdirSync(dir);
  const inventoryPath = join(dir, 'inventory.yaml');
  writeFileSync(join(dir, 'lab.json'), JSON.stringify({ id, dir, state: 'up', nodes: [], inventoryPath, ...lab }));
  writeFileSync(inventoryPath, 'version: 1\nnodes: []\n');
  return inventoryPath;
}

function refusal(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('finding the lab that is up', () => {
  it('uses the simulated lab npm start runs for this workspace, with or without --sim', () => {
    const inv = simLab('sim');
    expect(findInventory({})).toBe(inv);
    expect(findInventory({ sim: true })).toBe(inv);
  });

  it('with a netns lab up too, it asks which, naming --sim', () => {
    simLab('sim');
    const netns = netnsLab('ab12c');
    const e = refusal(() => findInventory({}));
    expect(e.exitCode).toBe(3);
    expect(e.message).toContain(netns);
    expect(e.hint).toContain('--sim');
    expect(findInventory({ sim: true })).toContain('sim.yaml');
  });

  it('no inventory at all: the error names --inventory and --sim', () => {
    const e = refusal(() => findInventory({}));
    expect(e.message).toMatch(/^no inventory/);
    expect(e.hint).toContain('--inventory FILE');
    expect(e.hint).toContain('--sim');
    expect(e.hint).toContain('npm start');
  });

  it('--sim with no simulated lab running says how to start one', () => {
    netnsLab('ab12c');
    const e = refusal(() => findInventory({ sim: true }));
    expect(e.message).toContain('no simulated lab is running');
    expect(e.hint).toContain('npm start');
  });

  it('a record left by a killed process is swept, not used', () => {
    const dead = spawnSync('true').pid!;
    const dir = join(ws, 'labs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `sim-${dead}.json`), JSON.stringify({ pid: dead, procStart: null, inventory: join(tmp, 'gone.yaml'), dir: tmp, by: 'lab sim', startedAt: '' }));
    expect(runningSimLabs(ws)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('offers exactly the netns labs `gameday lab status` knows: not a folder that is no lab', () => {
    const real = netnsLab('ab12c');
    netnsLab('not-a-lab-id'); // the lab's ids are exactly 5 of [a-z0-9]
    netnsLab('zz999', { id: 42 }); // a lab.json that is not the lab's record
    expect(listLabInventories()).toEqual([real]);
    expect(findInventory({})).toBe(real);
  });

  it('--inventory wins, and a missing one is "no such file"', () => {
    simLab('sim');
    const mine = netnsLab('zz999');
    expect(findInventory({ inventory: mine })).toBe(mine);
    expect(refusal(() => findInventory({ inventory: join(tmp, 'nope.yaml') })).message).toBe(`no such file: ${join(tmp, 'nope.yaml')}`);
    expect(refusal(() => findInventory({ inventory: mine, sim: true })).message).toContain('--sim and --inventory');
  });
});
