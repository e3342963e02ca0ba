/**
 * What labs exist and whether their nodes are healthy: saved labs (lab.json) plus orphan
 * namespaces left by a lab whose folder is gone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultBaseDir, nodeDir } from './plan.js';
import { namespaceLabIds, resolveLab, savedLabs } from './store.js';
import type { LabInfo, LabStatus } from './types.js';

/** True when the pid in `file` is a live process whose command line names `mustContain`. */
function pidFileAlive(file: string, mustContain: string): boolean {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(mustContain);
  } catch {
    return false;
  }
}

function statusOf(info: LabInfo, namespaces: string[]): LabStatus {
  const present = new Set(namespaces);
  const nodes = info.nodes.map((n) => {
    const dir = nodeDir(info.dir, n.name);
    return {
      name: n.name,
      ip: n.ip,
      nsExists: present.has(n.ns),
      sshdRunning: pidFileAlive(join(dir, 'sshd.pid'), dir),
      httpRunning: pidFileAlive(join(dir, 'http.pid'), dir),
    };
  });
  const healthy = nodes.every((n) => n.nsExists && n.sshdRunning && n.httpRunning);
  const state = info.state === 'creating' ? 'creating' : healthy ? 'up' : 'degraded';
  return { id: info.id, dir: info.dir, state, subnet: info.subnet, nodes, namespaces };
}

/**
 * Every lab on the host: those saved under `baseDir` (default env GAMEDAY_LAB_DIR or
 * /tmp/gameday-labs) and, as `orphan`, any `gd-<id>-*` namespaces with no lab.json there.
 */
export async function listLabs(baseDir: string = defaultBaseDir()): Promise<LabStatus[]> {
  const byId = await namespaceLabIds();
  const out = savedLabs(baseDir).map((info) => statusOf(info, byId.get(info.id) ?? []));
  const known = new Set(out.map((s) => s.id));
  for (const [id, namespaces] of byId) {
    if (!known.has(id)) out.push({ id, dir: null, state: 'orphan', subnet: null, nodes: [], namespaces });
  }
  return out;
}

/** Status of one lab (by id, lab dir, lab.json path or LabInfo), or of all labs when no id is given. */
export async function labStatus(idOrInfo?: string | LabInfo, baseDir: string = defaultBaseDir()): Promise<LabStatus[]> {
  if (idOrInfo === undefined) return listLabs(baseDir);
  const { id, info } = resolveLab(idOrInfo, baseDir);
  const namespaces = (await namespaceLabIds()).get(id) ?? [];
  if (info) return [statusOf(info, namespaces)];
  return namespaces.length > 0 ? [{ id, dir: null, state: 'orphan', subnet: null, nodes: [], namespaces }] : [];
}
