/**
 * The netns lab itself, checked from outside with real clients: OpenSSH for the nodes (strict host
 * keys), Node's http for the service, `ip` for routes. Everything later integration tests rely on.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { directNodes, getTestLab, innerNodes, labNode, plainNodes } from '../lab/fixture.js';
import { labHttp, labSsh } from '../lab/lab-client.js';
import { labLinks } from '../../src-main/lab/netns/down.js';
import { assertRoot, run } from '../../src-main/lab/netns/exec.js';
import { labDown, labStatus, labUp, listLabs, LabError, type LabInfo } from '../../src-main/lab/index.js';
import { labBlackhole } from '../lab/lab-blackhole.js';

const lab = getTestLab();
const simBin = join(lab.repoDir, 'src-main', 'lab', 'gpu-sim', 'bin');

/** Is `pid` a live (non-zombie) process? */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function labPids(info: LabInfo): number[] {
  return info.nodes.flatMap((n) =>
    ['sshd.pid', 'http.pid'].map((f) => Number(readFileSync(join(info.dir, 'nodes', n.name, f), 'utf8').trim())),
  );
}

describe('netns lab', () => {
  it('is the lab globalSetup provided, with 8+ nodes, a bastion and an inner node', () => {
    expect(inject('lab').id).toBe(lab.id);
    expect(plainNodes(lab).length).toBeGreaterThanOrEqual(8);
    expect(lab.nodes.filter((n) => n.role === 'bastion')).toHaveLength(1);
    expect(innerNodes(lab)).toHaveLength(1);
    const inv = readFileSync(lab.inventoryPath, 'utf8');
    expect(inv).toContain('knownHosts: ./known_hosts');
    expect(inv).toContain('jump: bastion');
    expect(labNode(lab, 'node03').tags).toContain('db');
    expect(plainNodes(lab).slice(-2).every((n) => n.gpu === 'amd' && n.tags.includes('gpu'))).toBe(true);
  });

  it('every directly reachable node answers OpenSSH with the lab env and PATH', async () => {
    const results = await Promise.all(
      directNodes(lab).map(async (n) => ({ n, r: await labSsh(lab, n, 'printf "%s\\n" "$GAMEDAY_LAB_NODE" "$GAMEDAY_LAB_GPU" "$GAMEDAY_LAB_STATE" "$PATH"') })),
    );
    for (const { n, r } of results) {
      expect(r.stderr, n.name).toBe('');
      expect(r.code, n.name).toBe(0);
      const [node, gpu, state, path] = r.stdout.split('\n');
      expect(node).toBe(n.name);
      expect(gpu).toBe(n.gpu);
      expect(state).toBe(join(lab.dir, 'nodes', n.name, 'state'));
      // The simulators must shadow any system tool of the same name.
      const dirs = (path ?? '').split(':');
      expect(dirs).toContain(simBin);
      expect(dirs.indexOf(simBin)).toBeLessThan(dirs.indexOf('/usr/bin'));
    }
  });

  it('resolves the GPU simulators through PATH once they exist', async () => {
    const tool = join(simBin, 'rocm-smi');
    const r = await labSsh(lab, labNode(lab, 'node01'), 'command -v rocm-smi || echo none');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(existsSync(tool) ? tool : 'none');
  });

  it('reaches the inner node only through the bastion', async () => {
    const inner = innerNodes(lab)[0]!;
    const via = await labSsh(lab, inner, 'echo "$GAMEDAY_LAB_NODE"');
    expect(via.stderr).toBe('');
    expect(via.stdout.trim()).toBe(inner.name);
    const direct = await labSsh(lab, inner, 'true', { viaBastion: false, connectTimeoutS: 3 });
    expect(direct.code).toBe(255);
    // The host's `unreachable` route fails it locally: no packet leaves by the default route.
    expect(direct.stderr).toMatch(/No route to host|Network is unreachable/);
    const route = await run('ip', ['route', 'get', inner.ip], { allowFail: true });
    expect(route.code).not.toBe(0);
  });

  it('gives namespaces only their connected subnet: no default route, and the bastion does not forward', async () => {
    for (const n of lab.nodes) {
      const v4 = await run('ip', ['-n', n.ns, '-4', 'route', 'show', 'table', 'all', 'type', 'unicast']);
      const lines = v4.stdout.trim().split('\n');
      expect(lines.some((l) => l.startsWith('default')), n.name).toBe(false);
      expect(lines.every((l) => / proto kernel scope link /.test(l)), `${n.name}: ${v4.stdout}`).toBe(true);
      const v6 = await run('ip', ['-n', n.ns, '-6', 'route', 'show', 'default']);
      expect(v6.stdout.trim(), n.name).toBe('');
    }
    const bastion = labNode(lab, 'bastion');
    const fwd = await run('ip', ['netns', 'exec', bastion.ns, 'sysctl', '-n', 'net.ipv4.ip_forward']);
    expect(fwd.stdout.trim()).toBe('0');
  });

  it('serves /health from every node to the host', async () => {
    for (const n of directNodes(lab)) {
      const r = await labHttp(n.ip, n.httpPort, '/health');
      expect(r.status, n.name).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ ok: true, node: n.name });
    }
  });

  it('turns /health to 503 for exactly the requested outage', async () => {
    const n = labNode(lab, 'node03');
    const ms = 1500;
    const started = await labHttp(n.ip, n.httpPort, `/control/outage?ms=${ms}`, { method: 'POST' });
    const { start, end } = JSON.parse(started.body) as { start: number; end: number };
    expect(end - start).toBe(ms);
    const samples = [];
    // Poll every 20 ms until 500 ms past the end; a bounded loop against our own namespace.
    while (Date.now() < end + 500) {
      samples.push(await labHttp(n.ip, n.httpPort, '/health'));
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const s of samples) {
      if (s.sentAt >= start && s.doneAt < end) expect(s.status, `sample at ${s.sentAt - start} ms`).toBe(503);
      if (s.sentAt >= end) expect(s.status, `sample at ${s.sentAt - start} ms`).toBe(200);
    }
    const firstOk = samples.find((s) => s.status === 200);
    expect(samples.filter((s) => s.status === 503).length).toBeGreaterThan(20);
    expect(firstOk!.doneAt).toBeGreaterThanOrEqual(end);
    const state = JSON.parse((await labHttp(n.ip, n.httpPort, '/control/state')).body) as { healthy: boolean; outage: { end: number } };
    expect(state).toMatchObject({ healthy: true, outage: { end } });
  });

  it('gives gdlab passwordless sudo (keeping the lab env) and gdnosudo none', async () => {
    const n = labNode(lab, 'node02');
    const ok = await labSsh(lab, n, 'sudo -n sh -c \'echo "$(id -u) $GAMEDAY_LAB_NODE $PATH"\'', { user: 'gdlab' });
    expect(ok.stderr).toBe('');
    const [uid, node, path] = ok.stdout.trim().split(' ');
    expect([uid, node]).toEqual(['0', n.name]);
    expect(path?.split(':')[0]).toBe(simBin);
    const denied = await labSsh(lab, n, 'sudo -n true', { user: 'gdnosudo' });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('a password is required');
  });

  it('blackholes a node and restores it', async () => {
    const n = labNode(lab, 'node02');
    await labBlackhole(lab, n.name, true);
    try {
      const cut = await labSsh(lab, n, 'true', { connectTimeoutS: 2 });
      expect(cut.code).toBe(255);
      expect(cut.stderr).toMatch(/timed out/);
      await expect(labHttp(n.ip, n.httpPort, '/health', { timeoutMs: 1000 })).rejects.toThrow(/timed out/);
      await labBlackhole(lab, n.name, true); // idempotent: still exactly one rule per chain
      const rules = await run('ip', ['netns', 'exec', n.ns, 'iptables', '-w', '-S']);
      expect(rules.stdout.match(/-j DROP/g)).toHaveLength(2);
    } finally {
      await labBlackhole(lab, n.name, false);
    }
    expect((await labSsh(lab, n, 'true')).code).toBe(0);
    expect((await labHttp(n.ip, n.httpPort, '/health')).status).toBe(200);
  });

  it('runs a second lab beside the first and removes it without a trace', async () => {
    const baseDir = mkdtempSync(join(tmpdir(), 'gd-lab-test-'));
    const second = await labUp({ nodes: 2, inner: 1, baseDir });
    const pids = labPids(second);
    try {
      expect(second.id).not.toBe(lab.id);
      expect(second.subnet).not.toBe(lab.subnet);
      expect(second.innerSubnet).not.toBe(lab.innerSubnet);
      expect((await labSsh(second, labNode(second, 'node01'), 'echo "$GAMEDAY_LAB_NODE"')).stdout.trim()).toBe('node01');
      expect((await labSsh(second, innerNodes(second)[0]!, 'true')).code).toBe(0);
      // The first lab's known_hosts does not vouch for the second lab's host keys.
      expect((await labSsh(lab, labNode(second, 'node01'), 'true')).code).toBe(255);
      expect((await labStatus(second, baseDir))[0]?.state).toBe('up');
    } finally {
      await labDown(second);
    }
    expect(pids.filter(alive)).toEqual([]);
    expect((await run('ip', ['netns', 'list'])).stdout).not.toContain(`gd-${second.id}-`);
    expect(await labLinks(second.id)).toEqual([]);
    const routes = (await run('ip', ['-4', 'route', 'show', 'table', 'all'])).stdout;
    expect(routes).not.toContain(second.subnet);
    expect(routes).not.toContain(second.innerSubnet);
    expect((await run('ip', ['-4', 'addr', 'show'])).stdout).not.toContain(`${second.hostIp}/`);
    expect(existsSync(second.dir)).toBe(false);
    const ps = await run('ps', ['-eo', 'args']);
    expect(ps.stdout).not.toContain(second.dir);
    await labDown(second); // idempotent
    // The first lab is untouched.
    expect((await labSsh(lab, labNode(lab, 'node01'), 'true')).code).toBe(0);
    rmSync(baseDir, { recursive: true, force: true });
  });

  it('finds and removes a half-created lab from its namespaces alone', async () => {
    const id = 'zz' + String(Date.now() % 1000).padStart(3, '0');
    await run('ip', ['-batch', '-'], { input: `netns add gd-${id}-node01\nlink add gdv${id}1 type veth peer name eth0 netns gd-${id}-node01\n` });
    const found = (await listLabs()).find((l) => l.id === id);
    expect(found).toMatchObject({ state: 'orphan', namespaces: [`gd-${id}-node01`] });
    await labDown(id);
    expect((await listLabs()).some((l) => l.id === id)).toBe(false);
    expect(await labLinks(id)).toEqual([]);
  });

  it('refuses bad options and non-root callers with typed errors', async () => {
    await expect(labUp({ nodes: 0 })).rejects.toMatchObject({ code: 'BAD_OPTIONS' });
    await expect(labUp({ nodes: 1, id: 'BAD!' })).rejects.toBeInstanceOf(LabError);
    expect(() => assertRoot(1000)).toThrow('the netns lab needs root: run as root or with sudo');
  });
});
