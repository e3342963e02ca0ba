/** `validate` warns when a gate's approvers name the commander, who can never approve (issue 11 §7). */
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src-main/scenario/index.js';
import { mayApprove } from '../../src-renderer/components/live/ApproveDialog.js';

const runbook = (approvers: string) => `version: 1
title: Gate
hypothesis: The gate holds.
environment: lab
roles: { commander: Ana, injector: Cy }
phases:
  - id: p
    title: P
    steps:
      - { id: go, kind: approval, text: "Go / no-go", approvers: ${approvers} }
`;

describe('approvers and the commander', () => {
  it('warns when the approvers include the commander, with the list to write instead', () => {
    const r = checkScenario(runbook('[ana, Dee]'), 'gate.yaml');
    expect(r.scenario).toBeDefined();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ severity: 'warning', message: 'ana is the commander, who can never approve their own run', hint: 'drop ana: approvers: [Dee]', line: 10 });
  });

  it('refuses a gate only the commander could approve', () => {
    const r = checkScenario(runbook('[Ana]'), 'gate.yaml');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.severity).not.toBe('warning');
    expect(r.problems[0]!.message).toMatch(/nobody may approve this step/);
  });

  it('is quiet when the commander is not listed', () => {
    expect(checkScenario(runbook('[Dee, Cy]'), 'gate.yaml').problems).toEqual([]);
  });

  it('the approval dialog offers only the people who may approve', () => {
    expect(mayApprove({ approvers: ['Ana', 'Dee', 'cy'] }, 'ana')).toEqual(['Dee', 'cy']);
    expect(mayApprove({ approvers: ['Ana'] }, 'Ana')).toEqual([]);
    expect(mayApprove({}, 'Ana')).toBeNull();
  });
});
