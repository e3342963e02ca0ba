/**
 * vitest globalSetup for the integration project: brings up one shared netns lab (8 nodes, a bastion
 * and one inner node; env GAMEDAY_TEST_LAB_NODES overrides the node count), publishes it through env
 * GAMEDAY_TEST_LAB (path of lab.json) and `provide('lab')`, and tears it down at the end.
 *
 * Not root or a missing tool → labUp throws and the whole run fails loudly: integration tests never
 * skip. To iterate quickly, bring a lab up by hand and export GAMEDAY_TEST_LAB=<its lab.json>; that
 * lab is then reused and left running.
 */
import type { TestProject } from 'vitest/node';
import { labDown, labUp, readLab } from '../../src-main/lab/index.js';
import { TEST_LAB_ENV } from '../lab/fixture.js';

/** Plain nodes in the shared lab: enough for fan-out, groups (api/db/gpu) and partitions, small for 2 cores. */
const DEFAULT_NODES = 8;

function nodeCount(): number {
  const raw = process.env.GAMEDAY_TEST_LAB_NODES;
  if (raw === undefined || raw === '') return DEFAULT_NODES;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 3) throw new Error(`GAMEDAY_TEST_LAB_NODES must be an integer ≥ 3 (the tests use node01..node03), got ${raw}`);
  return n;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const reuse = process.env[TEST_LAB_ENV];
  if (reuse) {
    const info = readLab(reuse);
    project.provide('lab', info);
    console.log(`[lab] reusing lab ${info.id} (${info.subnet}) from ${reuse}; it stays up`);
    return async () => undefined;
  }
  const info = await labUp({ nodes: nodeCount(), bastion: true, inner: 1 });
  process.env[TEST_LAB_ENV] = `${info.dir}/lab.json`;
  project.provide('lab', info);
  console.log(`[lab] ${info.id}: ${info.nodes.length} nodes on ${info.subnet} up in ${info.bringUpMs} ms`);
  return async () => {
    delete process.env[TEST_LAB_ENV];
    await labDown(info);
  };
}
