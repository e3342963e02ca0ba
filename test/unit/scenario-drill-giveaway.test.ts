/**
 * `validate` warns when what trainees read (the drill's title and briefing) gives the drill away:
 * a word only the right diagnosis has, or a word of the hidden fault's kind or catalog title. Words
 * the wrong choices share ("API" in three of four) are no clue; the shipped drills have no warning.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario, type ScenarioProblem } from '../../src-main/scenario/index.js';

const DIR = join(import.meta.dirname, '..', '..', 'scenarios');
const LOSS = readFileSync(join(DIR, 'drill-api-mystery-loss.yaml'), 'utf8');
const DISK = readFileSync(join(DIR, 'drill-db-disk-full.yaml'), 'utf8');
const BRIEFING = '    You are on call for the API tier. Monitoring says requests are slow and some time out, but not\n';

const warnings = (text: string): ScenarioProblem[] => checkScenario(text, 'drill.yaml').problems.filter((p) => p.severity === 'warning' && p.path.startsWith('drill.'));
const edit = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`no ${from}`);
  return text.replace(from, to);
};

describe('drills that give themselves away', () => {
  it('the shipped drills do not', () => {
    expect(warnings(LOSS)).toEqual([]);
    expect(warnings(DISK)).toEqual([]);
  });

  it('a briefing with a word only the answer has is flagged, at the briefing', () => {
    const w = warnings(edit(LOSS, BRIEFING, '    You are on call for the API tier. One node drops packets; requests are slow and some time out, but not\n'));
    expect(w.map((p) => [p.path, p.message])).toEqual([['drill.briefing', 'the drill\'s briefing says "packet": a word of the answer "Packet loss on one API node" that no other choice has']]);
    expect(w[0]!.hint).toMatch(/describe what they would notice, not the cause/);
    expect(w[0]!.line).toBe(LOSS.split('\n').findIndex((l) => l.startsWith('  briefing:')) + 1);
  });

  it("a title naming the hidden fault's kind or catalog title is flagged", () => {
    const w = warnings(edit(DISK, '  briefing: >\n', '  title: "Disk trouble in the shop"\n  briefing: >\n'));
    expect(w.map((p) => p.path)).toEqual(['drill.title']);
    expect(w[0]!.message).toBe('the drill\'s title says "disk": a word of the answer "The database\'s data disk is full" that no other choice has');
    const k = warnings(edit(LOSS, '  briefing: >\n', '  title: "The network acts up"\n  briefing: >\n'));
    expect(k.map((p) => p.message)).toEqual(['the drill\'s title says "network": it names the hidden fault (network-loss, "Packet loss")']);
  });

  it('words every wrong choice could have are no clue ("API", "node" vs "nodes")', () => {
    expect(warnings(edit(LOSS, BRIEFING, '    You are on call for the API nodes. Monitoring says requests are slow and some time out, but not\n'))).toEqual([]);
  });

  it('the drill title is what trainees see: at most 120 characters', () => {
    const r = checkScenario(edit(LOSS, '  briefing: >\n', `  title: "${'x'.repeat(121)}"\n  briefing: >\n`), 'drill.yaml');
    const errs = r.problems.filter((p) => p.severity === 'error');
    expect(errs.map((p) => p.path)).toEqual(['drill.title']);
    expect(errs[0]!.message).toMatch(/must be at most 120 characters$/);
  });
});
