/**
 * Test-side access to the shared integration lab that test/integration/global-setup.ts brings up.
 * The setup stores the lab.json path in env GAMEDAY_TEST_LAB (inherited by vitest's workers) and
 * also `provide`s the LabInfo as 'lab'; this file only needs the env var, so benchmarks and scripts
 * outside vitest can use it too.
 */
import { LabError, readLab, type LabInfo, type LabNode } from '../../src-main/lab/index.js';

/** Env var holding the path of the shared test lab's lab.json. */
export const TEST_LAB_ENV = 'GAMEDAY_TEST_LAB';

declare module 'vitest' {
  interface ProvidedContext {
    lab: LabInfo;
  }
}

/** The shared test lab. Throws (never skips) when there is none: integration tests need it. */
export function getTestLab(): LabInfo {
  const path = process.env[TEST_LAB_ENV];
  if (!path) {
    throw new LabError('NOT_FOUND', `${TEST_LAB_ENV} is not set`, 'run integration tests with `npx vitest run --project integration`, whose globalSetup brings the lab up');
  }
  return readLab(path);
}

/** A node of `lab` by name; throws when absent so a typo fails the test instead of skipping it. */
export function labNode(lab: LabInfo, name: string): LabNode {
  const node = lab.nodes.find((n) => n.name === name);
  if (!node) throw new LabError('NOT_FOUND', `lab ${lab.id} has no node ${name}`);
  return node;
}

/** Nodes reachable straight from the host (plain nodes and the bastion). */
export function directNodes(lab: LabInfo): LabNode[] {
  return lab.nodes.filter((n) => !n.behindBastion);
}

/** Plain nodes `node01..` only. */
export function plainNodes(lab: LabInfo): LabNode[] {
  return lab.nodes.filter((n) => n.role === 'node');
}

/** Inner nodes (behind the bastion). */
export function innerNodes(lab: LabInfo): LabNode[] {
  return lab.nodes.filter((n) => n.behindBastion === true);
}
