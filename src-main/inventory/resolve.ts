/**
 * Inventory node → ConnectSpec for the SSH pool, merged with ssh_config the way `ssh` would see it.
 *
 * Precedence per setting: the inventory (node, then defaults) → ssh_config → OpenSSH's default.
 * Jumps follow ProxyJump semantics: `a,b` reaches `a` with a's own jump settings, then `b` through
 * `a` (b's own jump settings are overridden, exactly as `ssh -J a,b` does), and the returned list is
 * flat, first hop first, each hop without a nested `jump`.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSshConfig, parseJumpSpec, resolveSshHost, SshConfigError, type ResolvedHost, type SshConfig } from '../ssh/index.js';
import type { ConnectSpec } from '../ssh/index.js';
import type { Inventory, InventoryNode } from './schema.js';

/** OpenSSH's own default port. */
const SSH_PORT = 22;
/** Used when neither the inventory nor ssh_config sets ConnectTimeout (OpenSSH would wait for TCP's own timeout, minutes). */
const DEFAULT_CONNECT_TIMEOUT_SEC = 10;
/** Keepalive every 5 s × 3 unanswered = a dead link noticed within ~15 s, well inside a 30 s lease TTL. */
const DEFAULT_KEEPALIVE_SEC = 5;
const DEFAULT_KEEPALIVE_COUNT = 3;
/** A chain longer than this is a ProxyJump loop in ssh_config (inventory loops are caught at load). */
const MAX_HOPS = 8;
/** Keys OpenSSH tries when none is configured, in its order (security-key and DSA types left out: ssh2 cannot use them). */
const DEFAULT_KEYS = ['id_rsa', 'id_ecdsa', 'id_ed25519'];

export interface ConnectSpecOptions {
  /** Use this parsed ssh_config instead of the inventory's `ssh.config` file. */
  sshConfig?: SshConfig;
}

/** Pool settings an inventory carries. */
export interface InventorySshOptions {
  maxSessionsPerNode: number;
  maxConcurrentHandshakes: number;
  trustOnFirstUse: boolean;
}

const EMPTY_CONFIG: SshConfig = { options: [], hosts: [], warnings: [], files: [], home: os.homedir() };
/** One parse of ssh_config per loaded inventory. */
const configCache = new WeakMap<Inventory, SshConfig>();

function configFor(inv: Inventory): SshConfig {
  if (inv.ssh.config === false) return EMPTY_CONFIG;
  let cfg = configCache.get(inv);
  if (!cfg) { cfg = loadSshConfig(inv.ssh.config); configCache.set(inv, cfg); }
  return cfg;
}

function localUser(): string {
  try { return os.userInfo().username; } catch { return process.env.USER ?? 'root'; }
}

interface Ctx { inv: Inventory; cfg: SshConfig; depth: number }

/** Fields common to nodes and string hops, from a resolved ssh_config view plus inventory values. */
function baseSpec(ctx: Ctx, name: string, r: ResolvedHost, identity: string[]): ConnectSpec {
  const { inv } = ctx;
  let identityFiles = [...new Set([...identity, ...r.identityFiles])];
  if (identityFiles.length === 0) {
    identityFiles = DEFAULT_KEYS.map((k) => path.join(ctx.cfg.home, '.ssh', k)).filter((f) => existsSync(f));
  }
  const knownHostsFiles = inv.ssh.knownHosts.length > 0 ? inv.ssh.knownHosts
    : r.userKnownHostsFiles.length > 0 ? r.userKnownHostsFiles
    : [path.join(ctx.cfg.home, '.ssh', 'known_hosts')];
  const agent = process.env.SSH_AUTH_SOCK;
  return {
    name,
    host: r.hostName,
    port: r.port ?? SSH_PORT,
    user: r.user ?? localUser(),
    identityFiles,
    ...(agent ? { agent } : {}),
    connectTimeoutMs: (inv.ssh.connectTimeout ?? r.connectTimeoutSec ?? DEFAULT_CONNECT_TIMEOUT_SEC) * 1000,
    keepaliveIntervalMs: (inv.ssh.keepaliveInterval ?? r.serverAliveIntervalSec ?? DEFAULT_KEEPALIVE_SEC) * 1000,
    keepaliveCountMax: inv.ssh.keepaliveCountMax ?? r.serverAliveCountMax ?? DEFAULT_KEEPALIVE_COUNT,
    knownHostsFiles: [...knownHostsFiles],
  };
}

function deeper(ctx: Ctx, what: string): Ctx {
  if (ctx.depth >= MAX_HOPS) throw new SshConfigError('ProxyJump', 0, `jump chain for ${what} is longer than ${MAX_HOPS} hops (a ProxyJump loop in ssh_config?)`);
  return { ...ctx, depth: ctx.depth + 1 };
}

/**
 * A hop as ConnectSpecs, first hop first. Only the first hop of a list keeps its own jump chain
 * (see the module comment); `withOwnChain` says whether this hop is that first one.
 */
function hopChain(ctx: Ctx, hop: string, withOwnChain: boolean, sshOnly: boolean): ConnectSpec[] {
  const node = sshOnly ? undefined : ctx.inv.nodes.find((n) => n.name === hop);
  const spec = node ? nodeSpec(deeper(ctx, hop), node) : stringHopSpec(deeper(ctx, hop), hop);
  const own = spec.jump ?? [];
  delete spec.jump;
  return withOwnChain ? [...own, spec] : [spec];
}

/** A full chain for a list of hops (inventory names or, with sshOnly, ssh_config ProxyJump words). */
function chain(ctx: Ctx, hops: string[], sshOnly: boolean): ConnectSpec[] {
  return hops.flatMap((h, i) => hopChain(ctx, h, i === 0, sshOnly));
}

function stringHopSpec(ctx: Ctx, hop: string): ConnectSpec {
  const p = parseJumpSpec(hop);
  const r = resolveSshHost(ctx.cfg, p.host, { ...(p.user !== undefined && { user: p.user }), ...(p.port !== undefined && { port: p.port }) });
  const spec = baseSpec(ctx, hop, r, []);
  const hops = chain(ctx, r.proxyJump, true);
  return hops.length > 0 ? { ...spec, jump: hops } : spec;
}

function nodeSpec(ctx: Ctx, node: InventoryNode): ConnectSpec {
  const r = resolveSshHost(ctx.cfg, node.host, {
    ...(node.user !== undefined && { user: node.user }),
    ...(node.port !== undefined && { port: node.port }),
  });
  const spec = baseSpec(ctx, node.name, r, node.identityFiles);
  const hops = node.jump.length > 0 ? chain(ctx, node.jump, false) : chain(ctx, r.proxyJump, true);
  return hops.length > 0 ? { ...spec, jump: hops } : spec;
}

/** How the pool reaches `node`. Throws SshConfigError when ssh_config cannot be read or parsed. */
export function toConnectSpec(inv: Inventory, node: InventoryNode, opts: ConnectSpecOptions = {}): ConnectSpec {
  return nodeSpec({ inv, cfg: opts.sshConfig ?? configFor(inv), depth: 0 }, node);
}

/** The pool-wide settings from the inventory's `ssh:` section. */
export function inventorySshOptions(inv: Inventory): InventorySshOptions {
  return {
    maxSessionsPerNode: inv.ssh.maxSessionsPerNode,
    maxConcurrentHandshakes: inv.ssh.maxConcurrentHandshakes,
    trustOnFirstUse: inv.ssh.trustOnFirstUse,
  };
}
