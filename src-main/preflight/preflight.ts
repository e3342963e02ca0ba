import type { FaultModule } from '../faults/index.js';
import type { FaultTarget } from '../faults/index.js';
import { SshError, type SshPool } from '../ssh/index.js';
import { Shell } from '../shell/index.js';
import { FACTS_SCRIPT, parseFacts, type NodeFacts } from './facts.js';
import { KERNEL_PROBES, kernelProbeScript } from './kernel-probes.js';

export interface PreflightItem {
  target: FaultTarget;
  module: FaultModule;
}

export interface PreflightCheck {
  id: string;
  ok: boolean;
  /** A failing required check blocks the run; a failing optional one is a warning. */
  required: boolean;
  message: string;
  hint?: string;
}

export interface PreflightCell {
  node: string;
  fault: string;
  ok: boolean;
  checks: PreflightCheck[];
}

export interface PreflightNode {
  node: string;
  reachable: boolean;
  facts?: NodeFacts;
  kernel: Record<string, 'yes' | 'no' | 'unknown'>;
  gpus: { amd: number; nvidia: number };
  rootFreePct?: number;
  error?: { code: string; message: string; hint?: string };
}

export interface PreflightReport {
  ok: boolean;
  nodes: PreflightNode[];
  cells: PreflightCell[];
}

/** Above this many seconds of clock offset, console and node timelines no longer line up in reports. */
const MAX_CLOCK_OFFSET_SEC = 2;
/** Below this much free space on /, the node is close to trouble even before any disk fault. */
const MIN_ROOT_FREE_PCT = 10;

/** The one read-only exec per node: facts, the extra tools, kernel probes, GPU devices, disk. */
function nodeScript(tools: string[], kernel: string[]): Shell {
  const toolLines = tools.map((t) => `p=$(command -v ${t} 2>/dev/null) || p=; echo "tool.${t}=$p"`).join('\n');
  return Shell.raw(
    [
      FACTS_SCRIPT.text,
      toolLines,
      kernelProbeScript(kernel),
      'echo "gpu.amd=$( (rocm-smi --showid --json 2>/dev/null || true) | grep -o \'"card[0-9]*"\' | sort -u | wc -l)"',
      'echo "gpu.nvidia=$( (nvidia-smi -L 2>/dev/null || true) | grep -c \'^GPU \')"',
      'df -P / 2>/dev/null | awk \'NR==2 { sub("%", "", $5); print "disk.rootused=" $5 }\'',
    ].join('\n'),
  );
}

const SAFE_TOOL = /^[A-Za-z0-9._+-]+$/;

/**
 * For every (node, fault) a scenario needs: tools, root or sudo -n, kernel features, GPU tool and
 * devices, disk headroom and clock offset. One read-only exec per node; nothing is changed.
 */
export async function runPreflight(pool: SshPool, items: PreflightItem[]): Promise<PreflightReport> {
  const byNode = new Map<string, PreflightItem[]>();
  for (const it of items) byNode.set(it.target.name, [...(byNode.get(it.target.name) ?? []), it]);

  const nodes = await Promise.all(
    [...byNode.entries()].map(async ([name, its]): Promise<PreflightNode> => {
      const spec = its[0]!.target.spec;
      const tools = [...new Set(its.flatMap((i) => i.module.requires.tools.flatMap((t) => t.split('|'))))].filter((t) => SAFE_TOOL.test(t));
      const kernel = [...new Set(its.flatMap((i) => i.module.requires.kernel ?? []))];
      const needRoot = its.some((i) => i.module.requires.root);
      const script = nodeScript(tools, kernel);
      const run = async (sudo: boolean) => {
        const sent = Date.now();
        const r = await pool.exec(spec, script, { sudo, timeoutMs: 30_000 });
        return { r, sent, got: Date.now() };
      };
      try {
        let res;
        try {
          res = await run(needRoot);
        } catch (e) {
          if ((e as SshError).code !== 'SUDO_NEEDS_PASSWORD') throw e;
          res = await run(false); // facts still readable; root checks will fail with the reason
        }
        const facts = parseFacts(res.r.stdout, res.sent, res.got);
        const kv = new Map(res.r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
        for (const t of tools) facts.tools[t] = kv.get(`tool.${t}`) || null;
        const k: PreflightNode['kernel'] = {};
        for (const f of kernel) k[f] = (kv.get(`kernel.${f}`) as 'yes' | 'no' | undefined) ?? 'unknown';
        const used = Number(kv.get('disk.rootused'));
        return { node: name, reachable: true, facts, kernel: k, gpus: { amd: Number(kv.get('gpu.amd') ?? 0), nvidia: Number(kv.get('gpu.nvidia') ?? 0) }, rootFreePct: Number.isFinite(used) ? 100 - used : undefined };
      } catch (e) {
        const err = e instanceof SshError ? e.toJSON() : { code: 'UNKNOWN', message: String(e) };
        return { node: name, reachable: false, kernel: {}, gpus: { amd: 0, nvidia: 0 }, error: err };
      }
    }),
  );
  const nodeOf = new Map(nodes.map((n) => [n.node, n]));
  const cells = items.map((it) => evaluate(it, nodeOf.get(it.target.name)!));
  return { ok: cells.every((c) => c.ok), nodes, cells };
}

function evaluate(it: PreflightItem, n: PreflightNode): PreflightCell {
  const mod = it.module;
  const checks: PreflightCheck[] = [];
  const add = (c: PreflightCheck) => checks.push(c);
  if (!n.reachable || !n.facts) {
    add({ id: 'reachable', ok: false, required: true, message: n.error?.message ?? 'unreachable', hint: n.error?.hint });
    return { node: n.node, fault: mod.id, ok: false, checks };
  }
  const f = n.facts;
  add({ id: 'reachable', ok: true, required: true, message: `${f.os}, kernel ${f.kernel}` });
  if (mod.requires.root)
    add({
      id: 'root',
      ok: f.privilege !== 'none',
      required: true,
      message: f.privilege === 'none' ? `${f.user} is not root and sudo -n is refused` : f.privilege === 'root' ? 'root' : 'root via sudo -n',
      hint: f.privilege === 'none' ? `allow passwordless sudo for ${f.user} (NOPASSWD), or log in as root` : undefined,
    });
  for (const t of mod.requires.tools) {
    const alts = t.split('|');
    const found = alts.find((a) => f.tools[a]);
    add({ id: `tool:${t}`, ok: Boolean(found), required: true, message: found ? `${found}: ${f.tools[found]}` : `${alts.join(' or ')} not found`, hint: found ? undefined : `install ${alts.join(' or ')} on ${n.node}` });
  }
  for (const k of mod.requires.kernel ?? []) {
    const st = n.kernel[k] ?? 'unknown';
    const p = KERNEL_PROBES[k];
    add({ id: `kernel:${k}`, ok: st === 'yes', required: true, message: st === 'yes' ? `${k} available` : st === 'no' ? `${p?.unavailable ?? `${k} missing`} on ${n.node}` : `${k}: could not probe (no unshare, or no root)`, hint: st === 'yes' ? undefined : p?.hint });
  }
  if (mod.requires.gpu) {
    const count = n.gpus[mod.requires.gpu];
    add({ id: `gpu:${mod.requires.gpu}`, ok: count > 0, required: true, message: count > 0 ? `${count} ${mod.requires.gpu.toUpperCase()} GPU(s)` : `no ${mod.requires.gpu.toUpperCase()} GPU found on ${n.node}`, hint: count > 0 ? undefined : 'check the driver and the vendor tool (rocm-smi / nvidia-smi)' });
  }
  if (mod.requires.systemd)
    add({ id: 'systemd', ok: f.systemd, required: true, message: f.systemd ? 'systemd is PID 1' : `service faults are not supported on ${n.node}: no systemd`, hint: f.systemd ? undefined : 'use process-kill or process-pause instead' });
  add({ id: 'lease', ok: Boolean(f.tools.setsid), required: !mod.oneShot, message: f.tools.setsid ? 'setsid present (dead-man lease watchdog)' : 'setsid missing: the dead-man lease cannot be armed', hint: f.tools.setsid ? undefined : 'install util-linux' });
  if (n.rootFreePct !== undefined)
    add({ id: 'disk', ok: n.rootFreePct >= MIN_ROOT_FREE_PCT, required: false, message: `${n.rootFreePct}% free on /`, hint: n.rootFreePct >= MIN_ROOT_FREE_PCT ? undefined : 'the node is already short of disk space' });
  const off = f.clockOffsetSec;
  add({ id: 'clock', ok: Number.isFinite(off) && Math.abs(off) <= MAX_CLOCK_OFFSET_SEC, required: false, message: Number.isFinite(off) ? `clock offset ${off >= 0 ? '+' : ''}${off.toFixed(2)} s` : 'clock offset unknown', hint: Math.abs(off) > MAX_CLOCK_OFFSET_SEC ? 'sync the clocks (NTP); report timelines will be shifted' : undefined });
  return { node: n.node, fault: mod.id, ok: checks.every((c) => c.ok || !c.required), checks };
}
