/**
 * The simulated-node tools one by one: output formats and exit codes as the real tools give them
 * (iptables v1.8.9 nf_tables and iproute2 on Debian 12, captured on this project's CI machine), the
 * packet walk, preflight's facts and kernel probes, path mapping, and the confinement of kill/pkill
 * to the node's own processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInject, cleanupAll, getFault, parseStatus, parseTraces, resolveParams, scanTraces, sweepCompleted } from '../../src-main/faults/index.js';
import { FACTS_SCRIPT, parseFacts } from '../../src-main/preflight/facts.js';
import { KERNEL_PROBES, kernelProbeScript } from '../../src-main/preflight/kernel-probes.js';
import { sandboxPaths } from '../../src-main/lab/sim/layout.js';
import { localLab, type LocalLab, type LocalNode } from '../../src-main/lab/sim/local-node.js';
import { verdict, type IptablesState } from '../../src-main/lab/sim/tools/lib/packet.mjs';
import { seededRandom } from '../../src-main/lab/sim/plan.js';
import { isRunning } from '../helpers/ssh-server.js';

let dir: string;
let lab: LocalLab;
const nodes: LocalNode[] = [];
const boot = (name: string, extra: Record<string, unknown> = {}) => {
  const n = lab.node({ name, role: 'api', ...extra }, { ip: '127.150.0.11', client: { ip: '127.0.0.1', port: 41000 } });
  nodes.push(n);
  return n;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gd-simlab-tools-'));
  lab = await localLab(dir);
});
afterAll(() => {
  for (const n of nodes) n.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('iptables', () => {
  it('prints -S exactly like iptables 1.8.9 for the rule shapes the faults use', async () => {
    const n = boot('ipt1');
    const r = await n.run(`set -e
iptables -w 5 -N GD-f1
iptables -w 5 -A GD-f1 -p tcp -s 127.0.0.1 --sport 5555 --dport 22 -j ACCEPT
iptables -w 5 -A GD-f1 -p tcp -d 127.0.0.1 --sport 22 --dport 5555 -j ACCEPT
iptables -w 5 -A GD-f1 -i lo -j RETURN
iptables -w 5 -A GD-f1 -o lo -j RETURN
iptables -w 5 -A GD-f1 -j DROP
iptables -w 5 -A GD-f1 -m statistic --mode random --probability 0.2000 -j DROP
iptables -w 5 -A GD-f1 -d 10.0.0.1/32 -p tcp --dport 6432 -j REJECT --reject-with tcp-reset
iptables -w 5 -A GD-f1 -p udp --dport 53 -j REJECT
iptables -w 5 -A GD-f1 -s 10.0.0.0/8 -j REJECT
iptables -w 5 -I INPUT 1 -m comment --comment gameday:run1:f1 -j GD-f1
iptables -w 5 -I OUTPUT 1 -m comment --comment "has space" -j GD-f1
iptables -S`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-N GD-f1
-A INPUT -m comment --comment "gameday:run1:f1" -j GD-f1
-A OUTPUT -m comment --comment "has space" -j GD-f1
-A GD-f1 -s 127.0.0.1/32 -p tcp -m tcp --sport 5555 --dport 22 -j ACCEPT
-A GD-f1 -d 127.0.0.1/32 -p tcp -m tcp --sport 22 --dport 5555 -j ACCEPT
-A GD-f1 -i lo -j RETURN
-A GD-f1 -o lo -j RETURN
-A GD-f1 -j DROP
-A GD-f1 -m statistic --mode random --probability 0.20000000019 -j DROP
-A GD-f1 -d 10.0.0.1/32 -p tcp -m tcp --dport 6432 -j REJECT --reject-with tcp-reset
-A GD-f1 -p udp -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable
-A GD-f1 -s 10.0.0.0/8 -j REJECT --reject-with icmp-port-unreachable
`);
  });

  it('keeps match order, canonicalises masks and protocols like the real tool', async () => {
    const n = boot('ipt2');
    const r = await n.run(`iptables -A INPUT -p tcp -m comment --comment x --dport 22 -j ACCEPT
iptables -A INPUT -p tcp --dport 22 -m comment --comment "y z" -j ACCEPT
iptables -A INPUT -s 1.2.3.4 -d 5.6.7.8 -i eth0 -p udp --sport 5 -j RETURN
iptables -A OUTPUT -d 10.1.2.3/255.255.0.0 -j ACCEPT
iptables -A OUTPUT -p 6 -j ACCEPT
iptables -A OUTPUT -p icmp --icmp-type destination-unreachable -j RETURN
iptables -S INPUT; iptables -S OUTPUT`);
    expect(r.stdout).toBe(`-P INPUT ACCEPT
-A INPUT -p tcp -m comment --comment x -m tcp --dport 22 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "y z" -j ACCEPT
-A INPUT -s 1.2.3.4/32 -d 5.6.7.8/32 -i eth0 -p udp -m udp --sport 5 -j RETURN
-P OUTPUT ACCEPT
-A OUTPUT -d 10.1.0.0/16 -j ACCEPT
-A OUTPUT -p tcp -j ACCEPT
-A OUTPUT -p icmp -m icmp --icmp-type 3 -j RETURN
`);
  });

  it('fails with the real exit codes and messages', async () => {
    const n = boot('ipt3');
    const code = async (c: string) => {
      const r = await n.run(c);
      return `${r.code} ${r.stderr.trim().split('\n')[0]}`;
    };
    expect(await code('iptables -N A && iptables -N A')).toBe('1 iptables: Chain already exists.');
    expect(await code('iptables -A A -j DROP && iptables -X A')).toBe('4 iptables v1.8.9 (nf_tables):  CHAIN_DEL failed (Device or resource busy): chain A');
    expect(await code('iptables -D INPUT -j DROP')).toBe('1 iptables: Bad rule (does a matching rule exist in that chain?).');
    expect(await code('iptables -C INPUT -j ACCEPT')).toBe('1 iptables: Bad rule (does a matching rule exist in that chain?).');
    expect(await code('iptables -S NOPE')).toBe('1 iptables: No chain/target/match by that name.');
    expect(await code('iptables -A INPUT -j NOPE')).toBe("2 iptables v1.8.9 (nf_tables): Chain 'NOPE' does not exist");
    expect(await code('iptables -I INPUT 5 -j DROP')).toBe('1 iptables: Index of insertion too big.');
    expect(await code('iptables -A INPUT -o eth0 -j ACCEPT')).toBe("2 iptables v1.8.9 (nf_tables): Can't use -o with INPUT");
    expect(await code('iptables --bogus')).toBe('2 iptables v1.8.9 (nf_tables): unknown option "--bogus"');
    expect(await code('iptables -t nat -S')).toMatch(/^3 .*Table does not exist/);
    // A failed command changes nothing.
    expect((await n.run('iptables -S INPUT')).stdout).toBe('-P INPUT ACCEPT\n');
  });

  it('walks chains like the kernel: jumps, RETURN, policy, statistic with a seeded draw', () => {
    const t = {
      chains: {
        INPUT: { policy: 'ACCEPT', rules: [{ matches: [{ m: 'comment', comment: 'x' }], j: 'GD-a' }] },
        OUTPUT: { policy: 'ACCEPT', rules: [{ matches: [{ m: 'statistic', prob: 0x80000000 / 4 }], j: 'DROP' }] },
        'GD-a': { rules: [{ s: '127.0.0.1/32', p: 'tcp', matches: [{ m: 'tcp', dport: '2222' }], j: 'ACCEPT' }, { i: 'lo', matches: [], j: 'RETURN' }, { matches: [], j: 'DROP' }] },
      },
    } as IptablesState;
    const pkt = (dport: number, inIf = 'eth0') => ({ proto: 'tcp' as const, src: '127.0.0.1', dst: '127.150.0.11', sport: 50000, dport, inIf });
    expect(verdict(t, 'INPUT', pkt(2222)).verdict).toBe('ACCEPT');
    expect(verdict(t, 'INPUT', pkt(8080))).toEqual({ verdict: 'DROP', rule: 'GD-a#3', random: false });
    expect(verdict(t, 'INPUT', pkt(8080, 'lo')).verdict).toBe('ACCEPT');
    const rand = seededRandom(7, 'loss');
    let drops = 0;
    for (let i = 0; i < 4000; i++) if (verdict(t, 'OUTPUT', pkt(8080), rand).verdict === 'DROP') drops++;
    expect(drops / 4000).toBeGreaterThan(0.22);
    expect(drops / 4000).toBeLessThan(0.28);
  });
});

describe('tc and ip', () => {
  it('shows qdiscs, classes and JSON like iproute2', async () => {
    const n = boot('tc1');
    const r = await n.run(`set -e
tc qdisc show dev eth0 root
tc qdisc add dev eth0 root handle 1a2b: htb default fa17 direct_qlen 1000
tc class add dev eth0 parent 1a2b: classid 1a2b:fa17 htb rate 100gbit quantum 60000
tc qdisc add dev eth0 parent 1a2b:fa17 handle fa17: tbf rate 800kbit burst 3200 latency 200ms
tc filter add dev eth0 parent 1a2b: protocol ip prio 1 u32 match ip dst 127.0.0.1/32 match ip protocol 6 0xff match ip sport 22 0xffff flowid 1a2b:0
tc qdisc show
tc class show dev eth0
tc -j qdisc show dev lo`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`qdisc fq_codel 0: root refcnt 2 limit 10240p flows 1024 quantum 1514 target 5ms interval 100ms memory_limit 32Mb ecn drop_batch 64
qdisc noqueue 0: dev lo root refcnt 2 
qdisc htb 1a2b: dev eth0 root refcnt 3 r2q 10 default 0xfa17 direct_packets_stat 0 direct_qlen 1000
qdisc tbf fa17: dev eth0 parent 1a2b:fa17 rate 800Kbit burst 3200b lat 200ms 
class htb 1a2b:fa17 root leaf fa17: prio 0 rate 100Gbit ceil 100Gbit burst 0b cburst 0b 
class tbf fa17:1 parent fa17: 
[{"kind":"noqueue","handle":"0:","dev":"lo","root":true,"refcnt":2,"options":{}}]
`);
    const again = await n.run('tc qdisc add dev eth0 root handle 1: htb; echo rc=$?; tc qdisc del dev eth0 root; echo del=$?; tc qdisc del dev eth0 root; echo del2=$?; tc qdisc add dev nope root handle 1: htb; echo nodev=$?');
    expect(again.stdout).toBe('rc=2\ndel=0\ndel2=2\nnodev=1\n');
    expect(again.stderr).toBe('Error: NLM_F_REPLACE needed to override.\nError: Cannot delete qdisc with handle of zero.\nCannot find device "nope"\n');
  });

  it('routes the lab /24 through eth0 and loopback through lo; refuses to change the network', async () => {
    const n = boot('ip1');
    const r = await n.run('ip -o route get 127.150.0.12; ip -o route get 127.0.0.1; ip link show dev eth0 >/dev/null && echo link; ip addr add 1.2.3.4/24 dev eth0; echo add=$?');
    expect(r.stdout).toBe('127.150.0.12 dev eth0 src 127.150.0.11 uid 0 \\    cache \nlocal 127.0.0.1 dev lo src 127.0.0.1 uid 0 \\    cache <local> \nlink\nadd=2\n');
    const refused = await n.run('sysctl -w net.ipv4.ip_forward=1; echo rc=$?; mount -t tmpfs x /mnt; echo rc=$?');
    expect(refused.stdout).toBe('rc=1\nrc=1\n');
  });
});

describe('preflight against a simulated node', () => {
  it('facts: simulated root, tools on PATH, systemd, the node name', async () => {
    const n = boot('pf1');
    const t0 = Date.now();
    const r = await n.run(FACTS_SCRIPT);
    const f = parseFacts(r.stdout, t0, Date.now());
    expect(f).toMatchObject({ uid: 0, user: 'root', privilege: 'root', hostname: 'pf1', systemd: true });
    for (const t of ['tc', 'iptables', 'nft', 'stress-ng', 'rocm-smi', 'systemctl', 'pkill', 'sudo']) expect(f.tools[t], t).toBe(join(lab.lab.bin, t));
    expect(f.tools.setsid).toMatch(/setsid$/);
    expect(Math.abs(f.clockOffsetSec)).toBeLessThan(2);
  });

  it('kernel probes: every feature present, except those the node is set to lack', async () => {
    const feats = Object.keys(KERNEL_PROBES).filter((k) => k !== 'debugfs');
    const parse = (s: string) => Object.fromEntries(s.trim().split('\n').map((l) => l.replace(/^kernel\./, '').split('=')));
    const full = parse((await boot('pf2').run(kernelProbeScript(feats))).stdout);
    expect(full).toEqual(Object.fromEntries(feats.map((f) => [f, 'yes'])));
    const lacking = boot('pf3', { kernelMissing: ['sch_netem', 'xt_statistic'] });
    const part = parse((await lacking.run(kernelProbeScript(feats))).stdout);
    expect(part).toMatchObject({ sch_netem: 'no', xt_statistic: 'no', sch_tbf: 'yes', xt_comment: 'yes' });
    // The probes ran in a throwaway namespace: the node's own tables are untouched.
    expect((await lacking.run('iptables -S; tc qdisc show dev lo')).stdout).toBe('-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\nqdisc noqueue 0: root refcnt 2 \n');
  });
});

describe('path mapping', () => {
  it('maps whole path words only', () => {
    const lay = { root: '/R', state: '/S', home: '/H', tmp: '/T', data: '/D' };
    const labL = { bin: '/B' } as Parameters<typeof sandboxPaths>[2];
    expect(sandboxPaths('ls /run/gameday/x "/tmp/gameday"/y /tmp/gameday-labs /usr/bin/sh /bin/sh -c; cat /proc/loadavg /var/lib/gameday-lab/data', lay, labL))
      .toBe('ls /R/run/gameday/x "/R/tmp/gameday"/y /tmp/gameday-labs /usr/bin/sh /B/sh -c; cat /R/proc/loadavg /R/var/lib/gameday-lab/data');
  });

  it('every shell a node starts has the confined kill', async () => {
    const n = boot('sh1');
    const r = await n.run(`printf 'command -v kill\\n' > f.sh
sh -c 'command -v kill'; sh f.sh; sh -ec 'command -v kill'; /bin/sh -c 'command -v kill'; echo 'command -v kill' | sh`);
    expect(r.stdout).toBe('kill\nkill\nkill\nkill\nkill\n');
    // `command -v` prints the bare name for functions and builtins alike; `type` tells them apart.
    expect((await n.run("sh -c 'type kill'")).stdout).toMatch(/function/);
  });
});

describe('confinement: a node signals only its own processes', () => {
  it('kill, kill -- -PGID, pkill and killall refuse processes the node did not start', async () => {
    const n = boot('k1');
    const other = boot('k2');
    // A process of the host (this test) under a daemon's name, in its own process group.
    const host = spawn(join(lab.lab.libexec, 'api-server'), ['300'], { detached: true, stdio: 'ignore' });
    // The same name started by node k2.
    const theirs = Number((await other.run(`setsid "${lab.lab.libexec}/api-server" 300 </dev/null >/dev/null 2>&1 & echo $!`)).stdout.trim());
    const mine = Number((await n.run(`setsid "${lab.lab.libexec}/api-server" 300 </dev/null >/dev/null 2>&1 & echo $!`)).stdout.trim());
    await new Promise((r) => setTimeout(r, 300));
    try {
      const r = await n.run(`kill -9 ${host.pid}; echo a=$?; kill -s KILL -- -${host.pid}; echo b=$?; kill -KILL ${process.pid}; echo c=$?; kill -9 ${theirs}; echo d=$?
pkill -KILL -f 'api-serve[r]'; echo e=$?`);
      // (Like the real pkill -f, a pattern that matched this shell's own command line would kill it: hence [r].)
      expect(r.stdout).toBe('a=1\nb=1\nc=1\nd=1\ne=0\n');
      expect((await n.run('killall api-server; echo f=$?')).stdout).toBe('f=1\n');
      expect(r.stderr).toMatch(/Operation not permitted/);
      expect(isRunning(host.pid!)).toBe(true);
      expect(isRunning(theirs)).toBe(true);
      expect(isRunning(mine)).toBe(false); // pkill -f found the node's own api-server
      // The process-kill fault, exactly as sent: it can reach only the node's own processes.
      const mod = getFault('process-kill');
      const ctx = { runId: 'simlab-kill', faultId: 'f-k1', node: { name: 'k1', host: '127.150.0.11', gpu: 'none' as const }, leaseTtlSec: 30, maxDurationSec: 60 };
      const inj = await n.run(buildInject(mod, resolveParams(mod, { params: { name: 'api-server', signal: 'KILL' } }), ctx));
      expect(parseStatus(inj.stdout).inject).toBe('fail');
      expect(inj.stdout).toMatch(/GAMEDAY killed=0/);
      expect(isRunning(host.pid!)).toBe(true);
      expect(isRunning(theirs)).toBe(true);
    } finally {
      process.kill(host.pid!, 'SIGKILL');
    }
  });
});

describe('disk, stress and cleanup', () => {
  it('df reflects simulated ballast; ballast outside the data disk is refused', async () => {
    const n = boot('d1');
    const pct = async () => Number((await n.run("df -P -k /var/lib/gameday-lab/data | awk 'NR == 2 { sub(\"%\", \"\", $5); print $5 }'")).stdout);
    const before = await pct();
    expect(before).toBeGreaterThan(20);
    expect((await n.run('fallocate -l 5G /var/lib/gameday-lab/data/ballast')).code).toBe(0);
    expect(await pct()).toBe(before + 25); // 5 GiB of the 20 GiB data disk
    const out = await n.run('fallocate -l 1G /tmp/x; echo rc=$?; dd if=/dev/zero of=/etc/x bs=1M count=1; echo rc=$?');
    expect(out.stdout).toBe('rc=1\nrc=1\n');
    expect((await n.run('fallocate -l 50G /var/lib/gameday-lab/data/b2; echo rc=$?')).stdout).toBe('rc=1\n');
  });

  it('scan finds what a crashed console left, cleanup removes all of it', async () => {
    const n = boot('c1');
    const ctx = (f: string) => ({ runId: 'simlab-crash', faultId: f, node: { name: 'c1', host: '127.150.0.11', gpu: 'none' as const }, leaseTtlSec: 300, maxDurationSec: 600 });
    for (const [kind, params, f] of [['network-partition', {}, 'f-a'], ['cpu-stress', { workers: 1, loadPercent: 50 }, 'f-b']] as const) {
      const mod = getFault(kind);
      expect(parseStatus((await n.run(buildInject(mod, resolveParams(mod, { params }), ctx(f)))).stdout).verify).toBe('ok');
    }
    const kinds = (s: string) => [...new Set(parseTraces(s).filter((t) => t.verb !== 'LIVE').map((t) => t.fields.kind))].sort();
    // The leases were renewed moments ago (TTL 300 s): to a sweep this is a live run, another
    // console's, and nothing of it is touched without forceLive.
    const live = parseTraces((await n.run(cleanupAll('simlab-crash'))).stdout);
    expect(live.map((t) => `${t.verb} ${t.fields.run} ${t.fields.fault}`).sort()).toEqual(['LIVE simlab-crash f-a', 'LIVE simlab-crash f-b']);
    expect((await n.run('iptables -S')).stdout).toMatch(/-N GD-f-a/);
    // The console that made them "crashed": forced, as `cleanup --force-live --approver` does.
    const force = { forceLive: true };
    // systemd-unit: the lease's backup timer (systemd-run) is simulated too.
    expect(kinds((await n.run(scanTraces('simlab-crash', force))).stdout)).toEqual(['iptables-chain', 'iptables-hook', 'lease', 'pending-revert', 'process', 'run-dir', 'systemd-unit', 'watchdog']);
    const out = (await n.run(cleanupAll('simlab-crash', force))).stdout;
    const cleaned = parseTraces(out).filter((t) => t.verb === 'CLEANED');
    expect(cleaned.map((t) => t.fields.kind)).toEqual(expect.arrayContaining(['watchdog', 'pending-revert', 'run-dir']));
    expect(cleaned.filter((t) => t.fields.ok === 'no')).toEqual([]);
    expect(parseTraces(out).filter((t) => t.verb === 'LEFT')).toEqual([]);
    expect(sweepCompleted(out)).toBe(true);
    expect(parseTraces((await n.run(scanTraces('simlab-crash'))).stdout)).toEqual([]);
    expect((await n.run('iptables -S')).stdout).toBe('-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n');
  });
});
