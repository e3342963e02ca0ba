/**
 * The simulated lab's default fleet is the netns lab's layout (5 nodes and a bastion), so the shipped
 * runbooks (node01/node02, group:db, group:gpu, {host}:8080) run unchanged on either lab.
 */
import { describe, expect, it } from 'vitest';
import { addressBase, DEFAULT_NODES, nodeAddress, nodeTags } from '../../src-main/lab/sim/plan.js';
import { HTTP_PORT, planNodes } from '../../src-main/lab/netns/plan.js';
import { HTTP_PORT as SIM_HTTP_PORT } from '../../src-main/lab/sim/plan.js';

describe('one lab layout', () => {
  const netns = planNodes('abcde', 7, 5, true, 0);

  it('same node names, tags and GPUs on both labs (the simulated lab adds only "simulated")', () => {
    const sim = DEFAULT_NODES.map((n) => ({ name: n.name, tags: nodeTags(n).filter((t) => t !== 'simulated').sort(), gpu: n.gpu ?? 'none' }));
    expect(sim).toEqual(netns.map((n) => ({ name: n.name, tags: [...n.tags].sort(), gpu: n.gpu })));
  });

  it('same host octets and HTTP port', () => {
    const base = addressBase('/tmp/some-workspace');
    const simOctets = DEFAULT_NODES.map((n, i) => nodeAddress(base, n, i).split('.')[3]);
    expect(simOctets).toEqual(netns.map((n) => n.ip.split('.')[3]));
    expect(SIM_HTTP_PORT).toBe(HTTP_PORT);
  });
});
