/**
 * What `{host}` becomes in a probe template for each inventory node — the address the SSH layer
 * connects to (ssh_config HostName, ansible_host, else the inventory host) — and whether this machine
 * can resolve it. For `gameday validate`: a probe aimed at an alias only ssh knows fails every sample.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { toConnectSpec } from './resolve.js';
import type { Inventory } from './schema.js';

/** One lookup may take this long before the name counts as not resolving (a dead resolver). */
const LOOKUP_TIMEOUT_MS = 3000;

async function resolves(host: string): Promise<string | undefined> {
  if (isIP(host)) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((r) => (timer = setTimeout(() => r(`no answer within ${LOOKUP_TIMEOUT_MS} ms`), LOOKUP_TIMEOUT_MS)));
  try {
    return await Promise.race([lookup(host).then(() => undefined, (e: NodeJS.ErrnoException) => `${e.code ?? 'lookup failed'}`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Per node name: its `{host}` and, when it does not resolve, why (e.g. ENOTFOUND). */
export async function probeHosts(inv: Inventory): Promise<Map<string, { host: string; error?: string }>> {
  const out = new Map<string, { host: string; error?: string }>();
  const byHost = new Map<string, Promise<string | undefined>>();
  await Promise.all(
    inv.nodes.map(async (n) => {
      let host: string;
      try {
        host = toConnectSpec(inv, n).host;
      } catch {
        host = n.host; // a broken ssh_config is reported elsewhere; judge the inventory's own host
      }
      if (!byHost.has(host)) byHost.set(host, resolves(host));
      const error = await byHost.get(host)!;
      out.set(n.name, error ? { host, error } : { host });
    }),
  );
  return out;
}
