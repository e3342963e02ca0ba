/**
 * lab.json on disk, and discovery of labs: saved ones under a base dir plus orphan namespaces
 * (`gd-<id>-*` with no lab.json, e.g. after a crash mid bring-up).
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run } from './exec.js';
import { defaultBaseDir, LAB_ID_RE } from './plan.js';
import { LabError, type LabInfo } from './types.js';

export const LAB_JSON = 'lab.json';

/** Write lab.json atomically (a reader never sees half a file). */
export function saveLab(info: LabInfo): void {
  const path = join(info.dir, LAB_JSON);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** Read a lab.json file (path to the file or to its folder). */
export function readLab(path: string): LabInfo {
  const file = path.endsWith('.json') ? path : join(path, LAB_JSON);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new LabError('NOT_FOUND', `no lab at ${file}`);
  }
  const info = JSON.parse(text) as LabInfo;
  if (typeof info.id !== 'string' || !Array.isArray(info.nodes)) throw new LabError('NOT_FOUND', `${file} is not a lab.json`);
  return info;
}

/** Labs saved under `baseDir` (default: env GAMEDAY_LAB_DIR or /tmp/gameday-labs). */
export function savedLabs(baseDir: string = defaultBaseDir()): LabInfo[] {
  const base = resolve(baseDir);
  if (!existsSync(base)) return [];
  const out: LabInfo[] = [];
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    if (!entry.isDirectory() || !LAB_ID_RE.test(entry.name)) continue;
    try {
      out.push(readLab(join(base, entry.name)));
    } catch {
      // a folder without lab.json is not a lab (or was half-removed); orphan namespaces still show up
    }
  }
  return out;
}

/** All network namespaces whose name starts with `prefix`. */
export async function namespacesWithPrefix(prefix: string): Promise<string[]> {
  const res = await run('ip', ['netns', 'list'], { allowFail: true });
  return res.stdout
    .split('\n')
    .map((line) => line.split(/\s+/)[0] ?? '')
    .filter((ns) => ns.startsWith(prefix));
}

/** Lab ids that own at least one `gd-<id>-*` namespace. */
export async function namespaceLabIds(): Promise<Map<string, string[]>> {
  const byId = new Map<string, string[]>();
  for (const ns of await namespacesWithPrefix('gd-')) {
    const m = /^gd-([a-z0-9]{5})-/.exec(ns);
    if (!m?.[1]) continue;
    byId.set(m[1], [...(byId.get(m[1]) ?? []), ns]);
  }
  return byId;
}

/** Resolve `labDown`/`labStatus`' argument: a LabInfo, a lab.json path, a lab dir, or an id. */
export function resolveLab(idOrInfo: string | LabInfo, baseDir: string = defaultBaseDir()): { id: string; info: LabInfo | null } {
  if (typeof idOrInfo !== 'string') return { id: idOrInfo.id, info: idOrInfo };
  if (idOrInfo.includes('/')) {
    const info = readLab(idOrInfo);
    return { id: info.id, info };
  }
  if (!LAB_ID_RE.test(idOrInfo)) throw new LabError('BAD_OPTIONS', `not a lab id: ${JSON.stringify(idOrInfo)}`);
  const dir = join(resolve(baseDir), idOrInfo);
  return { id: idOrInfo, info: existsSync(join(dir, LAB_JSON)) ? readLab(dir) : null };
}
