/**
 * Host and Origin checks for every HTTP request and WebSocket upgrade. A web page on another site
 * can make the browser talk to 127.0.0.1 (CSRF, cross-site WebSocket) and a DNS-rebinding name can
 * even make it same-origin; both are refused here before the token is looked at.
 */
import { isIP } from 'node:net';

export interface GuardOptions {
  /** The port the bridge listens on (Host and Origin must name it). */
  port: number;
  /** The address the bridge is bound to. */
  bindHost: string;
  /** Bound beyond loopback on purpose (`--host`): IP-literal Host headers are accepted too. */
  allowRemote: boolean;
  /** Serving HTTPS: pages come from https:// origins (and never from http://). */
  tls?: boolean;
}

/** Names that always mean this machine. `localhost` resolves locally per RFC 6761 and cannot be rebound. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Split "host:port" (IPv6 in brackets). Returns null when malformed. */
export function splitHostPort(value: string): { host: string; port: number | null } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) return null;
  return { host: m[1]!.toLowerCase(), port: m[2] ? Number(m[2]) : null };
}

function hostAllowed(host: string, o: GuardOptions): boolean {
  if (LOOPBACK_NAMES.includes(host)) return true;
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  if (bare === o.bindHost) return true;
  // A wildcard bind answers on every address of the machine; an IP literal cannot be a rebinding
  // name, so those are accepted. Names other than localhost are not: that is the rebinding vector.
  return o.allowRemote && isIP(bare) !== 0;
}

/** Is this Host header one of ours? Refuses DNS-rebinding names like evil.example:PORT. */
export function checkHost(header: string | undefined, o: GuardOptions): boolean {
  if (!header) return false;
  const hp = splitHostPort(header);
  if (!hp || hp.port !== o.port) return false;
  return hostAllowed(hp.host, o);
}

/**
 * Origin: absent (curl, scripts — the token still applies) or exactly http(s)://<allowed host>:<port>
 * (https when the bridge serves TLS). The literal "null" (sandboxed frames, file://) is refused.
 */
export function checkOrigin(header: string | undefined, o: GuardOptions): boolean {
  if (header === undefined) return true;
  let url: URL;
  try {
    url = new URL(header);
  } catch {
    return false;
  }
  if (url.protocol !== (o.tls ? 'https:' : 'http:') || url.pathname !== '/' || url.username || url.password) return false;
  if (Number(url.port || (o.tls ? 443 : 80)) !== o.port) return false;
  return hostAllowed(url.hostname.toLowerCase(), o);
}
