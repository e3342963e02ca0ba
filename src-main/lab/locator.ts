/**
 * Finding the labs that are up, so `gameday …` in a second terminal uses the lab the first one
 * started: netns labs (`gameday lab up`, `sudo npm start -- --netns`) by their folders under the
 * lab base dir, and the embedded simulated lab (`npm start` = `gameday console --sim`, or
 * `gameday lab sim`) by a record its process writes into the workspace while it runs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultBaseDir } from './netns/plan.js';
import { savedLabs } from './netns/store.js';

/**
 * Inventory files of the netns labs that are up: the labs `gameday lab status` lists (the netns
 * lab's own base dir and lab.json reader), once their inventory is written.
 */
export function listLabInventories(): string[] {
  let labs;
  try {
    labs = savedLabs(defaultBaseDir());
  } catch {
    // Root's lab folder that this (non-root) user may not read: no lab of ours there.
    return [];
  }
  return labs.map((l) => l.inventoryPath).filter((f) => typeof f === 'string' && existsSync(f));
}

/** What a running simulated lab says about itself (one file per process, in `<workspace>/labs/`). */
export interface SimLabRecord {
  pid: number;
  /** Start time of the process (Linux /proc tick count), so a reused pid is not taken for the lab. */
  procStart: string | null;
  inventory: string;
  dir: string;
  /** `console --sim` or `lab sim`: shown when several are up. */
  by: string;
  startedAt: string;
}

function recordsDir(workspace: string): string {
  return join(workspace, 'labs');
}

/** Field 22 of /proc/PID/stat (start time); null where there is no /proc (macOS). */
function procStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(r: SimLabRecord): boolean {
  try {
    process.kill(r.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = procStart(r.pid);
  return (r.procStart === null || now === null || now === r.procStart) && existsSync(r.inventory);
}

/**
 * Record that this process runs a simulated lab for `workspace`; returns the function that removes
 * the record (call it when the lab closes). A record left by a killed process is ignored and swept
 * by the next reader, because its pid is gone.
 */
export function recordSimLab(workspace: string, lab: { inventory: string; dir: string; by: string }): () => void {
  const dir = recordsDir(workspace);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `sim-${process.pid}.json`);
  const rec: SimLabRecord = { pid: process.pid, procStart: procStart(process.pid), ...lab, startedAt: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(rec, null, 1)}\n`, { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

/** The simulated labs running for `workspace` (stale records removed on the way). */
export function runningSimLabs(workspace: string): SimLabRecord[] {
  const dir = recordsDir(workspace);
  if (!existsSync(dir)) return [];
  const out: SimLabRecord[] = [];
  for (const name of readdirSync(dir).filter((n) => /^sim-\d+\.json$/.test(n)).sort()) {
    const file = join(dir, name);
    let rec: SimLabRecord;
    try {
      rec = JSON.parse(readFileSync(file, 'utf8')) as SimLabRecord;
    } catch {
      continue; // being written right now, or not ours: leave it
    }
    if (alive(rec)) out.push(rec);
    else rmSync(file, { force: true });
  }
  return out;
}
