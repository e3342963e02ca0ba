/**
 * Rehearsal (tabletop) outcomes: what the room is told when the walk reaches a step that would
 * touch a node or read a probe. The runbook's scripted `rehearsal.outcomes[stepId]` when it has
 * one, otherwise a plain sentence generated from the step itself.
 */
import type { Scenario, Step } from '../scenario/index.js';

/** Step kinds that would send something or read a probe in a real run: the ones a rehearsal narrates. */
export const NARRATED_KINDS = new Set<Step['kind']>(['inject', 'revert', 'assert', 'command', 'integrity']);

export function rehearsalOutcome(sc: Scenario, step: Step): string {
  const scripted = sc.rehearsal?.outcomes[step.id];
  if (scripted) return scripted.trim();
  switch (step.kind) {
    case 'inject': {
      const n = sc.targets[step.target]?.maxNodes;
      return `${step.fault} would now be active on target "${step.target}"${n ? ` (up to ${n} node${n === 1 ? '' : 's'})` : ''}${step.duration !== undefined ? `, reverting by itself after ${step.duration}` : ''}. What do the dashboards show, and who notices first?`;
    }
    case 'revert':
      return `The fault of step "${step.step}" would now be reverted and verified on every node. How long until the service is healthy again?`;
    case 'assert':
      return `The probe "${step.probe}" is expected to be ${step.expect}${step.within !== undefined ? ` within ${step.within}` : ''}. Is it? What would you do if it were not?`;
    case 'command':
      return `The command \`${step.command}\` would run on target "${step.target}". What should it print, and what if it fails?`;
    case 'integrity':
      return `The check \`${step.command}\` would run on target "${step.target}"${step.compareWith ? ` and be compared with step "${step.compareWith}"` : ' as the baseline'}.`;
    default:
      return step.title ?? step.id;
  }
}
