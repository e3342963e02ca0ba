/**
 * Driving `gameday run` as a user does, against the shared netns lab, and checking the nodes
 * afterwards from outside the engine: our own SSH commands look for every trace a fault can leave
 * (iptables chains and tagged rules, tc trees, leases, watchdogs, tagged processes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument, isMap, isSeq, type YAMLMap } from 'yaml';
import { AuditStore } from '../../../src-main/audit/index.js';
import { SshPool, type ConnectSpec } from '../../../src-main/ssh/index.js';
import { sh } from '../../../src-main/shell/index.js';
import type { LabInfo } from '../../../src-main/lab/index.js';

export const BIN = join(process.cwd(), 'resources/bin/gameday.mjs');
export const FIXTURES = join(process.cwd(), 'test/integration/fixtures');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** A `gameday` process with stdin not a TTY (as in CI); `done` resolves when it exits. */
export interface CliProc {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** A fresh workspace (audit + control sockets) for one test. */
export function workspace(): string {
  return mkdtempSync(join(tmpdir(), 'gd-run-ws-'));
}

export function startCli(lab: LabInfo, ws: string, args: string[], env: Record<string, string> = {}): CliProc {
  const child = spawn('node', [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', GAMEDAY_INVENTORY: lab.inventoryPath, GAMEDAY_WORKSPACE: ws, ...env } });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return { child, done };
}

export function cli(lab: LabInfo, ws: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(lab, ws, args, env).done;
}

/** The JSON document `gameday run --json` prints at the end (outcome + snapshot). */
export interface RunJson {
  runId: string;
  state: string;
  exitCode: number;
  abortReason?: string;
  slos: Array<{ name: string; verdict: string; measured: string; target: string; detail?: string }>;
  stop?: { reason: string; actor: string; clean: boolean; nodes: Array<{ node: string; status: string }> };
  snapshot: {
    steps: Array<{ id: string; status: string; message?: string; approvedBy?: string }>;
    timers: Array<{ faultId: string; probeId: string; state: string; injectedAt: number; detectedAt?: number; recoveredAt?: number; precisionMs: number }>;
    faults: Array<{ id: string; node: string; kind: string; state: string }>;
  };
}

export function parseRunJson(r: CliResult): RunJson {
  const start = r.out.indexOf('{');
  if (start < 0) throw new Error(`no JSON on stdout (exit ${r.code}):\n${r.out}\n${r.err}`);
  return JSON.parse(r.out.slice(start)) as RunJson;
}

/** Open the workspace's audit for reading (the CLI may still be writing it: WAL allows both). */
export function openAudit(ws: string): AuditStore {
  return AuditStore.open(join(ws, 'audit.sqlite'));
}

/** Poll until `pred` holds, or fail after `timeoutMs` saying what was awaited. */
export async function waitUntil(what: string, pred: () => boolean, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Wait until the run recorded in `ws` has a fault `active` (the CLI is mid-run, a fault in effect). */
export async function waitForActiveFault(ws: string, proc: CliProc): Promise<{ runId: string; faultId: string; node: string }> {
  const file = join(ws, 'audit.sqlite');
  let exited = false;
  void proc.done.then(() => (exited = true));
  await waitUntil('the audit file', () => existsSync(file) || exited);
  const audit = openAudit(ws);
  try {
    let hit: { runId: string; faultId: string; node: string } | undefined;
    await waitUntil('a fault to become active', () => {
      if (exited) throw new Error('the CLI exited before any fault became active');
      const run = audit.runs()[0];
      const f = run && audit.runFaults(run.id).find((x) => x.state === 'active');
      if (f) hit = { runId: run!.id, faultId: f.id, node: f.node };
      return Boolean(hit);
    });
    return hit!;
  } finally {
    audit.close();
  }
}

/** Every trace of our faults on one node, counted by our own commands (not the engine's verify). */
export interface NodeTraces {
  node: string;
  /** iptables chains named GD-… */
  chains: number;
  /** iptables rules carrying a `gameday:` comment. */
  rules: number;
  /** tc qdiscs on eth0 other than the kernel's default. */
  qdiscs: number;
  /** Lease files of `runId`. */
  leases: number;
  /** Lease watchdogs of `runId` still running. */
  watchdogs: number;
  /** Processes tagged GAMEDAY_FAULT=<runId>:… (stress-ng and friends). */
  procs: number;
}

function labSpec(lab: LabInfo, name: string): ConnectSpec {
  const n = lab.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`lab has no node ${name}`);
  return { name, host: n.ip, port: 22, user: 'root', identityFiles: [lab.keyPath], knownHostsFiles: [lab.knownHostsPath] };
}

/**
 * The lab's nodes share the host's process table and /run (only the network is their own), so
 * leases, watchdogs and processes are counted for `runId` only; iptables and tc are per node.
 * `lease-watchdo[g]` keeps the pattern from matching the checking shell's own command line.
 */
export async function nodeTraces(lab: LabInfo, nodes: string[], runId: string): Promise<NodeTraces[]> {
  const pool = new SshPool();
  try {
    const cmd = sh`gd_run=${runId}
echo "chains=$(iptables -S | grep -c -- '^-N GD-')"
echo "rules=$(iptables -S | grep -c 'gameday:')"
echo "qdiscs=$(tc qdisc show dev eth0 | grep -vc -e '^qdisc noqueue' -e '^$')"
echo "leases=$(ls /run/gameday/"$gd_run"/*.lease /tmp/gameday/"$gd_run"/*.lease 2>/dev/null | wc -l)"
echo "watchdogs=$(pgrep -fc "lease-watchdo[g].sh .*/gameday/$gd_run")"
echo "procs=$(grep -l "GAMEDAY_FAULT=$gd_run:" /proc/[0-9]*/environ 2>/dev/null | wc -l)"`;
    return await Promise.all(
      nodes.map(async (node) => {
        const r = await pool.exec(labSpec(lab, node), cmd, { timeoutMs: 15_000 });
        const v = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('=') as [string, string]));
        const num = (k: string) => {
          const x = Number(v[k]);
          if (!Number.isInteger(x)) throw new Error(`${node}: cannot read ${k} from ${JSON.stringify(r.stdout)} ${r.stderr}`);
          return x;
        };
        return { node, chains: num('chains'), rules: num('rules'), qdiscs: num('qdiscs'), leases: num('leases'), watchdogs: num('watchdogs'), procs: num('procs') };
      }),
    );
  } finally {
    await pool.dispose();
  }
}

export const CLEAN = { chains: 0, rules: 0, qdiscs: 0, leases: 0, watchdogs: 0, procs: 0 };

/** The lab's plain nodes, node01..node08. */
export function plainNodeNames(lab: LabInfo): string[] {
  return lab.nodes.filter((n) => n.role === 'node').map((n) => n.name);
}

/**
 * A shipped runbook with its waits shortened to `waitTo` (and inject `duration`s, if any, to the
 * same), written into `dir`: the test runs the real runbook's steps, probes, SLOs and aborts.
 */
export function shortenedRunbook(name: string, dir: string, waitTo = '2s'): string {
  const doc = parseDocument(readFileSync(join(process.cwd(), 'scenarios', name), 'utf8'));
  const phases = doc.get('phases');
  if (!isSeq(phases)) throw new Error(`${name}: no phases`);
  for (const p of phases.items) {
    const steps = (p as YAMLMap).get('steps');
    if (!isSeq(steps)) continue;
    for (const s of steps.items) {
      if (!isMap(s)) continue;
      if (s.get('kind') === 'wait' || (s.get('kind') === 'inject' && s.has('duration'))) s.set('duration', waitTo);
    }
  }
  const file = join(dir, name);
  writeFileSync(file, doc.toString());
  return file;
}

/** End an outage started on a node's lab HTTP service (test clean-up; the service is the ground truth). */
export async function endOutage(lab: LabInfo, node: string): Promise<void> {
  const n = lab.nodes.find((x) => x.name === node)!;
  await fetch(`http://${n.ip}:8080/control/outage`, { method: 'DELETE' });
}

/** The lab service's own record of its last outage (`{ start, end }` epoch ms) and of the last 50 (`outages`, with their `fail` share). */
export async function outageState(lab: LabInfo, node: string): Promise<{ healthy: boolean; outage: { start: number; end: number } | null; outagesStarted: number; outages: Array<{ start: number; end: number; fail: number }> }> {
  const n = lab.nodes.find((x) => x.name === node)!;
  const r = await fetch(`http://${n.ip}:8080/control/state`);
  return (await r.json()) as { healthy: boolean; outage: { start: number; end: number } | null; outagesStarted: number; outages: Array<{ start: number; end: number; fail: number }> };
}
