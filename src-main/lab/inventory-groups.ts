/**
 * The groups a lab's inventory offers (api, db, gpu by tag), only those with a member: a group
 * whose selector matches no node makes the inventory invalid (`gameday lab up --nodes 2` has no db
 * node), so every command refused it.
 */
const GROUPS = ['api', 'db', 'gpu'] as const;

export function labGroups(nodes: ReadonlyArray<{ tags: readonly string[] }>): Record<string, string[]> {
  return Object.fromEntries(GROUPS.filter((g) => nodes.some((n) => n.tags.includes(g))).map((g) => [g, [`tag:${g}`]]));
}
