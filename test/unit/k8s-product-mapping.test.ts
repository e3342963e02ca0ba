/**
 * Fault kinds → Chaos Mesh objects (issue #15): kind, action, kind-specific spec, selector,
 * mode/value, labels, and spec.duration always set to hold + lease TTL.
 */
import { describe, expect, it } from 'vitest';
import { getK8sFault, K8S_FAULTS, resolveK8sParams } from '../../src-main/faults/k8s-kinds.js';
import { buildChaosObject, chaosYaml } from '../../src-main/engines/k8s/chaos-object.js';
import { podsPicked } from '../../src-main/engines/k8s/cluster-side.js';
import { parseK8sSelector } from '../../src-main/inventory/k8s-selector.js';

function build(kind: string, params: Record<string, unknown>, holdSec = 60, intensity?: 'low' | 'medium' | 'high') {
  const fault = getK8sFault(kind)!;
  const r = resolveK8sParams(fault, intensity, params);
  if (!r.ok) throw new Error(r.issues.join('; '));
  return buildChaosObject({ fault, params: r.params, selector: parseK8sSelector('k8s:shop/app=checkout'), namespace: 'shop', runId: 'run-20261203-133000-ab12', faultId: 'cut-1x9f', stepId: 'cut', holdSec, leaseTtlSec: 30 });
}

describe('Chaos Mesh mapping', () => {
  it.each([
    ['network-loss', { percent: 30 }, 'NetworkChaos', { action: 'loss', direction: 'to', loss: { loss: '30', correlation: '0' } }],
    ['network-partition', {}, 'NetworkChaos', { action: 'partition', direction: 'to' }],
    ['network-bandwidth', { rate: '1mbps' }, 'NetworkChaos', { action: 'bandwidth', bandwidth: { rate: '1mbps', limit: 20971520, buffer: 10000 } }],
    ['network-latency', { latency: '200ms' }, 'NetworkChaos', { action: 'delay', delay: { latency: '200ms', jitter: '0ms', correlation: '0' } }],
    ['cpu-stress', { workers: 2 }, 'StressChaos', { stressors: { cpu: { workers: 2, load: 100 } } }],
    ['memory-pressure', { size: '256MB' }, 'StressChaos', { stressors: { memory: { workers: 1, size: '256MB' } } }],
    ['pod-kill', { mode: 'one' }, 'PodChaos', { action: 'pod-kill', gracePeriod: 0, mode: 'one' }],
    ['container-kill', { containerNames: ['app'] }, 'PodChaos', { action: 'container-kill', containerNames: ['app'] }],
    ['io-latency', { volumePath: '/data', delay: '100ms' }, 'IOChaos', { action: 'latency', volumePath: '/data', delay: '100ms', percent: 100 }],
    ['dns-failure', { patterns: ['db.*'] }, 'DNSChaos', { action: 'error', patterns: ['db.*'] }],
    ['clock-skew', { timeOffset: '-10m' }, 'TimeChaos', { timeOffset: '-10m' }],
  ])('%s → %s', (kind, params, chaosKind, spec) => {
    const o = build(kind, params);
    expect(o.kind).toBe(chaosKind);
    expect(o.apiVersion).toBe('chaos-mesh.org/v1alpha1');
    expect(o.spec).toMatchObject(spec);
    expect(o.spec.selector).toEqual({ namespaces: ['shop'], labelSelectors: { app: 'checkout' } });
    expect(o.spec.duration).toBe('90s');
  });

  it('every kind is mapped (the test table covers the closed map)', () => {
    expect(Object.keys(K8S_FAULTS).sort()).toEqual(['clock-skew', 'container-kill', 'cpu-stress', 'dns-failure', 'io-latency', 'memory-pressure', 'network-bandwidth', 'network-latency', 'network-loss', 'network-partition', 'pod-kill'].sort());
  });

  it('labels: the recommended managed-by, run, fault, step and kind; name from the fault id', () => {
    const o = build('network-loss', { percent: 10, mode: 'fixed', value: 2 });
    expect(o.metadata).toEqual({
      name: 'gd-cut-1x9f', namespace: 'shop',
      labels: { 'app.kubernetes.io/managed-by': 'gameday-console', 'gameday.io/run': 'run-20261203-133000-ab12', 'gameday.io/fault': 'cut-1x9f', 'gameday.io/step': 'cut', 'gameday.io/fault-kind': 'network-loss' },
    });
    expect(o.metadata.labels).not.toHaveProperty('managed-by');
    expect(o.spec).toMatchObject({ mode: 'fixed', value: '2' });
  });

  it('duration is hold + lease TTL, rounded up to whole seconds; intensity presets apply', () => {
    expect(build('network-latency', {}, 12.2, 'high').spec).toMatchObject({ duration: '43s', delay: { latency: '1s' } });
    expect(build('pod-kill', {}, 0).spec.duration).toBe('30s');
  });

  it('refuses unknown parameters (strict) and out-of-range values', () => {
    const f = getK8sFault('network-loss')!;
    expect(resolveK8sParams(f, undefined, { percent: 10, precent: 5 }).ok).toBe(false);
    expect(resolveK8sParams(f, undefined, { percent: 101 }).ok).toBe(false);
    expect(resolveK8sParams(f, undefined, { percent: 5, mode: 'some' }).ok).toBe(false);
  });

  it('the dry-run YAML is the manifest', () => {
    const y = chaosYaml(build('network-loss', { percent: 30 }));
    expect(y).toMatch(/^---\napiVersion: chaos-mesh.org\/v1alpha1\nkind: NetworkChaos\n/);
    expect(y).toContain('duration: 90s');
    expect(y).toContain('app.kubernetes.io/managed-by: gameday-console');
  });

  it('pods picked per mode (blast radius check)', () => {
    const p = (mode: string, value?: number) => podsPicked(3, { mode: mode as 'all', value });
    expect([p('one'), p('all'), p('fixed', 2), p('fixed', 9), p('fixed-percent', 50), p('random-max-percent', 34)]).toEqual([1, 3, 2, 3, 2, 2]);
  });
});
