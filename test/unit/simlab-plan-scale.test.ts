/**
 * A simulated lab holds up to MAX_NODES (1000) nodes: addresses continue past the lab's first /24,
 * every one distinct and inside 127/8; one more node is refused with what, why and a hint.
 */
import { describe, expect, it } from 'vitest';
import { addressBase, checkNodes, MAX_NODES, nodeAddress } from '../../src-main/lab/sim/plan.js';
import { SimLabError, type SimNodeSpec } from '../../src-main/lab/sim/types.js';

const fleet = (n: number): SimNodeSpec[] => Array.from({ length: n }, (_, i) => ({ name: `sim${i + 1}`, role: 'api' }));

describe('simulated lab scale', () => {
  it('accepts 1000 nodes on distinct 127/8 addresses, .11-.254 of each /24', () => {
    expect(MAX_NODES).toBe(1000);
    const nodes = fleet(MAX_NODES);
    expect(() => checkNodes(nodes)).not.toThrow();
    for (const dir of ['/tmp/a', '/root/ws/simlab', '/x/y/z']) {
      const base = addressBase(dir);
      const addrs = nodes.map((n, i) => nodeAddress(base, n, i));
      expect(new Set(addrs).size).toBe(MAX_NODES);
      for (const a of addrs) {
        const o = a.split('.').map(Number);
        expect(o[0]).toBe(127);
        expect(o.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)).toBe(true);
        expect(o[3]).toBeGreaterThanOrEqual(11);
        expect(o[3]).toBeLessThanOrEqual(254);
      }
      // The first 244 keep the lab's own /24 (the layout the netns lab and the runbooks use).
      expect(addrs.slice(0, 244).every((a) => a.startsWith(`${base}.`))).toBe(true);
      expect(addrs[244]!.startsWith(`${base}.`)).toBe(false);
      expect(nodeAddress(base, { name: 'bastion', role: 'bastion' }, 999)).toBe(`${base}.10`);
    }
  });

  it('refuses 1001 nodes saying how many, why, and what to do', () => {
    let err: unknown;
    try {
      checkNodes(fleet(MAX_NODES + 1));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SimLabError);
    expect((err as SimLabError).code).toBe('BAD_NODES');
    expect((err as SimLabError).message).toBe('a simulated lab has 1-1000 nodes, got 1001');
    expect((err as SimLabError).hint).toMatch(/sandbox.*several labs/);
  });
});
