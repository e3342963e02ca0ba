/**
 * Checks of the `drill:` and `rehearsal:` blocks the schema cannot express: the answer is one of the
 * choices, choices are distinct, a drill has something hidden to find (an inject step), the
 * mitigation probe exists, hints come in schedule order, the title and briefing do not give the
 * answer away (checks-drill-giveaway.ts), and every rehearsal outcome names a real step. Each problem points at the field to edit, with a did-you-mean where one helps.
 */
import { checkDrillGiveaways } from './checks-drill-giveaway.js';
import { flattenSteps } from './model.js';
import type { Partiality } from './partial.js';
import type { ProblemSink } from './problems.js';
import type { Scenario } from './schema.js';
import { didYouMean } from './suggest.js';
import { parseDuration } from '../api/index.js';

export function checkDrill(s: Scenario, sink: ProblemSink, pt: Partiality): void {
  const d = s.drill;
  const steps = flattenSteps(s);
  if (d) {
    const { choices, answer } = d.diagnosis;
    if (!choices.includes(answer)) {
      sink.add(['drill', 'diagnosis', 'answer'], `the answer "${answer}" is not one of the choices`, { hint: didYouMean(answer, choices) ?? `choices: ${choices.join(', ')}` });
    }
    const seen = new Set<string>();
    choices.forEach((c, i) => {
      if (seen.has(c)) sink.add(['drill', 'diagnosis', 'choices', i], `choice "${c}" is listed twice`, { hint: 'each choice once' });
      seen.add(c);
    });
    if (!pt.partial && !steps.some((x) => x.step.kind === 'inject')) {
      sink.add(['drill'], 'a drill needs an inject step: the drill clock starts when its fault is active', { hint: 'add an inject step, or remove the drill block' });
    }
    if (d.mitigationProbe !== undefined && !pt.broken.has('probes')) {
      const ids = s.probes.map((p) => p.id).filter(Boolean);
      if (!ids.includes(d.mitigationProbe)) sink.add(['drill', 'mitigationProbe'], `unknown probe "${d.mitigationProbe}"`, { hint: didYouMean(d.mitigationProbe, ids) ?? (ids.length ? `defined probes: ${ids.join(', ')}` : 'define it under probes: first') });
    } else if (d.mitigationProbe === undefined && !pt.partial && s.probes.length === 0) {
      sink.add(['drill'], 'a drill needs a probe to confirm "mitigated" declarations', { hint: 'add a probe (the first one is the primary), or set drill.mitigationProbe' });
    }
    if (!pt.partial) checkDrillGiveaways(s, sink);
    let prev = -1;
    d.hints.forEach((h, i) => {
      const ms = parseDuration(h.after);
      if (ms < prev) sink.add(['drill', 'hints', i, 'after'], 'hints must come in the order they are revealed', { hint: 'sort the hints by "after"', severity: 'warning' });
      prev = Math.max(prev, ms);
    });
  }
  if (s.rehearsal && !pt.broken.has('phases')) {
    const ids = steps.map((x) => x.step.id).filter(Boolean);
    for (const key of Object.keys(s.rehearsal.outcomes)) {
      if (!ids.includes(key)) sink.add(['rehearsal', 'outcomes', key], `no step "${key}" in this runbook`, { key: true, hint: didYouMean(key, ids) ?? `step ids: ${ids.join(', ')}` });
    }
  }
}
