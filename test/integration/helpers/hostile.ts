/**
 * Hostile inputs for fault parameters, valid base parameters per fault kind, and a look into a
 * module's zod schema (which keys exist, which take strings). Each hostile string carries a canary
 * path: if any shell on a node ever runs part of it, the canary file appears.
 */
import type { FaultModule } from '../../../src-main/faults/types.js';

/** Shell metacharacter attacks plus quoting breakers, unicode and a leading dash, each touching `canary`. */
export function hostileStrings(canary: string): string[] {
  return [
    `; touch ${canary}`,
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `x\ntouch ${canary}`,
    `'; touch ${canary}; '`,
    `"; touch ${canary}; "`,
    `| touch ${canary}`,
    `&& touch ${canary}`,
    `-oProxyCommand=touch ${canary}`,
    `ünï\u202ecødé$(touch ${canary})`,
  ];
}

/**
 * The subset run live on nodes (each case costs two SSH execs): one of each mechanism — command
 * separator, command substitution (both spellings), newline, single-quote breakout, leading dash.
 */
export function liveHostileStrings(canary: string): string[] {
  const all = hostileStrings(canary);
  return [all[0]!, all[1]!, all[2]!, all[3]!, all[4]!, all[8]!];
}

/** Schema-only extras: a NUL byte (no shell argument can carry one) and an over-long string. */
export function schemaOnlyHostile(canary: string): string[] {
  return [`eth0\u0000; touch ${canary}`, `${'a'.repeat(5000)}$(touch ${canary})`];
}

/** Minimal zod v4 introspection types (def.type and the fields we walk). */
interface ZNode {
  def: { type: string; innerType?: ZNode; element?: ZNode; options?: ZNode[]; values?: unknown[] };
  shape?: Record<string, ZNode>;
}

/** The parameter keys of a module (its strict object's shape). */
export function paramKeys(mod: FaultModule): string[] {
  const shape = (mod.params as unknown as ZNode).shape;
  if (!shape) throw new Error(`${mod.id}: params is not an object schema`);
  return Object.keys(shape);
}

/** How a key's value is shaped once optional/default wrappers are peeled: 'string', 'array' (of strings), or 'other'. */
export function keyKind(mod: FaultModule, key: string): 'string' | 'array' | 'other' {
  const stringy = (n: ZNode | undefined): boolean => {
    if (!n) return false;
    const t = n.def.type;
    if (t === 'optional' || t === 'default' || t === 'nullable' || t === 'readonly') return stringy(n.def.innerType);
    if (t === 'string' || t === 'enum') return true;
    if (t === 'literal') return (n.def.values ?? []).some((v) => typeof v === 'string');
    if (t === 'union') return (n.def.options ?? []).some(stringy);
    return false;
  };
  let n = (mod.params as unknown as ZNode).shape?.[key];
  while (n && ['optional', 'default', 'nullable', 'readonly'].includes(n.def.type)) n = n.def.innerType;
  if (n?.def.type === 'array') return stringy(n.def.element) ? 'array' : 'other';
  return stringy(n) ? 'string' : 'other';
}

/**
 * Parameters that make each kind valid on top of its medium preset. Lab addresses and a pid are
 * filled in by the test; a kind missing here fails the test, so a new fault gets fuzzed too.
 */
export function baseParams(kind: string, env: { peerIp: string; pid: number; dir: string }): Record<string, unknown> | undefined {
  const table: Record<string, Record<string, unknown>> = {
    'network-loss': { percent: 5 },
    'network-partition': { peers: [env.peerIp] },
    'network-bandwidth': { iface: 'eth0', rateKbit: 50_000 },
    'network-latency': { iface: 'eth0', delayMs: 10 },
    'network-corrupt': { iface: 'eth0', percent: 1 },
    'network-duplicate': { iface: 'eth0', percent: 1 },
    'dns-failure': { servers: [env.peerIp] },
    'port-block': { port: 8080 },
    'dependency-block': { host: env.peerIp, port: 8080 },
    'dependency-slow': { host: env.peerIp, port: 8080, rateKbit: 50_000 },
    'cpu-stress': { workers: 1, loadPercent: 5 },
    'memory-pressure': { percent: 1 },
    'io-stress': { mode: 'hdd', workers: 1, path: env.dir, hddMb: 1 },
    'disk-fill': { path: env.dir, targetPercent: 1 },
    'process-kill': { pid: env.pid, signal: 'USR1' },
    'process-pause': { pid: env.pid },
    'service-stop': { unit: 'cron.service' },
    'clock-skew': { offsetSec: 30 },
    'gpu-clock-limit': { maxMHz: 900 },
    'gpu-dcgm-inject': { field: 230, value: 48 },
    'gpu-fan': { percent: 40 },
    'gpu-kill-processes': { graceSec: 1 },
    'gpu-perf-level': { level: 'low' },
    'gpu-power-cap': { percent: 60 },
    'gpu-ras-inject': { device: 0, block: 'gfx', error: 'ce' },
    'gpu-reset': { device: 0 },
  };
  return table[kind];
}
