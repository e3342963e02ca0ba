/**
 * A lab's inventory offers only groups that have members: `gameday lab up --nodes 2` (no db node)
 * wrote `db: [tag:db]`, and every command then refused the inventory ("no node has tag db").
 */
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src-main/inventory/load.js';
import { renderInventory } from '../../src-main/lab/netns/files.js';
import { planNodes } from '../../src-main/lab/netns/plan.js';

describe('lab inventory groups', () => {
  for (const [n, groups] of [
    [1, ['api', 'gpu']],
    [2, ['api', 'gpu']],
    [4, ['api', 'db', 'gpu']],
    [8, ['api', 'db', 'gpu']],
  ] as const) {
    it(`${n} node(s): a valid inventory whose groups all have members (${groups.join(', ')})`, () => {
      const text = renderInventory({ id: 'abcde', nodes: planNodes('abcde', 3, n, false, 0) });
      const inv = parseInventory(text, 'inventory.yaml');
      expect(Object.keys(inv.groups ?? {}).sort()).toEqual([...groups]);
    });
  }
});
