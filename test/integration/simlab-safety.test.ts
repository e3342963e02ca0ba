/**
 * The simulated lab never touches the real machine (run as root, where a slip would be real): the
 * host's firewall, qdiscs, addresses, routes, sysctls and clock are byte-for-byte the same before,
 * during and after every network and host fault on simulated nodes, raw tool calls included, and a
 * process-kill on a simulated node cannot reach a host process of the same name.
 *
 * Fidelity: the chain and shaping faults' inject scripts, run with the real iptables/tc in a
 * throwaway network namespace and with the simulated tools on a simulated node, leave identical
 * `iptables -S` / `tc qdisc show` / `tc class show` output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultManager } from '../../src-main/engine/fault-manager.js';
import { type FaultTarget } from '../../src-main/faults/index.js';
import { getFault, resolveParams } from '../../src-main/faults/index.js';
import type { FaultContext } from '../../src-main/faults/types.js';
import { loadInventory, toConnectSpec } from '../../src-main/inventory/index.js';
import { labProcesses, startSimLab } from '../../src-main/lab/index.js';
import { localLab } from '../../src-main/lab/sim/local-node.js';
import type { SimLab } from '../../src-main/lab/sim/types.js';
import { SshPool } from '../../src-main/ssh/index.js';
import { Shell } from '../../src-main/shell/index.js';
import { isRunning } from '../helpers/ssh-server.js';

const sh = (cmd: string) => {
  try {
    return execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
  } catch (e) {
    return `ERR ${(e as { status?: number }).status}`;
  }
};

/** Everything of the host's network and clock configuration a simulated fault could plausibly change. */
function hostSnapshot(): Record<string, string> {
  return {
    iptables: sh('iptables -w 5 -S'),
    ip6tables: sh('ip6tables -w 5 -S'),
    nft: sh('nft list ruleset'),
    qdiscs: sh('tc qdisc show'),
    // IPv4 only: IPv6 link-local addresses of other labs' fresh veths change by themselves (DAD).
    addrs: sh('ip -4 -o addr show'),
    routes: sh('ip -4 route show table all'),
    links: sh('ip -o link show | sed "s/ state [A-Z]* / /"'),
    forward: sh('sysctl -n net.ipv4.ip_forward'),
    hostname: sh('hostname'),
    runGameday: sh('ls -A /run/gameday 2>/dev/null | grep -c simlab || true'),
  };
}

describe('the simulated lab leaves the real host alone', () => {
  let dir: string;
  let lab: SimLab;
  let pool: SshPool;
  let fm: FaultManager;
  let before: Record<string, string>;

  beforeAll(async () => {
    expect(process.getuid?.()).toBe(0);
    before = hostSnapshot();
    dir = mkdtempSync(join(tmpdir(), 'gd-simlab-safety-'));
    lab = await startSimLab({ dir });
    pool = new SshPool();
    fm = new FaultManager(pool, undefined, 'simlab-safety', 30);
  }, 60_000);

  afterAll(async () => {
    fm?.dispose();
    await pool?.dispose();
    await lab?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const target = (name: string): FaultTarget => {
    const inv = loadInventory(lab.inventoryPath);
    const n = inv.nodes.find((x) => x.name === name)!;
    return { name, host: n.host, env: 'lab', tags: n.tags, gpu: n.gpu, spec: toConnectSpec(inv, n) };
  };

  it('every network and host fault, and raw tool calls, change only simulated state', async () => {
    const kinds: Array<[string, Record<string, unknown>, string]> = [
      ['network-partition', {}, 'node03'],
      ['network-loss', { percent: 50, direction: 'both' }, 'node01'],
      ['port-block', { port: 8080, mode: 'drop' }, 'node02'],
      ['dns-failure', { mode: 'reject' }, 'node04'],
      ['network-bandwidth', { iface: 'eth0', rateKbit: 100 }, 'node05'],
      ['network-latency', { iface: 'eth0', delayMs: 300 }, 'node04'],
      ['clock-skew', { offsetSec: -86_400 }, 'node01'],
      ['service-stop', { unit: 'api-server.service' }, 'node02'],
      ['disk-fill', { path: '/var/lib/gameday-lab/data', targetPercent: 95, keepFreePercent: 3 }, 'node03'],
    ];
    for (const [kind, params, node] of kinds) {
      const [out] = await fm.inject({ kind, params, approver: 'dee', targets: [target(node)] });
      expect(out, `${kind} on ${node}`).toMatchObject({ ok: true });
    }
    const raw = await pool.exec(target('node01').spec, Shell.raw(`iptables -I INPUT -j DROP; iptables -P OUTPUT DROP; tc qdisc add dev eth0 root netem delay 100ms
ip link set lo down; sysctl -w net.ipv4.ip_forward=1; hostname evil; date -s @0 >/dev/null; mount -t tmpfs x /mnt; echo done`), { sudo: true });
    expect(raw.stdout).toMatch(/done\n$/);
    // The simulated node believes it all ...
    expect((await pool.exec(target('node01').spec, Shell.raw('iptables -S INPUT | head -2; date +%Y'))).stdout).toBe('-P INPUT ACCEPT\n-A INPUT -j DROP\n1970\n');
    // ... the host saw none of it.
    expect(hostSnapshot()).toEqual(before);
    expect(Math.abs(Number(sh('date +%s')) - Date.now() / 1000)).toBeLessThan(5);
    for (const f of fm.live()) await fm.revertOne(f);
    expect([...fm.faults.values()].every((f) => f.state === 'reverted')).toBe(true);
    expect(hostSnapshot()).toEqual(before);
  }, 120_000);

  it('process-kill on a simulated node cannot reach a host process of the same name', async () => {
    const libexec = join(dir, 'sim', 'libexec');
    const host = spawn(join(libexec, 'postgres'), ['300'], { detached: true, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const [out] = await fm.inject({ kind: 'process-kill', params: { name: 'postgres', signal: 'KILL' }, approver: 'dee', targets: [target('node03')] });
      expect(out?.ok).toBe(true); // node03's own postgres was killed ...
      expect(isRunning(host.pid!)).toBe(true); // ... the host's was not
      // Neither can a human in a node's shell.
      // ([s]: like the real pkill -f, a pattern matching this shell's own command line would kill it.)
      const r = await pool.exec(target('node01').spec, Shell.raw(`kill -9 ${host.pid} ${process.pid}; echo kill=$?; pkill -9 -f 'postgre[s]'; echo pkill=$?`));
      expect(r.stdout).toBe('kill=1\npkill=1\n');
      expect((await pool.exec(target('node01').spec, Shell.raw('killall -9 postgres; echo rc=$?'))).stdout).toBe('rc=1\n');
      expect(isRunning(host.pid!)).toBe(true);
      expect(isRunning(process.pid)).toBe(true);
    } finally {
      process.kill(host.pid!, 'SIGKILL');
    }
  }, 60_000);

  it('closing the lab leaves no simulated process behind', async () => {
    const tokens = new Set(labProcesses(dir).map(String));
    expect(tokens.size).toBeGreaterThan(0);
    await pool.dispose();
    await lab.close();
    await new Promise((r) => setTimeout(r, 500));
    const left = [...tokens].filter((p) => isRunning(Number(p)));
    expect(left).toEqual([]);
  }, 30_000);
});

describe('fidelity: simulated iptables/tc end in the same state as the real ones', () => {
  const ctx = (faultId: string): FaultContext => ({ runId: 'simlab-fid', faultId, node: { name: 'fid', host: '127.150.0.11', gpu: 'none' }, leaseTtlSec: 30, maxDurationSec: 60 });
  const SSH_CONNECTION = '127.0.0.1 41000 127.150.0.11 22';
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['network-partition', {}, 'iptables -S'],
    ['network-partition', { peers: ['10.9.9.7', '10.9.8.0/24'], action: 'reject' }, 'iptables -S'],
    ['network-loss', { percent: 20, direction: 'both' }, 'iptables -S'],
    ['network-loss', { percent: 5, direction: 'egress', peers: ['10.9.9.7'] }, 'iptables -S'],
    ['port-block', { port: 8080, protocol: 'both', mode: 'reject' }, 'iptables -S'],
    ['dns-failure', { mode: 'drop', servers: ['10.9.9.53'] }, 'iptables -S'],
    ['dependency-block', { host: '10.9.9.7', port: 5432, mode: 'reject' }, 'iptables -S'],
    ['network-bandwidth', { iface: 'eth0', rateKbit: 1000 }, 'tc qdisc show dev eth0; tc class show dev eth0'],
    ['network-bandwidth', { iface: 'eth0', rateKbit: 8000, peers: ['10.9.9.7'] }, 'tc qdisc show dev eth0; tc class show dev eth0'],
  ];

  it.each(cases)('%s %j', async (kind, params, show) => {
    const mod = getFault(kind);
    const p = resolveParams(mod, { params });
    const script = mod.inject(p, ctx('f-fid')).text;
    const real = execFileSync('unshare', ['-n', 'sh', '-c', `ip link add eth0 type veth peer name eth1 && ip link set eth0 up && ip link set lo up
sh -c "$1" >/dev/null 2>&1; echo rc=$?; ${show}`, 'probe', script], { encoding: 'utf8', env: { ...process.env, SSH_CONNECTION } });
    const dir = mkdtempSync(join(tmpdir(), 'gd-simlab-fid-'));
    try {
      const node = (await localLab(dir)).node({ name: 'fid', role: 'api' }, { ip: '127.150.0.11', client: { ip: '127.0.0.1', port: 41000 } });
      const sim = await node.run(`sh -c "$GD_SCRIPT" >/dev/null 2>&1; echo rc=$?; ${show}`.replace('"$GD_SCRIPT"', `'${script.replace(/'/g, `'\\''`)}'`));
      node.close();
      expect(sim.stdout).toBe(real);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
