/** A 50-node fan-out against real sshd: a lab of its own, beside the shared one. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool, type ConnectSpec } from '../../src-main/ssh/index.js';
import { Shell } from '../../src-main/shell/index.js';
import { labDown, labUp, type LabInfo } from '../../src-main/lab/index.js';

let lab: LabInfo;
beforeAll(async () => {
  lab = await labUp({ nodes: 50 });
}, 120_000);
afterAll(async () => {
  if (lab) await labDown(lab.id);
});

describe('fan-out to 50 nodes', () => {
  it('reaches every node once, with per-node results and progress, and reuses the pool', async () => {
    const specs: ConnectSpec[] = lab.nodes.map((n) => ({ name: n.name, host: n.ip, port: 22, user: 'root', identityFiles: [lab.keyPath], knownHostsFiles: [lab.knownHostsPath] }));
    expect(specs).toHaveLength(50);
    const pool = new SshPool();
    const connects: string[] = [];
    pool.on('connect', (n) => connects.push(n));
    try {
      let progress = 0;
      const rs = await pool.fanOut(specs, Shell.raw('echo $GAMEDAY_LAB_NODE'), { onProgress: (p) => (progress = p.done) });
      expect(progress).toBe(50);
      const bad = rs.filter((r) => !r.ok).map((r) => `${r.node}: ${r.error?.message ?? r.result?.stderr}`);
      expect(bad).toEqual([]);
      expect(rs.map((r) => r.result!.stdout.trim())).toEqual(lab.nodes.map((n) => n.name));
      // a second round goes over the same 50 connections
      const again = await pool.fanOut(specs, Shell.raw('true'));
      expect(again.every((r) => r.ok)).toBe(true);
      expect(connects).toHaveLength(50);
    } finally {
      await pool.dispose();
    }
  });
});
