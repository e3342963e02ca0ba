/**
 * The "init" of every simulated node: starts its service (a stand-in process named like the real
 * daemon) under a simulated systemd unit, restarts it after a seeded 2-5 s when it dies while the
 * unit is active (Restart=always), keeps the GPU nodes' training jobs running, keeps the simulated
 * /proc/loadavg and /proc/meminfo current, and at close kills every process the node started.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_COMM } from './bin-dir.js';
import type { HealthModel, ServiceState } from './health.js';
import { inBatches } from './batches.js';
import { readGpus } from './gpu-metrics.js';
import { between } from './plan.js';
import type { NodeRunner } from './node-runner.js';
import type { NodeView } from './node-view.js';
import { readJson, updateJson } from './tools/lib/env.mjs';
import { FOREVER_SEC, nodeProcesses } from './tools/lib/procs.mjs';
import type { SimUnit } from './tools/lib/systemd.mjs';

/** How often node state is reconciled: well under the runbooks' 500 ms probe interval granularity ×2. */
export const TICK_MS = 500;
/**
 * Nodes reconciled per tick. Up to 200 nodes every node is seen every tick; at 1000 each is seen
 * every 2.5 s, still within the 2-5 s restart delays below (and a node's /proc files are refreshed
 * before each of its execs anyway, see refresh()).
 */
const NODES_PER_TICK = 200;
/** Service starts at once while the lab boots (each a bwrap; see batches.ts). */
const SERVICE_STARTS_AT_ONCE = 8;
/** systemd's RestartSec, seeded per restart: a killed service is back after 2-5 s. */
const RESTART_MS: [number, number] = [2000, 5000];
/** `systemctl start` brings the process up almost at once. */
const START_MS = 300;
/** A killed training job is requeued by the scheduler after 5-10 s. */
const REQUEUE_MS: [number, number] = [5000, 10_000];
/** Simulated RAM per node. */
const MEM_TOTAL_KB = 16 * 1024 * 1024;
/** Load average time constants (the kernel's 1, 5 and 15 minutes). */
const LOAD_TAU_S = [60, 300, 900];
/** /proc/loadavg's last-pid field climbs slowly and wraps here (a small machine's pid range). */
const LAST_PID_WRAP = 30_000;
/** GPUs per simulated node (../gpu-sim/lib/model.mjs defaultGpus). */
const GPUS_PER_NODE = 2;

const UNITS = { api: 'api-server.service', db: 'postgresql.service', gpu: 'trainer.service' } as const;

export interface SupervisedNode {
  view: NodeView;
  model: HealthModel;
  token: string;
  env: Record<string, string>;
  rand: () => number;
  /** Where the node's processes run (its sandbox when confined): the services start there too. */
  runner: NodeRunner;
}

interface Track {
  restartAt?: number;
  /** A service start whose pid is not known yet: no second start meanwhile. */
  starting?: boolean;
  requeueAt: Map<number, number>;
  load: number[];
  loadAt: number;
  lastPid: number;
}

export class Supervisor {
  private timer?: NodeJS.Timeout;
  private readonly track = new Map<string, Track>();
  /** Where the next tick's slice starts. */
  private cursor = 0;

  constructor(private readonly nodes: SupervisedNode[]) {}

  private unitName(n: SupervisedNode): string | null {
    const r = n.view.id.role;
    return r === 'bastion' ? null : UNITS[r];
  }

  /**
   * Units, services and GPU jobs up; then the reconcile tick. Resolves once every service has
   * started (a few at a time: see batches.ts), so the lab is "booted" when it says it is up.
   */
  async start(): Promise<void> {
    for (const n of this.nodes) {
      this.track.set(n.view.id.name, { requeueAt: new Map(), load: LOAD_TAU_S.map(() => between(n.rand, 0.05, 0.3)), loadAt: Date.now(), lastPid: 0 });
      const unit = this.unitName(n);
      if (unit) updateJson(n.view.layout.state, 'systemd', { units: {} as Record<string, SimUnit> }, (s) => void (s.units[unit] = { active: true, description: `Simulated ${SERVICE_COMM[n.view.id.role]}` }));
      this.procFiles(n);
    }
    await inBatches(this.nodes.length, SERVICE_STARTS_AT_ONCE, (i) => this.spawnService(this.nodes[i]!));
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Start the node's service; resolves once its pid is known (or it failed to start: the tick retries). */
  private async spawnService(n: SupervisedNode): Promise<void> {
    const unit = this.unitName(n);
    const t = this.track.get(n.view.id.name)!;
    if (!unit || t.starting) return;
    const comm = SERVICE_COMM[n.view.id.role];
    // Its own process group: a fault's `kill -- -PGID` aimed elsewhere can never include it by accident.
    const cmd = n.runner.run([join(n.runner.sight.libexec, comm), String(FOREVER_SEC)], { env: n.env, stdio: ['ignore', 'ignore', 'ignore'], detached: true });
    cmd.child.unref();
    t.starting = true;
    // MainPID is the node's pid (its own PID namespace when confined), known once the process runs.
    await cmd.nodePid.then((pid) => {
      t.starting = false;
      if (!pid) return; // did not start: the next tick tries again
      updateJson(n.view.layout.state, 'systemd', { units: {} as Record<string, SimUnit> }, (s) => {
        const u = s.units[unit];
        if (u) u.mainPid = pid;
      });
    });
  }

  /** The node's service as its clients see it. */
  service(n: SupervisedNode): ServiceState {
    const unit = this.unitName(n);
    if (!unit) return 'none';
    const u = n.view.units()[unit];
    if (!u?.active) return 'stopped';
    return n.view.processState(u.mainPid);
  }

  private tick(): void {
    const now = Date.now();
    // A slice per tick: every node each tick up to NODES_PER_TICK nodes (as before), a round over
    // several ticks beyond. Reconciling 1000 nodes in one go (file reads and writes each) blocked
    // the lab's event loop for most of every tick, and the SSH handshakes it serves timed out.
    const slice = this.nodes.length <= NODES_PER_TICK ? this.nodes : Array.from({ length: NODES_PER_TICK }, (_, k) => this.nodes[(this.cursor + k) % this.nodes.length]!);
    this.cursor = (this.cursor + slice.length) % this.nodes.length;
    for (const n of slice) {
      try {
        this.reconcile(n, now);
        this.procFiles(n);
        n.model.tick();
      } catch {
        /* a state file being replaced; next tick */
      }
    }
  }

  private reconcile(n: SupervisedNode, now: number): void {
    const unit = this.unitName(n);
    const t = this.track.get(n.view.id.name)!;
    if (!unit) return;
    const u = n.view.units()[unit];
    const procs = n.runner.procs;
    const alive = procs.alive(u?.mainPid ?? 0);
    if (!u?.active) {
      if (alive && procs.mine(u!.mainPid!, n.token)) procs.kill(u!.mainPid!, 'SIGKILL');
      t.restartAt = undefined;
      return;
    }
    if (t.starting) return;
    if (!alive) {
      const quick = u.startRequestedAt !== undefined && now - u.startRequestedAt < RESTART_MS[0];
      t.restartAt ??= now + (quick ? START_MS : between(n.rand, ...RESTART_MS));
      if (now >= t.restartAt) {
        t.restartAt = undefined;
        void this.spawnService(n);
      }
      return;
    }
    if (n.view.id.role === 'gpu' && n.view.processState(u.mainPid) === 'running') this.gpuJobs(n, t, now);
  }

  private gpuJobs(n: SupervisedNode, t: Track, now: number): void {
    const gpus = readGpus(n.view.layout.state);
    for (let i = 0; i < GPUS_PER_NODE; i++) {
      if ((gpus.find((g) => g.index === i)?.jobs ?? 0) > 0) {
        t.requeueAt.delete(i);
        continue;
      }
      // First start: at once; a killed job: requeued after a seeded delay.
      if (!t.requeueAt.has(i)) t.requeueAt.set(i, gpus.length === 0 ? now : now + between(n.rand, ...REQUEUE_MS));
      if (now >= t.requeueAt.get(i)!) {
        t.requeueAt.set(i, Number.POSITIVE_INFINITY); // until the spawn shows up in the state
        const ctl = n.runner.run([join(n.runner.sight.bin, 'gpu-sim-ctl'), 'spawn', '--gpu', String(i), '--name', 'python3'], { env: n.env, stdio: ['ignore', 'ignore', 'ignore'] });
        ctl.child.on('close', () => t.requeueAt.delete(i));
      }
    }
  }

  /** /proc/loadavg (kernel-style exponential averages of runnable tasks) and /proc/meminfo. */
  private procFiles(n: SupervisedNode): void {
    const t = this.track.get(n.view.id.name)!;
    const now = Date.now();
    const dt = (now - t.loadAt) / 1000;
    t.loadAt = now;
    let runnable = 0;
    for (const p of n.view.stress()) {
      if (p.cpu !== undefined) runnable += ((p.cpu === 0 ? n.view.id.cpus : p.cpu) * (p.cpuLoad ?? 100)) / 100;
      runnable += (p.vm ?? 0) * 0.5 + (p.io ?? 0) + (p.hdd ?? 0);
    }
    const base = t.load.length ? between(n.rand, 0.02, 0.08) : 0;
    t.load = t.load.map((l, i) => l * Math.exp(-dt / LOAD_TAU_S[i]!) + (runnable + base) * (1 - Math.exp(-dt / LOAD_TAU_S[i]!)));
    const proc = join(n.view.layout.root, 'proc');
    // The last field is the most recently created pid: a node-sized number, never one of the host's.
    t.lastPid = (t.lastPid % LAST_PID_WRAP) + 1 + Math.floor(n.rand() * 3);
    writeFileSync(join(proc, 'loadavg'), `${t.load.map((l) => l.toFixed(2)).join(' ')} ${1 + Math.ceil(runnable)}/183 ${200 + t.lastPid}\n`);
    const avail = Math.round(MEM_TOTAL_KB * 0.85 * (1 - n.view.memPressure()));
    writeFileSync(join(proc, 'meminfo'), `MemTotal:       ${MEM_TOTAL_KB} kB\nMemFree:        ${Math.round(avail * 0.6)} kB\nMemAvailable:   ${avail} kB\n`);
  }

  /** Refresh one node's /proc files now (before an exec reads them). */
  refresh(name: string): void {
    const n = this.nodes.find((x) => x.view.id.name === name);
    if (n) this.procFiles(n);
  }

  /**
   * Stop reconciling and kill every process any unconfined node started (by its token; by recorded
   * pids where /proc is missing). A confined node is powered off by its runner instead: killing its
   * processes one by one here would orphan its pid 1 to the host's init.
   */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const n of this.nodes) {
      if (n.runner.confined) continue;
      const pids = new Set(nodeProcesses(n.token).map((p) => p.pid));
      if (process.platform !== 'linux') {
        for (const x of Object.values(n.view.units())) for (const p of [x.mainPid, x.pid]) if (p) pids.add(p);
        for (const p of n.view.stress()) pids.add(p.pid);
        for (const g of readJson<{ gpus?: Array<{ processes: Array<{ pid: number }> }> }>(n.view.layout.state, 'gpu-state', {}).gpus ?? []) for (const p of g.processes) pids.add(p.pid);
      }
      for (const p of [...pids].filter((x) => x !== process.pid && n.runner.procs.mine(x, n.token))) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
  }
}
