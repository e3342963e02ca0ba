import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where `gameday lab up` keeps labs (the netns lab's default base dir). */
export function labBaseDir(): string {
  return process.env.GAMEDAY_LAB_DIR ?? '/tmp/gameday-labs';
}

/** Inventory files of the labs that are up, found without loading the lab code. */
export function listLabInventories(): string[] {
  const base = labBaseDir();
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .map((d) => join(base, d, 'inventory.yaml'))
    .filter((f) => existsSync(f) && existsSync(join(f, '..', 'lab.json')));
}
