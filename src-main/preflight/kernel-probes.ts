/**
 * Kernel features, probed for real rather than guessed from module lists: each probe runs in a
 * throwaway network namespace (`unshare -n`), so it touches none of the node's interfaces or
 * firewall, and the namespace vanishes when the probe exits. Trusted constant text only.
 */
export const KERNEL_PROBES: Record<string, { probe: string; unavailable: string; hint: string }> = {
  sch_netem: {
    probe: 'tc qdisc add dev lo root netem delay 1ms',
    unavailable: 'latency, jitter, corrupt and duplicate faults are unavailable: the kernel has no sch_netem',
    hint: 'install the netem module (Debian/Ubuntu: linux-modules-extra-$(uname -r); RHEL: kernel-modules-extra), or use packet loss via iptables instead',
  },
  sch_tbf: {
    probe: 'tc qdisc add dev lo root tbf rate 1mbit burst 32kbit latency 400ms',
    unavailable: 'bandwidth limits are unavailable: the kernel has no sch_tbf',
    hint: 'load sch_tbf (modprobe sch_tbf)',
  },
  sch_htb: {
    probe: 'tc qdisc add dev lo root handle 1: htb default 1',
    unavailable: 'shaping a single flow is unavailable: the kernel has no sch_htb',
    hint: 'load sch_htb (modprobe sch_htb)',
  },
  sch_prio: {
    probe: 'tc qdisc add dev lo root handle 1: prio',
    unavailable: 'the kernel has no sch_prio',
    hint: 'load sch_prio (modprobe sch_prio)',
  },
  cls_u32: {
    // Attached under htb, not prio: some kernels (this CI's) have cls_u32 but no sch_prio.
    probe: 'tc qdisc add dev lo root handle 1: htb default 1 && tc filter add dev lo parent 1: protocol ip u32 match ip dst 127.0.0.1/32 flowid 1:1',
    unavailable: 'per-destination shaping is unavailable: the kernel has no cls_u32',
    hint: 'load cls_u32 (modprobe cls_u32)',
  },
  xt_statistic: {
    probe: 'iptables -w -A OUTPUT -m statistic --mode random --probability 0.5 -j ACCEPT',
    unavailable: 'random packet loss via iptables is unavailable: no xt_statistic match',
    hint: 'load xt_statistic (modprobe xt_statistic)',
  },
  xt_comment: {
    probe: 'iptables -w -A OUTPUT -m comment --comment gdpf -j ACCEPT',
    unavailable: 'tagged firewall rules are unavailable: no xt_comment match',
    hint: 'load xt_comment (modprobe xt_comment)',
  },
  debugfs: {
    probe: '[ -d /sys/kernel/debug/dri ]',
    unavailable: 'GPU RAS injection is unavailable: debugfs (/sys/kernel/debug/dri) is not mounted',
    hint: 'mount -t debugfs none /sys/kernel/debug (needs a kernel with debugfs and a RAS-capable GPU)',
  },
};

/** The shell lines that probe the given features; prints `kernel.<name>=yes|no|unknown`. */
export function kernelProbeScript(features: string[]): string {
  return features
    .filter((f) => KERNEL_PROBES[f])
    .map((f) => {
      const p = KERNEL_PROBES[f]!;
      if (f === 'debugfs') return `if ${p.probe}; then echo kernel.${f}=yes; else echo kernel.${f}=no; fi`;
      return `if ! command -v unshare >/dev/null 2>&1; then echo kernel.${f}=unknown; elif unshare -n sh -c '${p.probe.replace(/'/g, `'\\''`)}' >/dev/null 2>&1; then echo kernel.${f}=yes; else echo kernel.${f}=no; fi`;
    })
    .join('\n');
}
