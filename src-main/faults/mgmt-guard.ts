/**
 * Static (controller-side) management-path guard. The node-side scripts also exempt the live SSH
 * flow ($SSH_CONNECTION) first in every chain; this guard refuses obviously dangerous parameters
 * before anything is sent: blocking an SSH port, or targeting a known management host.
 */
import { BlockList, isIPv4 } from 'node:net';

/** SSH listens on 22 unless the inventory says otherwise; the engine adds the ports it actually uses. */
const DEFAULT_SSH_PORTS = [22];

interface Endpoints {
  sshPorts: Set<number>;
  hosts: Set<string>;
}

const endpoints: Endpoints = { sshPorts: new Set(DEFAULT_SSH_PORTS), hosts: new Set() };

/**
 * Tell the guards which ports carry SSH on the nodes and which IPv4 addresses are management hosts
 * (the controller, bastions/jump hosts). Port 22 always stays protected.
 */
export function setManagementEndpoints(opts: { sshPorts?: number[]; hosts?: string[] }): void {
  endpoints.sshPorts = new Set([...DEFAULT_SSH_PORTS, ...(opts.sshPorts ?? [])]);
  endpoints.hosts = new Set((opts.hosts ?? []).filter((h) => isIPv4(h)));
}

/** Reason to refuse when a port is an SSH management port, else null. */
export function refuseSshPort(p: number, what = 'port'): string | null {
  return endpoints.sshPorts.has(p) ? `${what} ${p} carries SSH management traffic; blocking or shaping it would lock the console out` : null;
}

/** Does an IPv4 address or CIDR cover the given address? */
export function covers(ipOrCidr: string, addr: string): boolean {
  const [net, bits] = ipOrCidr.split('/');
  if (!net || !isIPv4(net) || !isIPv4(addr)) return false;
  const list = new BlockList();
  list.addSubnet(net, bits === undefined ? 32 : Number(bits), 'ipv4');
  return list.check(addr, 'ipv4');
}

/** Reason to refuse when any target covers a known management host, else null. */
export function refuseManagementHost(targets: string[], what = 'target'): string | null {
  for (const t of targets) {
    for (const h of endpoints.hosts) {
      if (covers(t, h)) return `${what} ${t} includes management host ${h}; the console would lose its path to the node`;
    }
  }
  return null;
}

/** First non-null reason, or null. */
export function firstReason(...reasons: Array<string | null>): string | null {
  return reasons.find((r) => r !== null) ?? null;
}
