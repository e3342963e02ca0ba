/**
 * `{host}`, `{name}`, `{port}` placeholders in probe URLs, addresses and commands. Values come from the
 * inventory, are validated first, then encoded for where they land: URL hosts bracketed for IPv6,
 * `{name}` percent-encoded in URLs, everything shell-quoted in commands. Other braces are left alone
 * (shell commands use them: `awk '{print $1}'`).
 */
import { isIP } from 'node:net';
import { shq } from '../shell/index.js';
import type { ProbeNode } from './types.js';

const PLACEHOLDER = /\{(host|name|port)\}/g;
/** Inventory node names (common.md). */
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** RFC 1123 host names: labels of letters, digits and inner hyphens. */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A placeholder that cannot be filled, or a value that is not what it claims to be. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export function hasPlaceholders(text: string): boolean {
  return /\{(host|name|port)\}/.test(text);
}

/** Throws TemplateError when the node's name, host or port could smuggle anything into a URL or command. */
export function validateNode(node: ProbeNode): void {
  if (!NODE_NAME.test(node.name)) throw new TemplateError(`node name "${node.name}" is not a valid inventory name`);
  if (!isIP(node.host) && !HOSTNAME.test(node.host)) throw new TemplateError(`node ${node.name}: host "${node.host}" is neither an IP address nor a host name`);
  if (!Number.isInteger(node.port) || node.port < 1 || node.port > 65535) throw new TemplateError(`node ${node.name}: port ${node.port} is not 1-65535`);
}

function fill(text: string, node: ProbeNode | undefined, enc: (key: 'host' | 'name' | 'port', node: ProbeNode) => string): string {
  if (!node) {
    if (hasPlaceholders(text)) throw new TemplateError(`"${text}" uses {host}/{name}/{port} but the probe has no target`);
    return text;
  }
  validateNode(node);
  return text.replace(PLACEHOLDER, (_m, key: 'host' | 'name' | 'port') => enc(key, node));
}

function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** Fill a URL template and parse it; only http: and https: are accepted. */
export function fillUrl(template: string, node?: ProbeNode): URL {
  const text = fill(template, node, (k, n) => (k === 'host' ? hostForUrl(n.host) : k === 'port' ? String(n.port) : encodeURIComponent(n.name)));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TemplateError(`"${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TemplateError(`"${text}": only http:// and https:// URLs can be probed`);
  return url;
}

/** Fill a `host:port` template and split it. */
export function fillAddress(template: string, node?: ProbeNode): { host: string; port: number } {
  const text = fill(template, node, (k, n) => (k === 'host' ? hostForUrl(n.host) : k === 'port' ? String(n.port) : n.name));
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  if (!m) throw new TemplateError(`"${text}" is not host:port (write [v6addr]:port for IPv6)`);
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new TemplateError(`"${text}": port must be 1-65535`);
  if (m[1] && isIP(host) !== 6) throw new TemplateError(`"${text}": [${host}] is not an IPv6 address`);
  if (!m[1] && !isIP(host) && !HOSTNAME.test(host)) throw new TemplateError(`"${text}": "${host}" is not a host name or IP address`);
  return { host, port };
}

/** Fill a (trusted) command template; substituted values are shell-quoted. */
export function fillCommand(template: string, node?: ProbeNode): string {
  return fill(template, node, (k, n) => shq(k === 'host' ? n.host : k === 'port' ? n.port : n.name));
}
