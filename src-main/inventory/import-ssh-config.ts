/**
 * ~/.ssh/config → gameday inventory document: each concrete `Host` alias becomes a node with the
 * values ssh would use for it written out, so the file also works with `ssh.config: false`.
 * ProxyJump hops that are themselves imported aliases become node-name jumps.
 */
import { listConcreteHosts, parseJumpSpec, resolveSshHost, type SshConfig } from '../ssh/index.js';
import { NAME_RE, type InventoryDoc, type NodeDoc } from './schema.js';

/** Aliases that are not valid node names get their odd characters replaced. */
function nodeNameFor(alias: string): string | undefined {
  const n = alias.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return NAME_RE.test(n) ? n : undefined;
}

/** Build an inventory document from the concrete hosts of a parsed ssh_config. */
export function importFromSshConfig(cfg: SshConfig): InventoryDoc {
  const names = new Map<string, string>();
  for (const alias of listConcreteHosts(cfg)) {
    const n = nodeNameFor(alias);
    if (n !== undefined && ![...names.values()].includes(n)) names.set(alias, n);
  }
  const nodes: NodeDoc[] = [...names].map(([alias, name]) => {
    const r = resolveSshHost(cfg, alias);
    const node: NodeDoc = { name, host: r.hostName };
    if (r.port !== undefined) node.port = r.port;
    if (r.user !== undefined) node.user = r.user;
    if (r.identityFiles.length > 0) node.identity = r.identityFiles.length === 1 ? r.identityFiles[0]! : r.identityFiles;
    const hops = r.proxyJump.map((hop) => {
      const known = names.get(hop);
      if (known !== undefined) return known;
      // A hop outside the import stays an ssh target; the explicit form marks it as not a node.
      const p = parseJumpSpec(hop);
      return /[@:]/.test(hop) ? hop : `${p.host}:${resolveSshHost(cfg, p.host).port ?? 22}`;
    });
    if (hops.length > 0) node.jump = hops.length === 1 ? hops[0]! : hops;
    return node;
  });
  return { version: 1, nodes };
}
