/**
 * Approvals the schema cannot judge: a gate's `approvers` that name the runbook's commander. The
 * commander can never approve their own run (the engine refuses it), so listing them misleads the
 * room into waiting for a go that cannot come: a warning, or an error when nobody else is listed.
 */
import { flattenSteps } from './model.js';
import type { ProblemSink } from './problems.js';
import type { Scenario } from './schema.js';

const same = (a: string, b: string): boolean => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

export function checkApprovals(s: Scenario, sink: ProblemSink): void {
  // A partial scenario (other problems found) may hold anything where a name should be: check only names.
  const commander = s.roles?.commander;
  if (typeof commander !== 'string' || commander.trim() === '') return;
  for (const ls of flattenSteps(s)) {
    if (ls.step.kind !== 'approval' || !Array.isArray(ls.step.approvers)) continue;
    const list = ls.step.approvers.filter((a): a is string => typeof a === 'string');
    const others = list.filter((a) => !same(a, commander));
    list.forEach((a, i) => {
      if (!same(a, commander)) return;
      if (others.length === 0) sink.add([...ls.path, 'approvers', i], `${a} is the commander and the only approver: nobody may approve this step`, { hint: `name a second person (the injector, an observer), e.g. approvers: [${s.roles?.injector ?? 'Dee'}]` });
      else sink.add([...ls.path, 'approvers', i], `${a} is the commander, who can never approve their own run`, { severity: 'warning', hint: `drop ${a}: approvers: [${others.join(', ')}]` });
    });
  }
}
