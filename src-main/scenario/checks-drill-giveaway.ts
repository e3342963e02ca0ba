/**
 * Does a drill give itself away? Trainees read the drill's title and briefing; a word there that
 * only the right diagnosis has (not the wrong choices), or that names the hidden fault (its kind or
 * its title in the fault catalog), hands them the answer. Warnings, not errors: the author decides.
 */
import { getFault } from '../faults/index.js';
import { flattenSteps } from './model.js';
import type { ProblemSink } from './problems.js';
import type { Scenario } from './schema.js';

/** Words too common to give anything away (three letters and up; shorter ones are ignored anyway). */
const COMMON = new Set('the and for are was were not but one two both all any some with from into onto between over under its this that these those has have had can cannot does did why how what when where who out off too very now then only also than via per our your you they them their there here which while after before during again still just more most less few'.split(' '));

/** Lower-case words of a text (three letters and up, possessive 's dropped), without the common ones. */
export function significantWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !COMMON.has(w));
}

/** The same word, allowing a plural s/es on either side (node ~ nodes; loss ≠ los). */
function sameWord(a: string, b: string): boolean {
  return a === b || a === `${b}s` || b === `${a}s` || a === `${b}es` || b === `${a}es`;
}

interface Giveaway {
  word: string;
  why: string;
}

/** Words that would give the drill away, each with where it comes from. */
export function giveaways(s: Scenario): Giveaway[] {
  const d = s.drill;
  if (!d) return [];
  const out: Giveaway[] = [];
  const { answer, choices } = d.diagnosis;
  const others = choices.filter((c) => c !== answer).flatMap(significantWords);
  for (const w of new Set(significantWords(answer))) {
    if (!others.some((o) => sameWord(o, w))) out.push({ word: w, why: `a word of the answer "${answer}" that no other choice has` });
  }
  for (const { step } of flattenSteps(s)) {
    if (step.kind !== 'inject' || typeof step.fault !== 'string') continue;
    let title = '';
    try {
      title = getFault(step.fault).title;
    } catch {
      /* unknown fault: reported by the fault checks */
    }
    for (const w of new Set([...significantWords(step.fault.replace(/-/g, ' ')), ...significantWords(title)])) out.push({ word: w, why: `it names the hidden fault (${step.fault}${title ? `, "${title}"` : ''})` });
  }
  return out;
}

export function checkDrillGiveaways(s: Scenario, sink: ProblemSink): void {
  const d = s.drill;
  if (!d) return;
  const found = giveaways(s);
  const fields: Array<['title' | 'briefing', string | undefined]> = [['title', d.title], ['briefing', d.briefing]];
  for (const [field, text] of fields) {
    if (!text) continue;
    const words = significantWords(text);
    const hits = new Map<string, string>();
    for (const g of found) if (!hits.has(g.word) && words.some((w) => sameWord(w, g.word))) hits.set(g.word, g.why);
    for (const [word, why] of hits) {
      sink.add(['drill', field], `the drill's ${field} says "${word}": ${why}`, { severity: 'warning', hint: `trainees read the ${field}: describe what they would notice, not the cause` });
    }
  }
}
