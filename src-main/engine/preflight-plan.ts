import { getFault, type FaultModule, type FaultTarget } from '../faults/index.js';
import type { Inventory } from '../inventory/index.js';
import { flattenSteps, type Scenario } from '../scenario/index.js';
import type { SshConfig } from '../ssh/index.js';
import { resolveTargets } from './targets.js';

/**
 * The preflight's node × fault cells for a runbook: every inject step's fault on every node its
 * target resolves to (Kubernetes targets have their own preflight, engines/k8s). Built here once for the CLI `run` and the console (the shape is preflight's
 * PreflightItem; the engine does not import preflight, so it is spelled out).
 */
export function preflightItems(scenario: Scenario, inventory: Inventory, sshConfig?: SshConfig): Array<{ target: FaultTarget; module: FaultModule }> {
  const targets = resolveTargets(scenario, inventory, sshConfig);
  return flattenSteps(scenario).flatMap(({ step }) => (step.kind === 'inject' && targets.has(step.target) ? targets.get(step.target)!.nodes.map((target) => ({ target, module: getFault(step.fault) })) : []));
}
