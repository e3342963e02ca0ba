/**
 * tc building block for shaping faults (bandwidth, latency, corrupt, duplicate, dependency-slow).
 * Layout, chosen so the management flow is never shaped:
 *
 *   root  htb <M>: default <fa17 | 0>         M = tcMajor(run, fault), so revert deletes only its own root
 *     class <M>:fa17 htb rate 100gbit          a pass-through class (never the bottleneck)
 *       leaf qdisc fa17: tbf|netem ...         the actual fault
 *   filter prio 1: SSH management flow -> <M>:0   ("X:0" = HTB direct queue, unshaped)
 *   filter prio 2: targets -> <M>:fa17        (targeted mode; default 0 sends the rest direct)
 *
 * Why HTB rather than the usual prio qdisc: HTB is built into virtually every kernel (prio is
 * absent on some, e.g. this project's CI VM), and HTB's direct queue gives an unshaped path.
 * Only egress is shaped (tc root); that is documented in each module's caveat.
 */
import { sh, Shell } from '../shell/index.js';
import { TC_SIG, tcMajor } from './ids.js';
import { mgmtPreamble } from './iptables-chain.js';
import { lines, script } from './shell-lib.js';
import type { FaultContext } from './types.js';

export interface ShapeTarget {
  dst: string;
  dport?: number;
  proto?: 'tcp' | 'udp';
}

export interface ShapeSpec {
  /** The interface, or ... */
  iface?: string;
  /** ... an address whose route decides the interface on the node (`ip route get`). */
  routeTo?: string;
  /** Leaf qdisc argv after `handle fa17:`, e.g. ['tbf', 'rate', '800kbit', ...]. */
  leaf: string[];
  /** When set, only these flows are shaped; otherwise all egress except the management flow. */
  targets?: ShapeTarget[];
}

/** IP protocol numbers for u32 `match ip protocol`. */
const PROTO = { tcp: 6, udp: 17 } as const;
/** A rate no NIC reaches, so the HTB class never shapes by itself; the leaf does. */
const PASS_RATE = '100gbit';
/** Sets HTB's quantum explicitly: the default (rate/r2q) overflows at 100gbit and logs a warning. */
const QUANTUM = 60000;
/** Direct-queue length in packets (the kernel default is txqueuelen, which is 0 on some virtual devices). */
const DIRECT_QLEN = 1000;

function ifaceLine(spec: ShapeSpec): Shell {
  if (spec.iface !== undefined) {
    return sh`gd_dev=${spec.iface}; ip link show dev "$gd_dev" >/dev/null 2>&1 || { echo ${`no such interface: ${spec.iface}`} >&2; exit 1; }`;
  }
  if (spec.routeTo === undefined) throw new TypeError('ShapeSpec needs iface or routeTo');
  return sh`gd_dev=$(ip -o route get ${spec.routeTo} 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n 1); [ -n "$gd_dev" ] || { echo ${`no route to ${spec.routeTo}`} >&2; exit 1; }`;
}

/** Create the tree; refuses (exit 3) when the interface already has a non-default root qdisc. */
export function shapeInject(ctx: FaultContext, spec: ShapeSpec): Shell {
  const m = tcMajor(ctx);
  const targeted = spec.targets !== undefined;
  const filters = (spec.targets ?? []).map((t) => {
    const words = ['match', 'ip', 'dst', `${t.dst}/32`];
    if (t.proto) words.push('match', 'ip', 'protocol', String(PROTO[t.proto]), '0xff');
    if (t.dport !== undefined) words.push('match', 'ip', 'dport', String(t.dport), '0xffff');
    return sh`tc filter add dev "$gd_dev" parent ${`${m}:`} protocol ip prio 2 u32 ${words} flowid ${`${m}:${TC_SIG}`} || exit 1`;
  });
  return script(
    ['gd_refuse', 'gd_mgmt', 'gd_in_cidr', 'gd_rundir'],
    // Whole-interface shaping would hit everyone: insist on knowing the flow to exempt.
    mgmtPreamble(!targeted),
    ifaceLine(spec),
    Shell.raw(`gd_root=$(tc qdisc show dev "$gd_dev" root 2>/dev/null | awk 'NR == 1 { print $2 " " $3 }')`),
    // Handle 0: is what the kernel gives its default root (pfifo_fast, fq_codel, mq, noqueue).
    Shell.raw(`case "$gd_root" in "" | *" 0:") ;; *) gd_refuse qdisc_busy "interface $gd_dev already has root qdisc $gd_root; deleting ours later would destroy it" ;; esac`),
    sh`tc qdisc add dev "$gd_dev" root handle ${`${m}:`} htb default ${targeted ? '0' : TC_SIG} direct_qlen ${DIRECT_QLEN} || exit 1`,
    sh`tc class add dev "$gd_dev" parent ${`${m}:`} classid ${`${m}:${TC_SIG}`} htb rate ${PASS_RATE} quantum ${QUANTUM} || exit 1`,
    sh`tc qdisc add dev "$gd_dev" parent ${`${m}:${TC_SIG}`} handle ${`${TC_SIG}:`} ${spec.leaf} || exit 1`,
    Shell.raw('if [ -n "$GD_MIP" ] && [ "$GD_MV6" = 0 ]; then'),
    sh`  tc filter add dev "$gd_dev" parent ${`${m}:`} protocol ip prio 1 u32 match ip dst "$GD_MIP/32" match ip protocol 6 0xff match ip sport "$GD_MSPORT" 0xffff flowid ${`${m}:0`} || exit 1`,
    Shell.raw('elif [ -n "$GD_MIP" ]; then'),
    sh`  tc filter add dev "$gd_dev" parent ${`${m}:`} protocol ipv6 prio 1 u32 match ip6 dst "$GD_MIP/128" match ip6 protocol 6 0xff match ip6 sport "$GD_MSPORT" 0xffff flowid ${`${m}:0`} || exit 1`,
    Shell.raw('fi'),
    ...filters,
    // Marker so a run-scoped cleanup can find this tree without a database.
    sh`if gd_rundir ${ctx.runId} 1; then printf '%s %s\\n' "$gd_dev" ${m} > "$GD_RUN/"${`${ctx.faultId}.tc`}; fi`,
    sh`echo "GAMEDAY tc_dev=$gd_dev tc_handle="${`${m}:`}`,
  );
}

/** Exit 0 when our root and our leaf are present on some interface. */
export function shapeVerify(ctx: FaultContext, spec: ShapeSpec): Shell {
  const m = tcMajor(ctx);
  const kind = spec.leaf[0] ?? '';
  return lines(
    sh`gd_q=$(tc qdisc show 2>/dev/null)`,
    sh`printf '%s\\n' "$gd_q" | grep -q ${`^qdisc htb ${m}: dev [^ ]* root`} || exit 1`,
    sh`printf '%s\\n' "$gd_q" | grep -q ${`^qdisc ${kind} ${TC_SIG}: dev [^ ]* parent ${m}:${TC_SIG}`} || exit 1`,
    Shell.raw('exit 0'),
  );
}

/** Idempotent: deletes our root (identified by its handle) wherever it is; exit 0 when none remains. */
export function shapeRevert(ctx: FaultContext): Shell {
  const m = tcMajor(ctx);
  const sel = `s/^qdisc htb ${m}: dev \\([^ ]*\\) root.*/\\1/p`;
  return script(
    ['gd_rundir'],
    sh`tc qdisc show 2>/dev/null | sed -n ${sel} | while IFS= read -r gd_d; do tc qdisc del dev "$gd_d" root 2>/dev/null; done`,
    sh`if gd_rundir ${ctx.runId} 0; then rm -f "$GD_RUN/"${`${ctx.faultId}.tc`}; fi`,
    sh`if tc qdisc show 2>/dev/null | grep -q ${`^qdisc htb ${m}: `}; then echo ${`tc root ${m}: still present`} >&2; exit 1; fi`,
    Shell.raw('exit 0'),
  );
}

/** Qdisc statistics (sent/dropped/overlimits) of our tree, for observe(). */
export function shapeObserve(): Shell {
  return Shell.raw('tc -s qdisc show 2>/dev/null || true');
}
