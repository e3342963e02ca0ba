/**
 * iptables building block shared by the packet-filter faults. Each fault owns one chain
 * `GD-<faultId>`, hooked from INPUT and/or OUTPUT by a rule tagged `gameday:<runId>:<faultId>`.
 * The chain's first rules ACCEPT the live SSH management flow, so nothing after them can cut it.
 * One chain serves both hooks: `-s peer` rules only ever match inbound packets and `-d peer` rules
 * outbound ones, and `-i`/`-o` matches are only valid in their own hook.
 */
import { sh, Shell } from '../shell/index.js';
import { chainName, commentTag } from './ids.js';
import { lines, script } from './shell-lib.js';
import type { FaultContext } from './types.js';

export type Hook = 'INPUT' | 'OUTPUT';

export interface ChainSpec {
  hooks: Hook[];
  /** Rules appended after the management ACCEPTs, as iptables argv after `-A <chain>`. */
  rules: string[][];
  /** Refuse (exit 3) when no SSH management flow can be found: the fault hits "everyone". */
  needMgmt: boolean;
  /** Node-side refusal when the management client address lies inside any of these. */
  protectFrom?: string[];
  /** Node-side refusal when the SSH server port is one of these (it may not be 22 on the node). */
  protectPorts?: number[];
}

const IDS = (ctx: FaultContext) => ({ c: chainName(ctx), t: commentTag(ctx) });

/** Management detection and refusals, shared by chain and tc faults. */
export function mgmtPreamble(needMgmt: boolean, protectFrom: string[] = [], protectPorts: number[] = []): Shell {
  const need = needMgmt
    ? Shell.raw(`gd_refuse no_mgmt_flow "no SSH management flow found (SSH_CONNECTION); refusing a fault that could cut it"`)
    : Shell.raw(':');
  const checks = protectFrom.map(
    (t) => sh`if [ "$GD_MV6" = 0 ] && gd_in_cidr "$GD_MIP" ${t}; then gd_refuse mgmt_host_targeted ${`target ${t} includes the management host`}" $GD_MIP"; fi`,
  );
  const ports = protectPorts.map(
    (p) => sh`if [ "$GD_MSPORT" = ${p} ]; then gd_refuse mgmt_port_targeted ${`port ${p} is the SSH port this session came in on`}; fi`,
  );
  return lines(
    Shell.raw(`GD_MIP=; GD_MV6=0; if gd_mgmt; then :; else GD_MIP=; GD_MV6=0; ${need.text}; fi`),
    Shell.raw('if [ -n "$GD_MIP" ]; then'),
    ...checks,
    ...ports,
    Shell.raw(':; fi'),
  );
}

/** Script that creates and hooks the chain; exits non-zero on any failure (lease.ts then reverts). */
export function chainInject(ctx: FaultContext, spec: ChainSpec): Shell {
  const { c, t } = IDS(ctx);
  const accept = [
    // The exact live flow first, both directions, then any new connection from the management host
    // to the SSH port, so the console can reconnect from a new source port during the fault.
    ['-p', 'tcp', '-s', '$GD_MIP', '--sport', '$GD_MCPORT', '--dport', '$GD_MSPORT'],
    ['-p', 'tcp', '-d', '$GD_MIP', '--sport', '$GD_MSPORT', '--dport', '$GD_MCPORT'],
    ['-p', 'tcp', '-s', '$GD_MIP', '--dport', '$GD_MSPORT'],
    ['-p', 'tcp', '-d', '$GD_MIP', '--sport', '$GD_MSPORT'],
  ].map((r) => Shell.raw(`gd_ipt -A ${c} ${r.map((w) => (w.startsWith('$') ? `"${w}"` : w)).join(' ')} -j ACCEPT || exit 1`));
  return script(
    ['gd_refuse', 'gd_ipt', 'gd_mgmt', 'gd_in_cidr'],
    mgmtPreamble(spec.needMgmt, spec.protectFrom, spec.protectPorts),
    sh`gd_ipt -N ${c} 2>/dev/null || gd_ipt -F ${c} || exit 1`,
    Shell.raw('if [ -n "$GD_MIP" ] && [ "$GD_MV6" = 0 ]; then'),
    ...accept,
    Shell.raw('echo "GAMEDAY mgmt_exempt=$GD_MIP:$GD_MSPORT"; fi'),
    ...spec.rules.map((r) => sh`gd_ipt -A ${c} ${r} || exit 1`),
    ...spec.hooks.map((h) => sh`gd_ipt -C ${h} -m comment --comment ${t} -j ${c} 2>/dev/null || gd_ipt -I ${h} 1 -m comment --comment ${t} -j ${c} || exit 1`),
    sh`echo ${`GAMEDAY chain=${c}`}`,
  );
}

/** Exit 0 when every hook and every fault rule is present. */
export function chainVerify(ctx: FaultContext, spec: ChainSpec): Shell {
  const { c, t } = IDS(ctx);
  return script(
    ['gd_ipt'],
    ...spec.hooks.map((h) => sh`gd_ipt -C ${h} -m comment --comment ${t} -j ${c} 2>/dev/null || exit 1`),
    ...spec.rules.map((r) => sh`gd_ipt -C ${c} ${r} 2>/dev/null || exit 1`),
    Shell.raw('exit 0'),
  );
}

/**
 * Idempotent: removes our hooks (also ones a previous run left with the same fault id), flushes and
 * deletes the chain; exits 0 when the chain is gone, whether or not it ever existed.
 */
export function chainRevert(ctx: FaultContext): Shell {
  const { c } = IDS(ctx);
  // Hooks are found by their exact shape in one listing of the table (the hook name and the tag are
  // captured; the pattern re-validates the tag), so a revert costs a handful of iptables calls —
  // STOP runs this on every node at once.
  const sedExpr = `s/^-A \\([A-Z]*\\) -m comment --comment "\\{0,1\\}\\(gameday:[A-Za-z0-9_.-]*:[a-z0-9-]*\\)"\\{0,1\\} -j ${c}$/\\1 \\2/p`;
  return script(
    ['gd_ipt'],
    // No chain, nothing to undo: a rule cannot jump to a chain that does not exist.
    sh`gd_ipt -S ${c} >/dev/null 2>&1 || exit 0`,
    sh`gd_ipt -S 2>/dev/null | sed -n ${sedExpr} | while read -r gd_h gd_t; do gd_ipt -D "$gd_h" -m comment --comment "$gd_t" -j ${c}; done`,
    sh`gd_ipt -F ${c} 2>/dev/null; gd_ipt -X ${c} 2>/dev/null`,
    sh`if gd_ipt -S ${c} >/dev/null 2>&1; then echo ${`chain ${c} is still present (referenced elsewhere?)`} >&2; exit 1; fi`,
    Shell.raw('exit 0'),
  );
}

/** Packet/byte counters of the chain, for observe(). */
export function chainObserve(ctx: FaultContext): Shell {
  return sh`iptables -w 5 -L ${chainName(ctx)} -n -v -x 2>/dev/null || true`;
}
