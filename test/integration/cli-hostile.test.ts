/**
 * Hostile values in every option and argument of `gameday` (issue J §5), against the netns lab.
 * The slots come from the commander program itself, so a new option is swept without being listed.
 *
 * 1. Every slot has a declared kind (src-main/cli/option-kinds.ts); none is left to the fallback.
 * 2. In process, every slot × every hostile value goes through the real edge (commander, the
 *    option checks, main's printing) and stops before the command would run: values the kind must
 *    refuse exit 3 with what/why/hint and no stack trace.
 * 3. The real binary, one refused value per slot: the same exit 3 and hint, and the nodes' sshd
 *    logs (read on the host) show no connection at all.
 * 4. The real binary, every value the edge accepted (a person named "$(touch …)", a workspace folder
 *    called ";touch …"): the command does what it does with any value (its baseline exit) or refuses
 *    plainly, never with a stack trace.
 * Throughout: the canary file those values would create never appears, and the workspace's audit
 * still starts with every event it had and verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestLab } from '../lab/fixture.js';
import { nodeDir } from '../../src-main/lab/netns/plan.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { argvFor, hostileValues, MUST_REFUSE, parseOnly, refusalProblem, slots, type Base, type Hostile, type Slot } from './helpers/cli-sweep.js';

const REPO = process.cwd();
const BIN = join(REPO, 'resources/bin/gameday.mjs');
const RUNBOOK = join(REPO, 'scenarios/db-disk-fill.yaml');
/**
 * Kinds whose accepted values really do something (name a person, make a folder, write a file):
 * those run for real only with the values worth it (shell syntax, unicode, paths). Every other
 * accepted value (a well-formed id or selector that names nothing) runs for real.
 */
const DATA_KINDS = new Set(['person', 'reason', 'folder', 'path', 'output-file']);
const SPAWN_LABELS = new Set(['semicolon', 'dollar', 'backtick', 'unicode', 'dotdot', 'directory']);

let lab: LabInfo;
let tmp: string;
let ws: string;
let cwd: string;
let canary: string;
let hostile: Hostile[];
let env: Record<string, string>;
let bases: Record<string, Base & { noSpawn?: boolean }>;
let auditBefore: string;

interface Spawned {
  code: number | null;
  text: string;
}

/** The real binary, as a user runs it; serving commands get Ctrl-C once they say they are up. */
function gd(argv: string[], serve?: RegExp): Promise<Spawned> {
  return new Promise((resolve) => {
    const child = spawn('node', [BIN, ...argv], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let interrupted = false;
    const onData = (d: Buffer) => {
      text += d.toString('utf8');
      if (serve?.test(text) && !interrupted) {
        interrupted = true; // one Ctrl-C, as a person presses it
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const t = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, text });
    });
  });
}

/** Bytes of every node's sshd log: any connection, even a refused one, writes to it. */
function sshdLogBytes(): Record<string, number> {
  return Object.fromEntries(lab.nodes.map((n) => [n.name, statSync(join(nodeDir(lab.dir, n.name), 'sshd.log')).size]));
}

function auditExport(): string {
  const r = spawnSync('node', [BIN, 'audit', 'export', '--workspace', ws], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`audit export failed: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  lab = getTestLab();
  const b = spawnSync('node', ['resources/build-cli.mjs'], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`CLI build failed: ${b.stderr}`);
  tmp = mkdtempSync(join(tmpdir(), 'gd-sweep-'));
  ws = join(tmp, 'ws');
  cwd = join(tmp, 'cwd');
  mkdirSync(cwd);
  const tag = tmp.slice(-6);
  canary = join(tmpdir(), `gd-canary-${tag}`);
  hostile = hostileValues(canary, tmp, tag);
  const noLabs = join(tmp, 'no-labs');
  mkdirSync(noLabs);
  env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(tmp, 'home'), NO_COLOR: '1', GAMEDAY_INVENTORY: lab.inventoryPath, GAMEDAY_WORKSPACE: ws, GAMEDAY_LAB_DIR: noLabs };
  mkdirSync(env.HOME!);
  const ini = join(tmp, 'hosts.ini');
  writeFileSync(ini, '[api]\nnode01 ansible_host=127.0.0.1\n');
  bases = {
    'inventory show': { opts: [], args: ['all'] },
    'inventory check': { opts: [], args: ['node01'] },
    'inventory import': { opts: [], args: [ini] },
    exec: { opts: [], args: ['node01', '--', 'true'] },
    validate: { opts: [], args: [RUNBOOK] },
    run: { opts: ['--dry-run', '--workspace', ws], args: [RUNBOOK] },
    report: { opts: ['--workspace', ws, '-o', join(tmp, 'reports'), '-f', 'md'], args: [] },
    console: { opts: ['--workspace', ws, '--port', '0'], args: [], serve: /Commander \(full control\)/ },
    faults: { opts: [], args: [] },
    inject: { opts: ['-p', 'port=9', '-d', '1s', '--lease-ttl', '3s', '--workspace', ws], args: ['port-block', 'node01'] },
    stop: { opts: ['--workspace', ws], args: [] },
    cleanup: { opts: ['--dry-run', '--workspace', ws], args: ['node01'] },
    preflight: { opts: ['-f', 'port-block'], args: ['node01'] },
    'audit verify': { opts: ['--workspace', ws], args: [] },
    'audit export': { opts: ['--workspace', ws, '-o', join(tmp, 'export.jsonl')], args: [] },
    // Never run for real here: they make or remove labs.
    'lab up': { opts: ['--nodes', '1'], args: [], noSpawn: true },
    'lab down': { opts: [], args: ['zzzzz'], noSpawn: true },
    'lab sim': { opts: ['--seed', '1'], args: [], serve: /simulated lab up/ },
    'lab status': { opts: [], args: [] },
  };
  // Something to lose: a run in the workspace's audit.
  const seed = await gd(['run', RUNBOOK, '--dry-run', '--workspace', ws]);
  if (seed.code !== 0) throw new Error(`seeding the audit failed:\n${seed.text}`);
  auditBefore = auditExport();
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('hostile values in every CLI option and argument', () => {
  let all: Slot[];
  const accepted: Array<{ slot: Slot; h: Hostile }> = [];

  it('every option and argument has a declared kind', () => {
    all = slots();
    expect(all.length).toBeGreaterThan(60);
    expect(all.filter((s) => s.kind === 'UNCLASSIFIED').map((s) => `${s.path} ${s.what}`)).toEqual([]);
    expect(Object.keys(bases).sort()).toEqual([...new Set(all.map((s) => s.path))].sort());
    for (const s of all) if (s.kind !== 'command') expect(MUST_REFUSE[s.kind], `contract for kind ${s.kind}`).toBeDefined();
  });

  it('the edge refuses what each kind must refuse: exit 3, what/why/hint, no stack', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const failures: string[] = [];
    let cases = 0;
    try {
      for (const slot of all.filter((s) => s.kind !== 'command')) {
        for (const h of hostile) {
          cases++;
          const r = await parseOnly(argvFor(slot.path, bases[slot.path]!, slot, h.value));
          if (r.accepted) {
            if (MUST_REFUSE[slot.kind]!.includes(h.label)) failures.push(`${slot.path} ${slot.what} accepted ${h.label}`);
            else accepted.push({ slot, h });
            continue;
          }
          const p = refusalProblem(r.code, r.err);
          if (p) failures.push(`${slot.path} ${slot.what} ${h.label}: ${p}\n${r.err.slice(0, 400)}`);
          // A refusal names what was refused (the option or the argument), or is commander's own usage error.
          else if (!r.err.includes(slot.what.replace(/[<>]/g, '')) && !/unknown option|no such file/.test(r.err)) failures.push(`${slot.path} ${slot.what} ${h.label}: the error does not name ${slot.what}: ${r.err.slice(0, 200)}`);
        }
      }
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    console.log(`[sweep] ${cases} cases in process, ${accepted.length} accepted as legitimate data`);
    expect(failures).toEqual([]);
    expect(existsSync(canary)).toBe(false);
  }, 300_000);

  it('the real binary refuses one value of each slot the same way, and no node sees a connection', async () => {
    const before = sshdLogBytes();
    const failures: string[] = [];
    for (const slot of all.filter((s) => s.kind !== 'command')) {
      const label = MUST_REFUSE[slot.kind]!.includes('semicolon') ? 'semicolon' : 'newline';
      const r = await gd(argvFor(slot.path, bases[slot.path]!, slot, hostile.find((h) => h.label === label)!.value));
      const p = refusalProblem(r.code, r.text);
      if (p) failures.push(`${slot.path} ${slot.what} ${label}: ${p}\n${r.text.slice(0, 400)}`);
    }
    expect(failures).toEqual([]);
    expect(sshdLogBytes()).toEqual(before);
    expect(existsSync(canary)).toBe(false);
  }, 600_000);

  it('values accepted as data run like any value, and no shell ever runs them', async () => {
    const baseline = new Map<string, number | null>();
    const failures: string[] = [];
    // lab up/down with a well-formed lab id would make or remove a real lab: not run here.
    const todo = accepted.filter(({ slot, h }) => !bases[slot.path]!.noSpawn && (!DATA_KINDS.has(slot.kind) || SPAWN_LABELS.has(h.label)));
    for (const { slot, h } of todo) {
      const base = bases[slot.path]!;
      if (!baseline.has(slot.path)) baseline.set(slot.path, (await gd([...slot.path.split(' '), ...base.opts, ...base.args], base.serve)).code);
      const r = await gd(argvFor(slot.path, base, slot, h.value), base.serve);
      const ok = r.code === baseline.get(slot.path) || refusalProblem(r.code, r.text) === undefined;
      if (!ok || /\n\s+at .+:\d+:\d+\)?\n|internal error/.test(r.text)) failures.push(`${slot.path} ${slot.what} ${h.label}: exit ${r.code} (baseline ${baseline.get(slot.path)})\n${r.text.slice(-600)}`);
    }
    console.log(`[sweep] ${todo.length} accepted values run for real`);
    expect(failures).toEqual([]);
    expect(existsSync(canary)).toBe(false);
    // Nothing lost: every event the audit had is still there, first and in order, and the chain holds.
    expect(auditExport().startsWith(auditBefore)).toBe(true);
    expect(spawnSync('node', [BIN, 'audit', 'verify', '--workspace', ws], { encoding: 'utf8', env }).status).toBe(0);
  }, 1_200_000);
});

it('the canary is a file a shell would create (the sweep can see it)', () => {
  // Guard against a sweep that could never notice: the same value in `exec`, whose job is to run it.
  const r = spawnSync('node', [BIN, 'exec', 'node01', '--', hostile.find((h) => h.label === 'dollar')!.value], { encoding: 'utf8', env, cwd });
  expect(r.status).toBe(0);
  expect(readFileSync(canary, 'utf8')).toBe('');
  rmSync(canary);
});
