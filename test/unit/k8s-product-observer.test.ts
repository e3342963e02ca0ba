/**
 * The watch behind the adapter (ChaosObserver): a watch answered with an ERROR event (410 Expired:
 * its resourceVersion was compacted) or a stream that ends leads to a fresh list and a new watch
 * from the list's resourceVersion, so no change is missed. The client is a scripted stand-in here
 * because the server side of a 410 is already covered by test/unit/k8s-client-node.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ChaosObject } from '../../src-main/engines/k8s/chaos-object.js';
import type { KubeClient } from '../../src-main/engines/k8s/client.js';
import { ChaosObserver } from '../../src-main/engines/k8s/observer.js';

const obj = (name: string, rv: string): ChaosObject => ({ apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'NetworkChaos', metadata: { name, namespace: 'shop', resourceVersion: rv }, spec: {} });

describe('ChaosObserver', () => {
  it('re-lists after a 410 ERROR event and watches again from the new list version', async () => {
    const calls: string[] = [];
    let lists = 0;
    const stub = {
      list: async () => {
        lists++;
        calls.push(`list#${lists}`);
        return lists === 1 ? { items: [obj('a', '5')], resourceVersion: '5' } : { items: [obj('a', '9'), obj('b', '9')], resourceVersion: '9' };
      },
      watch: async (_path: string, q: Record<string, string | boolean>, onEvent: (t: string, o: unknown) => void, onEnd: (e?: unknown) => void) => {
        calls.push(`watch@${q.resourceVersion}`);
        if (q.resourceVersion === '5') setTimeout(() => { onEvent('ERROR', { kind: 'Status', code: 410, reason: 'Expired' }); onEnd(); }, 10);
        else setTimeout(() => onEvent('MODIFIED', obj('b', '10')), 10);
        return () => undefined;
      },
    } as unknown as KubeClient;
    const o = new ChaosObserver(stub, 'x=y');
    const seen: string[] = [];
    o.on('change', (_p, x) => seen.push(`${x.metadata.name}@${x.metadata.resourceVersion}`));
    await o.follow('networkchaos', 'shop');
    await new Promise((r) => setTimeout(r, 100));
    o.dispose();
    expect(calls).toEqual(['list#1', 'watch@5', 'list#2', 'watch@9']);
    expect(seen).toEqual(['a@5', 'a@9', 'b@9', 'b@10']);
  });
});
