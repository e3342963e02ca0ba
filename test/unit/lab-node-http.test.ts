/**
 * One lab HTTP service: the netns lab's program (src-main/lab/netns/http-service.mjs, run here on
 * 127.0.0.1) and the simulated lab's in-process nodes (src-main/lab/sim/health.ts behind
 * http-node.ts) answer the outage contract from the same implementation (src-main/lab/shared/node-http.mjs):
 * the same failures, request by request, in a flapping outage; the same refusals of bad values;
 * the same record of when the node was broken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outageControl } from '../../src-main/lab/shared/node-http.mjs';
import { HealthModel } from '../../src-main/lab/sim/health.js';
import { localLab, type LocalLab, type LocalNode } from '../../src-main/lab/sim/local-node.js';
import { NodeView } from '../../src-main/lab/sim/node-view.js';
import { seededRandom } from '../../src-main/lab/sim/plan.js';

let dir: string;
let lab: LocalLab;
let node: LocalNode;
let child: ChildProcess;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gd-lab-node-http-'));
  lab = await localLab(dir);
  node = lab.node({ name: 'h1', role: 'bastion' }, { ip: '127.150.9.11' });
  child = spawn('node', [join(process.cwd(), 'src-main/lab/netns/http-service.mjs'), '--host', '127.0.0.1', '--port', '0', '--node', 'h1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      const m = / listening on [\d.]+:(\d+)/.exec(String(b));
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`http-service exited ${code}`)));
  });
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => {
  child?.kill('SIGTERM');
  node?.close();
  rmSync(dir, { recursive: true, force: true });
});

function simModel(): HealthModel {
  const v = new NodeView({ name: 'h1', role: 'bastion', ip: '127.150.9.11', cpus: 4 }, node.layout);
  return new HealthModel(v, { now: Date.now, rand: seededRandom(3, 'h1'), service: () => 'running', db: null, dbPeer: null });
}

/** The simulated node's /control/outage route (as http-node.ts serves it). */
function simControl(m: HealthModel, method: 'POST' | 'DELETE', query: string): { status: number; body: Record<string, unknown> } {
  const url = new URL(`/control/outage${query}`, 'http://lab');
  const r = outageControl(`${method} /control/outage`, url, m.outages, 'h1', Date.now());
  if (!r) throw new Error('outage route not answered');
  return r;
}

async function netnsControl(method: 'POST' | 'DELETE', query: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${base}/control/outage${query}`, { method });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('one lab HTTP service for both labs', () => {
  it('a flapping outage fails the same requests, in the same order, on both labs', async () => {
    const m = simModel();
    expect(simControl(m, 'POST', '?ms=60000&fail=0.3').status).toBe(200);
    expect((await netnsControl('POST', '?ms=60000&fail=0.3')).status).toBe(200);
    const sim = Array.from({ length: 20 }, () => m.health().status);
    const netns: number[] = [];
    for (let i = 0; i < 20; i++) netns.push((await fetch(`${base}/health`)).status);
    expect(netns).toEqual(sim);
    // Error diffusion: exactly 6 of 20 fail (30 %), never two in a row.
    expect(netns.filter((s) => s === 503)).toHaveLength(6);
    expect(netns.join(',')).not.toContain('503,503');
    simControl(m, 'DELETE', '');
    await netnsControl('DELETE', '');
    expect(m.health().status).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('bad values are refused with the same status and error on both labs', async () => {
    const m = simModel();
    for (const q of ['', '?ms=abc', '?ms=-1', '?ms=3600001', '?ms=10&fail=0', '?ms=10&fail=2', '?ms=10&fail=.5x']) {
      const s = simControl(m, 'POST', q);
      expect(s.status, q).toBe(400);
      expect(await netnsControl('POST', q), q).toEqual(s);
    }
    expect(m.outages.history).toEqual([]);
  });

  it('the record of an outage ended early says when it really ended, on both labs', async () => {
    const m = simModel();
    const s = simControl(m, 'POST', '?ms=60000');
    const n = await netnsControl('POST', '?ms=60000');
    expect(Object.keys(n.body).sort()).toEqual(Object.keys(s.body).sort());
    const before = Date.now();
    simControl(m, 'DELETE', '');
    await netnsControl('DELETE', '');
    const state = (await (await fetch(`${base}/control/state`)).json()) as { outages: Array<{ start: number; end: number }> };
    const last = state.outages[state.outages.length - 1]!;
    const simLast = m.outages.history[m.outages.history.length - 1]!;
    for (const rec of [last, simLast]) {
      expect(rec.end).toBeGreaterThanOrEqual(before);
      expect(rec.end - rec.start).toBeLessThan(60_000);
    }
  });
});
