/**
 * Kubernetes targets in the inventory and the runbook (issue #15): the `kubernetes:` section, the
 * `k8s:NS/LABELS` selector, maxPods, protected namespaces and the checks on inject steps that reach
 * pods. Offline: nothing here talks to a cluster.
 */
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src-main/inventory/index.js';
import { checkScenario, parseScenario, type ScenarioProblem } from '../../src-main/scenario/index.js';
import { needsApproval } from '../../src-main/engine/run-state.js';
import { chaosSelector, labelSelectorQuery, parseK8sSelector } from '../../src-main/inventory/k8s-selector.js';
import { DEFAULT_PROTECTED_NAMESPACES } from '../../src-main/inventory/k8s-settings.js';

const INV = `version: 1
nodes: []
kubernetes:
  kubeconfig: ./kube/config
  context: gameday-test
  namespace: shop
`;

describe('inventory kubernetes: section', () => {
  it('parses with defaults: protected namespaces, waits, kubeconfig relative to the inventory file', () => {
    const inv = parseInventory(INV, '/srv/gd/inventory.yaml');
    expect(inv.nodes).toEqual([]);
    expect(inv.kubernetes).toEqual({ kubeconfig: '/srv/gd/kube/config', context: 'gameday-test', namespace: 'shop', protectedNamespaces: [...DEFAULT_PROTECTED_NAMESPACES], waitSeconds: 30 });
    expect(DEFAULT_PROTECTED_NAMESPACES).toEqual(['kube-system', 'kube-public', 'kube-node-lease', 'chaos-mesh']);
  });

  it('refuses a misspelt field, a bad namespace, and an inventory with neither nodes nor kubernetes', () => {
    const bad = (text: string): string => {
      try {
        parseInventory(text, '/x/inv.yaml');
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('parsed');
    };
    expect(bad(`${INV}  protectedNamespace: [x]\n`)).toMatch(/protectedNamespace/);
    expect(bad(INV.replace('namespace: shop', 'namespace: Shop_1'))).toMatch(/lower-case letters/);
    expect(bad('version: 1\nnodes: []\n')).toMatch(/at least one node \(or a kubernetes: section/);
  });
});

describe('k8s: selectors', () => {
  it('parses namespace and equality requirements into the API query and Chaos Mesh selector', () => {
    const s = parseK8sSelector('k8s:shop/app=checkout,tier!=canary,!legacy,app.kubernetes.io/part-of');
    expect(s.namespace).toBe('shop');
    expect(labelSelectorQuery(s)).toBe('app=checkout,tier!=canary,!legacy,app.kubernetes.io/part-of');
    expect(chaosSelector(s, 'shop')).toEqual({
      namespaces: ['shop'],
      labelSelectors: { app: 'checkout' },
      expressionSelectors: [
        { key: 'tier', operator: 'NotIn', values: ['canary'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'app.kubernetes.io/part-of', operator: 'Exists' },
      ],
    });
  });

  it('a key with a dotted prefix is not read as a namespace; no namespace = the default one', () => {
    const s = parseK8sSelector('k8s:app.kubernetes.io/name=web');
    expect(s.namespace).toBeUndefined();
    expect(s.requirements).toEqual([{ key: 'app.kubernetes.io/name', op: 'eq', value: 'web' }]);
  });

  it.each([
    ['k8s:shop/', /would select every pod/],
    ['k8s:Shop/app=x', /not a namespace name/],
    ['k8s:shop/app=$(reboot)', /not a Kubernetes label value/],
    ['k8s:shop/-app=x', /not a Kubernetes label key/],
    ['k8s:shop/app in (a,b)', /set-based/],
  ])('refuses %s', (sel, msg) => {
    expect(() => parseK8sSelector(sel)).toThrow(msg);
  });
});

const RB = (target: string, step: string, extraTarget = ''): string => `version: 1
title: k8s
hypothesis: checkout survives
targets:
  pods:
    selector: "${target}"
${extraTarget}phases:
  - id: inject
    title: Inject
    steps:
${step}`;
const STEP = `      - id: kill
        kind: inject
        fault: pod-kill
        target: pods
        params: { mode: one }
`;
const errors = (text: string): ScenarioProblem[] => checkScenario(text, 'rb.yaml').problems.filter((p) => p.severity === 'error');

describe('runbook checks for k8s: targets', () => {
  it('accepts a pod-kill of one replica with maxPods', () => {
    expect(errors(RB('k8s:shop/app=checkout', STEP, '    maxPods: 1\n'))).toEqual([]);
  });

  it('a target needs maxNodes or maxPods', () => {
    expect(errors(RB('k8s:shop/app=checkout', STEP))).toContainEqual(expect.objectContaining({ path: 'targets.pods.maxNodes' }));
  });

  it('a k8s target with maxNodes is told to use maxPods', () => {
    expect(errors(RB('k8s:shop/app=checkout', STEP, '    maxNodes: 1\n')).map((p) => p.message)).toContain('target "pods" selects pods: its blast radius is maxPods');
  });

  it('protected namespace: refused, then allowed only with allowProtectedNamespace and approval on the step', () => {
    const msgs = (t: string, extra: string, step = STEP): string[] => errors(RB(t, step, extra)).map((p) => p.message);
    expect(msgs('k8s:kube-system/k8s-app=kube-dns', '    maxPods: 1\n')).toContain('target "pods" is in the protected namespace kube-system');
    expect(msgs('k8s:kube-system/k8s-app=kube-dns', '    maxPods: 1\n    allowProtectedNamespace: true\n')).toContain('"pods" is in a protected namespace: this step needs an approver');
    expect(msgs('k8s:kube-system/k8s-app=kube-dns', '    maxPods: 1\n    allowProtectedNamespace: true\n', `${STEP}        approval: required\n`)).toEqual([]);
  });

  it('inject steps: a Kubernetes fault kind, valid params, a duration unless one-shot', () => {
    const loss = STEP.replace('pod-kill', 'network-loss').replace('{ mode: one }', '{ percent: 130 }');
    const msgs = errors(RB('k8s:shop/app=checkout', loss, '    maxPods: 3\n')).map((p) => p.message);
    expect(msgs.some((m) => /network-loss \(Chaos Mesh NetworkChaos\): parameter "percent"/.test(m))).toBe(true);
    expect(msgs).toContain('network-loss on "pods" needs a duration');
    expect(errors(RB('k8s:shop/app=checkout', STEP.replace('pod-kill', 'disk-fill'), '    maxPods: 3\n')).map((p) => p.message)).toContain('"disk-fill" is not a Kubernetes fault');
  });
});

describe('approval of pod faults', () => {
  it('a pod-kill on a k8s: target needs a second person (it cannot be undone), a held latency does not', () => {
    const { scenario } = parseScenario(RB('k8s:shop/app=checkout', STEP, '    maxPods: 1\n'), 'rb.yaml');
    const kill = scenario.phases[0]!.steps[0]!;
    expect(needsApproval(kill, scenario).needed).toBe(true);
    const slow = { ...kill, fault: 'network-latency', params: { latency: '100ms' }, duration: '10s' } as typeof kill;
    expect(needsApproval(slow, scenario).needed).toBe(false);
  });
});
