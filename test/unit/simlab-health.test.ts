/**
 * The simulated services' behaviour: fault state written by the simulated tools (driven here with
 * plain tool commands on local nodes) changes what /health answers, with seeded randomness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthModel, type ServiceState } from '../../src-main/lab/sim/health.js';
import { localLab, type LocalLab, type LocalNode } from '../../src-main/lab/sim/local-node.js';
import { connectPath, NodeView, requestPath } from '../../src-main/lab/sim/node-view.js';
import { seededRandom } from '../../src-main/lab/sim/plan.js';
import type { SimNodeSpec } from '../../src-main/lab/sim/types.js';

let dir: string;
let lab: LocalLab;
const nodes: LocalNode[] = [];
const CLIENT = { ip: '127.0.0.1', port: 50000 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gd-simlab-health-'));
  lab = await localLab(dir);
});
afterAll(() => {
  for (const n of nodes) n.close();
  rmSync(dir, { recursive: true, force: true });
});

function boot(spec: SimNodeSpec, ip: string): { n: LocalNode; v: NodeView } {
  const n = lab.node(spec, { ip });
  nodes.push(n);
  return { n, v: new NodeView({ name: spec.name, role: spec.role, ip, cpus: 4 }, n.layout) };
}

function model(v: NodeView, opts: { db?: NodeView; peer?: NodeView; service?: ServiceState; now?: () => number } = {}): HealthModel {
  return new HealthModel(v, { now: opts.now ?? Date.now, rand: seededRandom(3, v.id.name), service: () => opts.service ?? 'running', db: opts.db ?? null, dbPeer: opts.peer ?? null });
}

const many = (m: HealthModel, k = 400) => Array.from({ length: k }, () => m.health());

describe('network effects', () => {
  it('20 % egress loss: retransmissions make about a fifth of requests slow, none hang for good', async () => {
    const { n, v } = boot({ name: 'h1', role: 'bastion' }, '127.150.1.11');
    await n.run('iptables -N L && iptables -A L -m statistic --mode random --probability 0.2 -j DROP && iptables -I OUTPUT 1 -j L');
    const rand = seededRandom(1, 'x');
    const outs = Array.from({ length: 1000 }, () => requestPath(v, CLIENT, 8080, rand));
    const slow = outs.filter((o) => o.delayMs >= 200).length / outs.length;
    expect(slow).toBeGreaterThan(0.15);
    expect(slow).toBeLessThan(0.25);
    expect(outs.every((o) => o.action === 'pass')).toBe(true);
    // New connections lose SYN-ACKs: a 1 s retransmission, which a 400 ms probe sees as a failure.
    const conns = Array.from({ length: 1000 }, () => connectPath(v, CLIENT, 8080, rand));
    expect(conns.filter((o) => o.delayMs >= 1000).length / 1000).toBeGreaterThan(0.15);
  });

  it('a partition drops everything but the SSH management flow; REJECT resets', async () => {
    const { n, v } = boot({ name: 'h2', role: 'bastion' }, '127.150.1.12');
    await n.run('iptables -N P && iptables -A P -p tcp -s 127.0.0.1 --dport 2222 -j ACCEPT && iptables -A P -i lo -j RETURN && iptables -A P -j DROP && iptables -I INPUT 1 -j P');
    expect(connectPath(v, CLIENT, 8080, Math.random)).toMatchObject({ action: 'drop' });
    expect(connectPath(v, CLIENT, 2222, Math.random)).toMatchObject({ action: 'pass' });
    await n.run('iptables -R P 3 -j REJECT 2>/dev/null || { iptables -D P -j DROP && iptables -A P -j REJECT; }');
    expect(connectPath(v, CLIENT, 8080, Math.random)).toMatchObject({ action: 'reject' });
  });

  it('tbf and netem add latency to the replies', async () => {
    const { n, v } = boot({ name: 'h3', role: 'bastion' }, '127.150.1.13');
    await n.run('tc qdisc add dev eth0 root handle 1: htb default fa17 && tc class add dev eth0 parent 1: classid 1:fa17 htb rate 100gbit && tc qdisc add dev eth0 parent 1:fa17 handle fa17: netem delay 200ms 50ms');
    const d = Array.from({ length: 200 }, () => requestPath(v, CLIENT, 8080, seededRandom(2, String(Math.random()))).delayMs);
    expect(Math.min(...d)).toBeGreaterThanOrEqual(150);
    expect(Math.max(...d)).toBeLessThanOrEqual(250);
  });

  it('a tbf rate limit costs a reply its size over the rate: 100 kB at 1 Mbit/s ≈ 0.8 s, a small reply stays quick', async () => {
    const { n, v } = boot({ name: 'h4', role: 'bastion' }, '127.150.1.14');
    // The network-bandwidth fault's own tree shape (tbf leaf under an htb default class).
    await n.run('tc qdisc add dev eth0 root handle 1: htb default fa17 && tc class add dev eth0 parent 1: classid 1:fa17 htb rate 100gbit && tc qdisc add dev eth0 parent 1:fa17 handle fa17: tbf rate 1000kbit burst 3200 latency 200ms');
    const rand = seededRandom(4, 'bytes');
    const bulk = requestPath(v, CLIENT, 8080, rand, 600 + 100_000).delayMs;
    expect(bulk).toBeGreaterThan(800);
    expect(bulk).toBeLessThan(1100);
    expect(requestPath(v, CLIENT, 8080, rand).delayMs).toBeLessThan(250);
  });
});

describe('service behaviour', () => {
  it('CPU stress slows the service down; killed, stopped and frozen services fail the way real ones do', async () => {
    const { n, v } = boot({ name: 'h4', role: 'bastion' }, '127.150.1.14');
    const calm = many(model(v)).map((a) => a.delayMs);
    await n.run('stress-ng --cpu 0 --cpu-load 100 --timeout 60s </dev/null >/dev/null 2>&1 &');
    await new Promise((r) => setTimeout(r, 800));
    const hot = many(model(v));
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(hot.map((a) => a.delayMs))).toBeGreaterThan(5 * avg(calm));
    expect(hot.some((a) => a.status === 503)).toBe(true);
    expect(model(v, { service: 'dead' }).health().kind).toBe('reset');
    expect(model(v, { service: 'stopped' }).health().kind).toBe('reset');
    expect(model(v, { service: 'paused' }).health().kind).toBe('hang');
  });

  it('db: a data disk above 90 % turns a growing share of requests into 500s', async () => {
    const { n, v } = boot({ name: 'h5', role: 'db' }, '127.150.1.15');
    const m = model(v);
    expect(many(m, 100).every((a) => a.status === 200)).toBe(true);
    const used = v.disk();
    // Fill to 95 % of the 20 GiB data disk.
    const kb = Math.ceil(used.sizeKb * 0.95) - used.usedKb;
    await n.run(`fallocate -l ${kb * 1024} /var/lib/gameday-lab/data/fill`);
    expect(v.disk().usedPct).toBe(95);
    const share = many(m).filter((a) => a.status === 500).length / 400;
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.75);
  });

  it('api: the db cut off → some 503s while reads fail over (seeded 8-20 s), then healthy on the primary', async () => {
    const db = boot({ name: 'h6', role: 'db' }, '127.150.1.16');
    const api = boot({ name: 'h7', role: 'api' }, '127.150.1.17');
    let now = 1_000_000;
    const m = model(api.v, { db: db.v, now: () => now });
    const dbm = model(db.v, { peer: api.v, now: () => now });
    expect(many(m, 50).every((a) => a.status === 200)).toBe(true);
    await db.n.run('iptables -A INPUT -p tcp --dport 5432 -j DROP');
    expect(dbm.tick()).toBe(true);
    const during = many(m, 200);
    expect(during.filter((a) => a.status === 503).length).toBeGreaterThan(40);
    now += 21_000;
    expect(many(m, 100).every((a) => a.status === 200 && a.body.db === 'primary only (replica down)')).toBe(true);
    await db.n.run('iptables -D INPUT -p tcp --dport 5432 -j DROP');
    expect(dbm.tick()).toBe(false);
    // The replica catches up for 2-6 s after the heal.
    expect(dbm.health().status).toBe(503);
    now += 6_001;
    expect(dbm.health().status).toBe(200);
    expect(m.health().body.db).toBe('replica');
  });

  it('api: its local pooler blocked (dependency-block 127.0.0.1:6432) → 503', async () => {
    const { n, v } = boot({ name: 'h8', role: 'api' }, '127.150.1.18');
    await n.run('iptables -A OUTPUT -d 127.0.0.1/32 -p tcp --dport 6432 -j REJECT --reject-with tcp-reset');
    expect(model(v).health()).toMatchObject({ status: 503, body: { error: 'pooler 127.0.0.1:6432: connection refused' } });
  });

  it('gpu: a 60 % power cap lowers training throughput; /health stays up', async () => {
    const { n, v } = boot({ name: 'h9', role: 'gpu', gpu: 'amd' }, '127.150.1.19');
    await n.run('gpu-sim-ctl spawn --gpu 0 && gpu-sim-ctl spawn --gpu 1');
    const full = model(v).health();
    expect(full.status).toBe(200);
    await n.run('rocm-smi -d 0 1 --setpoweroverdrive 174 --autorespond y');
    const capped = model(v).health();
    expect(capped.status).toBe(200);
    expect(Number(capped.body.trainingSamplesPerSec)).toBeLessThan(0.8 * Number(full.body.trainingSamplesPerSec));
    expect(Number(capped.body.trainingSamplesPerSec)).toBeGreaterThan(0.3 * Number(full.body.trainingSamplesPerSec));
  });
});
