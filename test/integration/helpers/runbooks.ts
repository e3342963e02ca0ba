/**
 * Shared by runbooks-simlab.test.ts and runbooks-netns.test.ts: every shipped runbook
 * (scenarios/*.yaml, drills included) run headless through the real CLI against a lab, then checked
 * from outside the engine — the audit's fault rows and events, our own SSH commands on every node
 * (firewall, qdiscs, nft, data disk, GPU settings, leases, watchdogs, tagged processes) compared with
 * a fingerprint taken before the run, and the post-mortem built from the audit.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { AuditStore } from '../../../src-main/audit/index.js';
import { loadInventory, toConnectSpec } from '../../../src-main/inventory/index.js';
import { flattenSteps, loadScenario } from '../../../src-main/scenario/index.js';
import { SshPool } from '../../../src-main/ssh/index.js';
import { sh } from '../../../src-main/shell/index.js';
import { BIN, parseRunJson, type CliResult, type RunJson } from './engine-cli.js';

export const SCENARIOS = join(process.cwd(), 'scenarios');

/**
 * Faults that burn real CPU or reach processes by name (the netns lab's nodes share the host's
 * process table and its 2 cores): a runbook injecting one runs alone on the netns lab, and no
 * timing verdict of another run may overlap it.
 */
export const EXCLUSIVE_FAULTS = new Set(['cpu-stress', 'io-stress', 'memory-pressure', 'process-kill', 'process-pause', 'service-stop', 'clock-skew', 'gpu-kill-processes']);

export interface Runbook {
  name: string;
  file: string;
  faults: string[];
  /** Who approves gated steps: an approver the runbook names that is not the commander. */
  approver: string;
  exclusive: boolean;
}

/** Every runbook in scenarios/, found by globbing (new ones, drills too, join automatically). */
export function shippedRunbooks(): Runbook[] {
  return readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => {
      const file = join(SCENARIOS, f);
      const { scenario } = loadScenario(file);
      // Runbooks with k8s: targets need a cluster: k8s-run.test.ts and k8s-mixed.test.ts run them.
      if (Object.values(scenario.targets).some((t) => t.selector.startsWith('k8s:'))) return [];
      const steps = flattenSteps(scenario).map((x) => x.step);
      const faults = [...new Set(steps.flatMap((s) => (s.kind === 'inject' ? [s.fault] : [])))];
      const commander = scenario.roles?.commander;
      const named = steps.flatMap((s) => (s.kind === 'approval' ? (s.approvers ?? []) : [])).filter((a) => a !== commander);
      return [{ name: f.replace(/\.yaml$/, ''), file, faults, approver: named[0] ?? 'Dee', exclusive: faults.some((k) => EXCLUSIVE_FAULTS.has(k)) }];
    });
}

/** Run `gameday` (the built CLI) with an inventory and a workspace; stdin is not a TTY, as in CI. */
export function gameday(inventory: string, ws: string, args: string[], timeoutMs = 300_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn('node', [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', GAMEDAY_INVENTORY: inventory, GAMEDAY_WORKSPACE: ws } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const t = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, out, err });
    });
  });
}

/** A small concurrency limiter: at most `n` holders at once, FIFO. */
export function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

interface InvNode {
  name: string;
  gpu: string;
  spec: ReturnType<typeof toConnectSpec>;
}

function inventoryNodes(inventory: string, names?: string[]): InvNode[] {
  const inv = loadInventory(inventory);
  return inv.nodes.filter((n) => !names || names.includes(n.name)).map((n) => ({ name: n.name, gpu: n.gpu ?? 'none', spec: toConnectSpec(inv, n) }));
}

/**
 * What a node looks like to our own commands: firewall, qdiscs and classes on eth0, the data
 * disk's entries, and (GPU nodes) the settings the GPU faults change. Equal before and after a
 * run = the run left nothing behind there.
 */
function fingerprintCmd(gpu: boolean) {
  return sh`echo '== iptables'; iptables -w 5 -S 2>&1
echo '== tc'; tc qdisc show dev eth0 2>&1; tc class show dev eth0 2>&1
echo '== data'; ls -A /var/lib/gameday-lab/data 2>&1
gpu=${gpu ? '1' : '0'}
if [ "$gpu" = 1 ]; then echo '== gpu'; rocm-smi --showmaxpower --showperflevel 2>&1 | grep -E 'Performance Level|Max Graphics Package Power'; fi
exit 0`;
}

export type Fingerprints = Record<string, string>;

export async function fingerprints(inventory: string, names?: string[]): Promise<Fingerprints> {
  const pool = new SshPool();
  try {
    const nodes = inventoryNodes(inventory, names);
    const out = await Promise.all(nodes.map(async (n) => [n.name, (await pool.exec(n.spec, fingerprintCmd(n.gpu !== 'none'), { timeoutMs: 30_000 })).stdout] as const));
    return Object.fromEntries(out);
  } finally {
    await pool.dispose();
  }
}

/**
 * Per node, what is left of run `runId`: leases, watchdogs, tagged processes (stress-ng among them),
 * ballast files, and nft rules that are ours (our comments or GD- chains; iptables -S in the
 * fingerprint sees the same tables through iptables-nft, this is the nft view of them).
 */
export async function runTraces(inventory: string, runId: string, names?: string[]): Promise<Array<{ node: string; leases: number; watchdogs: number; procs: number; stressNg: number; fillFiles: number; nftRules: number }>> {
  const pool = new SshPool();
  try {
    const cmd = sh`gd_run=${runId}
echo "leases=$(ls /run/gameday/"$gd_run"/*.lease /tmp/gameday/"$gd_run"/*.lease 2>/dev/null | wc -l)"
echo "watchdogs=$(pgrep -fc "lease-watchdo[g].sh .*/gameday/$gd_run")"
echo "procs=$(grep -l "GAMEDAY_FAULT=$gd_run:" /proc/[0-9]*/environ 2>/dev/null | wc -l)"
n=0; for p in $(pgrep -x stress-ng); do grep -q "GAMEDAY_FAULT=$gd_run:" /proc/$p/environ 2>/dev/null && n=$((n + 1)); done; echo "stressNg=$n"
echo "fillFiles=$(ls -A /var/lib/gameday-lab/data / 2>/dev/null | grep -c "^\\.gameday-fill-$gd_run")"
echo "nftRules=$(nft list ruleset 2>/dev/null | grep -c -e 'gameday:' -e 'GD-')"`;
    return await Promise.all(
      inventoryNodes(inventory, names).map(async (n) => {
        const r = await pool.exec(n.spec, cmd, { timeoutMs: 30_000 });
        const v = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('=') as [string, string]));
        const num = (k: string) => {
          const x = Number(v[k]);
          if (!Number.isInteger(x)) throw new Error(`${n.name}: cannot read ${k} from ${JSON.stringify(r.stdout)} ${r.stderr}`);
          return x;
        };
        return { node: n.name, leases: num('leases'), watchdogs: num('watchdogs'), procs: num('procs'), stressNg: num('stressNg'), fillFiles: num('fillFiles'), nftRules: num('nftRules') };
      }),
    );
  } finally {
    await pool.dispose();
  }
}

export interface RunbookOutcome {
  runbook: string;
  lab: string;
  runId: string;
  state: string;
  exitCode: number | null;
  slos: Record<string, string>;
  faults: number;
  wallMs: number;
}

/**
 * Run one runbook on a lab and check everything a finished game day must leave true. Returns the
 * outcome for the summary table; throws (a failed expect) when anything is off.
 */
export async function runAndCheck(o: { rb: Runbook; lab: string; inventory: string; ws: string; reportDir: string }): Promise<RunbookOutcome> {
  const { rb, inventory, ws } = o;
  mkdirSync(ws, { recursive: true });
  const before = await fingerprints(inventory);
  const t0 = performance.now();
  const r = await gameday(inventory, ws, ['run', rb.file, '--approver', rb.approver, '--json']);
  const wallMs = performance.now() - t0;
  const j: RunJson = parseRunJson(r);
  const why = `${rb.name} on ${o.lab}: exit ${r.code}\n${r.err.slice(-3000)}\nsteps not done: ${JSON.stringify(j.snapshot.steps.filter((s) => s.status !== 'done'))}`;

  // Completed: every step done; exit 0, or 1 only for a violated SLO (a failed step also exits 1).
  expect(j.state, why).toBe('completed');
  expect(j.snapshot.steps.filter((s) => s.status !== 'done'), why).toEqual([]);
  const violated = j.slos.some((s) => s.verdict === 'fail');
  expect(r.code, why).toBe(violated ? 1 : 0);
  expect(j.exitCode).toBe(r.code);
  expect(j.slos.length, why).toBeGreaterThan(0);
  expect(j.stop, why).toMatchObject({ clean: true });

  // The audit: every fault it recorded was injected (verified active) and reverted (verified).
  const audit = AuditStore.open(join(ws, 'audit.sqlite'));
  let faultCount = 0;
  try {
    const run = audit.runs().find((x) => x.id === j.runId)!;
    expect(run.status).toBe('completed');
    const faults = audit.runFaults(j.runId);
    faultCount = faults.length;
    expect(faults.length, `${rb.name}: no fault was recorded`).toBeGreaterThan(0);
    expect([...new Set(faults.map((f) => f.kind))].sort()).toEqual([...rb.faults].sort());
    expect(faults.filter((f) => f.state !== 'reverted').map((f) => `${f.node}/${f.kind}: ${f.state} ${f.detail ?? ''}`), why).toEqual([]);
    expect(audit.openFaults(j.runId)).toEqual([]);
    const ids = (kind: string) => new Set(audit.events({ runId: j.runId, kind }).map((e) => String((JSON.parse(e.data) as { faultId: string }).faultId)));
    const active = ids('fault.active');
    const reverted = ids('fault.reverted');
    for (const f of faults) {
      expect(active.has(f.id), `${f.id} on ${f.node} never verified active`).toBe(true);
      expect(reverted.has(f.id), `${f.id} on ${f.node} never verified reverted`).toBe(true);
    }
    expect(audit.verify().ok).toBe(true);
  } finally {
    audit.close();
  }

  // From outside: nothing of the run remains on any node, and every node looks as it did before.
  const traces = await runTraces(inventory, j.runId);
  expect(traces.filter((t) => t.leases + t.watchdogs + t.procs + t.stressNg + t.fillFiles + t.nftRules > 0), `${rb.name} on ${o.lab}: leftovers`).toEqual([]);
  const after = await fingerprints(inventory);
  for (const node of Object.keys(before)) expect(after[node], `${rb.name} on ${o.lab}: ${node} changed`).toBe(before[node]);

  // The post-mortem builds from the audit alone, in every default format.
  const rep = await gameday(inventory, ws, ['report', j.runId, '--workspace', ws, '-o', o.reportDir, '--json'], 120_000);
  expect(rep.code, rep.err).toBe(0);
  const files = (JSON.parse(rep.out) as { files: Record<string, string> }).files;
  for (const f of ['md', 'html', 'json']) expect(existsSync(files[f]!), `${f} report`).toBe(true);
  const model = JSON.parse(readFileSync(files.json!, 'utf8')) as { run: { id: string; status: string }; slos: Array<{ name: string; verdict: string }>; faults: Array<{ id: string; finalState: string }>; integrity: { ok: boolean } };
  expect(model.run).toMatchObject({ id: j.runId, status: 'completed' });
  expect(model.integrity.ok).toBe(true);
  expect(model.faults.map((f) => f.finalState)).toEqual(Array(faultCount).fill('reverted'));
  expect(Object.fromEntries(model.slos.map((s) => [s.name, s.verdict]))).toEqual(Object.fromEntries(j.slos.map((s) => [s.name, s.verdict])));
  expect(readFileSync(files.md!, 'utf8')).toContain(j.runId);

  return { runbook: rb.name, lab: o.lab, runId: j.runId, state: j.state, exitCode: r.code, slos: Object.fromEntries(j.slos.map((s) => [s.name, `${s.verdict} (${s.measured})`])), faults: faultCount, wallMs };
}

/** The summary line per run, printed at the end of each suite (copied into the README table). */
export function summarize(outcomes: RunbookOutcome[]): string {
  return outcomes
    .sort((a, b) => a.runbook.localeCompare(b.runbook))
    .map((o) => `${o.lab.padEnd(6)} ${o.runbook.padEnd(26)} ${o.state} exit=${o.exitCode} faults=${o.faults} ${(o.wallMs / 1000).toFixed(0)}s  ${Object.entries(o.slos).map(([k, v]) => `${k}=${v}`).join(' ')}`)
    .join('\n');
}
