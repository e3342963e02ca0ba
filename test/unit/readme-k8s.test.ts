// The README's Kubernetes section is the user's guide to a real cluster, which no test here can
// reach: so its examples are held against the code that reads them — the inventory block parses,
// the runbook fragment's target and step are what the adapter accepts, and the Role manifest grants
// every verb preflight asks for on every Chaos Mesh resource the adapter creates.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseInventory, parseK8sSelector } from '../../src-main/inventory/index.js';
import { getK8sFault, PLURALS, resolveK8sParams, CHAOS_GROUP } from '../../src-main/faults/index.js';
import { CHAOS_VERBS } from '../../src-main/engines/k8s/preflight.js';

const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Kubernetes'), readme.indexOf('## Development'));
const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

describe('README: Kubernetes examples', () => {
  it('has the three examples (inventory, runbook fragment, Role)', () => {
    expect(blocks.length).toBe(3);
  });

  it('the inventory block is a kubernetes: section the inventory loader takes', () => {
    const inv = parseInventory(`version: 1\nnodes: []\n${blocks[0]}`, 'README-inventory.yaml');
    expect(inv.kubernetes?.namespace).toBe('shop');
    expect(inv.kubernetes?.context).toBe('staging');
  });

  it('the runbook fragment: its k8s: target parses, its step is a pod fault with valid params', () => {
    const frag = parse(blocks[1]!) as { targets: Record<string, { selector: string; maxPods: number }>; steps: Array<{ fault: string; params: Record<string, unknown> }> };
    const sel = parseK8sSelector(frag.targets.checkout!.selector);
    expect(sel.namespace).toBe('shop');
    const step = frag.steps[0]!;
    const kind = getK8sFault(step.fault);
    expect(kind, step.fault).toBeDefined();
    expect(resolveK8sParams(kind!, undefined, step.params).ok).toBe(true);
  });

  it('the Role grants every verb preflight checks on every resource the adapter creates', () => {
    const role = parse(blocks[2]!) as { kind: string; rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> };
    expect(role.kind).toBe('Role');
    const chaos = role.rules.find((r) => r.apiGroups.includes(CHAOS_GROUP))!;
    expect([...chaos.resources].sort()).toEqual(Object.values(PLURALS).sort());
    expect([...chaos.verbs].sort()).toEqual([...CHAOS_VERBS].sort());
    const pods = role.rules.find((r) => r.apiGroups.includes('') && r.resources.includes('pods'))!;
    expect(pods.verbs).toEqual(expect.arrayContaining(['get', 'list']));
  });
});
