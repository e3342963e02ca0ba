import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inventorySshOptions, loadInventory, parseInventory, toConnectSpec, type Inventory } from '../../src-main/inventory/index.js';
import { loadSshConfig, parseSshConfig, SshConfigError } from '../../src-main/ssh/ssh-config.js';

const FIX = path.join(import.meta.dirname, 'fixtures', 'inventory');
const fx = (n: string): string => path.join(FIX, n);
const inv = loadInventory(fx('good.yaml'));
/** ssh_config parsed with a fake home so `~` and default keys are predictable. */
const sshConfig = loadSshConfig(fx('ssh_config'), { home: '/h' });
const spec = (name: string, i: Inventory = inv, cfg = sshConfig) => toConnectSpec(i, i.nodes.find((n) => n.name === name)!, { sshConfig: cfg });
const me = os.userInfo().username;

let savedSock: string | undefined;
beforeEach(() => { savedSock = process.env.SSH_AUTH_SOCK; delete process.env.SSH_AUTH_SOCK; });
afterEach(() => { if (savedSock === undefined) delete process.env.SSH_AUTH_SOCK; else process.env.SSH_AUTH_SOCK = savedSock; });

describe('toConnectSpec', () => {
  it('inventory values only', () => {
    expect(spec('bastion')).toEqual({
      name: 'bastion', host: '127.0.0.1', port: 2201, user: 'root', identityFiles: [fx('id_ed25519')],
      connectTimeoutMs: 12_000, keepaliveIntervalMs: 5_000, keepaliveCountMax: 3, knownHostsFiles: [fx('known_hosts')],
    });
  });
  it('ssh_config fills what the inventory leaves open; inventory values win', () => {
    const s = spec('node01');
    expect([s.user, s.port]).toEqual(['fromconfig', 2999]);
    expect(s.connectTimeoutMs).toBe(12_000); // inventory connectTimeout beats ConnectTimeout 3
    expect(s.jump).toEqual([spec('bastion')]);
    expect(spec('node02')).toMatchObject({ user: me, port: 22 });
  });
  it('an ssh_config alias: HostName/User/Port/IdentityFile/ServerAliveInterval/ProxyJump', () => {
    const s = spec('db01');
    expect(s).toMatchObject({
      host: '10.251.3.31', user: 'dbadmin', port: 2022, keepaliveIntervalMs: 9_000,
      identityFiles: [fx('id_ed25519'), '/h/.ssh/db_key'],
      knownHostsFiles: [fx('known_hosts')], // inventory knownHosts beats UserKnownHostsFile
    });
    expect(s.jump).toEqual([expect.objectContaining({ name: 'gate-alias', host: 'gate.example.net', user: 'gatekeeper', port: 2200, identityFiles: [] })]);
  });
  it('user@host:port hops are resolved through ssh_config too', () => {
    const s = spec('gpu01');
    expect(s).toMatchObject({ user: 'ops', port: 2222, identityFiles: [path.join(os.homedir(), 'keys/gpu'), '/abs/key'] });
    expect(s.jump).toEqual([expect.objectContaining({ name: 'jumper@gate.example.net:2200', host: 'gate.example.net', user: 'jumper', port: 2200, identityFiles: ['/h/.ssh/gate_key'] })]);
    expect(s.jump![0]!.jump).toBeUndefined();
  });
  it('flattens chains like ssh -J: the first hop keeps its own jumps, later hops do not', () => {
    const i = parseInventory([
      'version: 1', 'ssh: {config: false}', 'nodes:',
      '  - {name: c, host: hc}', '  - {name: b, host: hb, jump: c}', '  - {name: a, host: ha, jump: b}',
      '  - {name: x, host: hx, jump: [b, a]}',
    ].join('\n'), '/tmp/i.yaml');
    const hops = (n: string) => spec(n, i, parseSshConfig('', 'none', { home: '/h' })).jump?.map((h) => h.name);
    expect(hops('a')).toEqual(['c', 'b']);
    expect(hops('x')).toEqual(['c', 'b', 'a']);
    expect(hops('c')).toBeUndefined();
  });
  it('a ProxyJump loop in ssh_config is an error, not a hang', () => {
    const i = parseInventory('version: 1\nnodes: [{name: n, host: l1}]\n', '/tmp/i.yaml');
    const cfg = parseSshConfig('Host l1\n  ProxyJump l2\nHost l2\n  ProxyJump l1\n', 'loop');
    expect(() => spec('n', i, cfg)).toThrow(SshConfigError);
  });
  it('agent comes from SSH_AUTH_SOCK', () => {
    expect(spec('bastion').agent).toBeUndefined();
    process.env.SSH_AUTH_SOCK = '/run/agent.sock';
    expect(spec('bastion').agent).toBe('/run/agent.sock');
  });
  it('knownHostsFiles: inventory, else UserKnownHostsFile, else ~/.ssh/known_hosts', () => {
    const i = parseInventory('version: 1\nnodes: [{name: d, host: db-alias}, {name: o, host: other}]\n', fx('x.yaml'));
    expect(spec('d', i).knownHostsFiles).toEqual(['/h/.ssh/db_known_hosts']);
    expect(spec('o', i).knownHostsFiles).toEqual(['/h/.ssh/known_hosts']);
  });
  it('uses OpenSSH default keys that exist when nothing names a key', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'home-'));
    mkdirSync(path.join(home, '.ssh'));
    writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'k');
    const i = parseInventory('version: 1\nnodes: [{name: o, host: other}]\n', fx('x.yaml'));
    expect(spec('o', i, parseSshConfig('', 'none', { home })).identityFiles).toEqual([path.join(home, '.ssh', 'id_ed25519')]);
    rmSync(home, { recursive: true });
  });
  it('loads the inventory ssh.config itself, or skips it when false', () => {
    const db = inv.nodes.find((n) => n.name === 'db01')!;
    expect(toConnectSpec(inv, db)).toMatchObject({ host: '10.251.3.31', user: 'dbadmin', port: 2022 });
    const off = parseInventory('version: 1\nssh: {config: false}\nnodes: [{name: d, host: db-alias}]\n', fx('x.yaml'));
    expect(toConnectSpec(off, off.nodes[0]!)).toMatchObject({ host: 'db-alias', port: 22, user: me });
  });
  it('an unreadable ssh_config surfaces as SshConfigError with its path', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'badcfg-'));
    const broken = parseInventory('version: 1\nssh: {config: ./ssh_config_bad}\nnodes: [{name: d, host: h}]\n', path.join(dir, 'x.yaml'));
    writeFileSync(path.join(dir, 'ssh_config_bad'), 'Port 0\n');
    expect(() => toConnectSpec(broken, broken.nodes[0]!)).toThrow(/ssh_config_bad:1: port/);
    rmSync(dir, { recursive: true });
  });
});

describe('inventorySshOptions', () => {
  it('gives the pool settings', () => {
    expect(inventorySshOptions(inv)).toEqual({ maxSessionsPerNode: 6, maxConcurrentHandshakes: 4, trustOnFirstUse: false });
  });
});
