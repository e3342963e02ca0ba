/**
 * The shipped runbooks as the engine will gate them: every step that needs a second person must be
 * approvable by someone other than the runbook's own commander (the engine refuses the commander,
 * and refuses anyone off the step's `approvers` list), or the game day can never get past it.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { initialViews } from '../../src-main/engine/run-state.js';
import { loadScenario } from '../../src-main/scenario/index.js';

const dir = join(process.cwd(), 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('shipped runbooks under the two-person rule', () => {
  it('there are runbooks to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s: every gated step can be approved by someone other than the commander', (f) => {
    const { scenario } = loadScenario(join(dir, f));
    const commander = scenario.roles?.commander?.trim().toLowerCase();
    const stuck = initialViews(scenario)
      .steps.filter((s) => s.needsApproval && s.approvers?.length)
      .filter((s) => s.approvers!.every((a) => a.trim().toLowerCase() === commander))
      .map((s) => `${s.id}: approvers ${s.approvers!.join(', ')} = only the commander`);
    expect(stuck).toEqual([]);
  });
});
