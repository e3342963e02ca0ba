/**
 * The SSH layer against real OpenSSH sshd in the netns lab: auth by key and agent, ProxyJump through
 * the bastion, known_hosts refusals, sudo -n, dropped packets, keepalive, remote kill on timeout.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshPool, SshError, type ConnectSpec } from '../../src-main/ssh/index.js';
import { Shell, sh } from '../../src-main/shell/index.js';
import { getTestLab } from '../lab/fixture.js';
import { labBlackhole } from '../lab/lab-blackhole.js';
import type { LabInfo, LabNode } from '../../src-main/lab/index.js';

let lab: LabInfo;
let pool: SshPool;

function node(name: string): LabNode {
  const n = lab.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`lab has no node ${name}`);
  return n;
}
function spec(name: string, over: Partial<ConnectSpec> = {}): ConnectSpec {
  const n = node(name);
  const s: ConnectSpec = { name, host: n.ip, port: 22, user: 'root', identityFiles: [lab.keyPath], knownHostsFiles: [lab.knownHostsPath], ...over };
  if (n.behindBastion && !over.jump) s.jump = [spec('bastion')];
  return s;
}

beforeAll(() => {
  lab = getTestLab();
});
afterEach(async () => {
  await pool?.dispose();
});

describe('auth', () => {
  it('logs in with the lab key file', async () => {
    pool = new SshPool();
    const r = await pool.exec(spec('node01'), Shell.raw('id -un; echo $GAMEDAY_LAB_NODE'));
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['root', 'node01']);
    expect((await pool.connect(spec('node01'))).authMethod).toBe(`publickey ${lab.keyPath}`);
  });

  describe('through ssh-agent', () => {
    let agent: ChildProcess;
    let sock: string;
    beforeAll(async () => {
      sock = join(mkdtempSync(join(tmpdir(), 'gd-agent-')), 'agent.sock');
      agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      execFileSync('ssh-add', [lab.keyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'pipe' });
    });
    afterAll(() => agent?.kill());
    it('logs in with no key file, only the agent', async () => {
      pool = new SshPool();
      const s = spec('node02', { identityFiles: [], agent: sock });
      const r = await pool.exec(s, Shell.raw('echo via-agent'));
      expect(r.stdout.trim()).toBe('via-agent');
      expect((await pool.connect(s)).authMethod).toBe('agent');
    });
  });

  it('says which methods were tried when the key is not authorized', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-k-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
    pool = new SshPool();
    const err = await pool.exec(spec('node01', { identityFiles: [join(dir, 'other')] }), Shell.raw('true')).catch((e) => e);
    expect(err).toBeInstanceOf(SshError);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain(`tried: publickey ${join(dir, 'other')}`);
  });
});

describe('ProxyJump', () => {
  it('reaches the inner node only through the bastion, sharing one bastion connection', async () => {
    pool = new SshPool();
    const inner = lab.nodes.find((n) => n.behindBastion)!;
    const r = await pool.exec(spec(inner.name), Shell.raw('echo $GAMEDAY_LAB_NODE'));
    expect(r.stdout.trim()).toBe(inner.name);
    const sizeBefore = pool.size;
    await pool.exec(spec('bastion'), Shell.raw('true'));
    expect(pool.size).toBe(sizeBefore); // the bastion connection was reused, not a second one
    const direct = new SshPool();
    const err = await direct.exec(spec(inner.name, { jump: [], connectTimeoutMs: 1500 }), Shell.raw('true')).catch((e) => e);
    await direct.dispose();
    expect(err).toBeInstanceOf(SshError);
    expect(['UNREACHABLE', 'TIMEOUT']).toContain(err.code);
  });
});

describe('host keys', () => {
  it('refuses an unknown host and names its SHA256 fingerprint as ssh-keygen prints it', async () => {
    const kh = join(mkdtempSync(join(tmpdir(), 'gd-kh-')), 'known_hosts');
    writeFileSync(kh, '');
    pool = new SshPool();
    const err = await pool.exec(spec('node01', { knownHostsFiles: [kh] }), Shell.raw('true')).catch((e) => e);
    expect(err.code).toBe('HOSTKEY_UNKNOWN');
    const line = readFileSync(lab.knownHostsPath, 'utf8').split('\n').find((l) => l.startsWith(`${node('node01').ip} `))!;
    const tmp = join(mkdtempSync(join(tmpdir(), 'gd-fp-')), 'k.pub');
    writeFileSync(tmp, `${line.split(' ').slice(1).join(' ')}\n`);
    const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', tmp], { encoding: 'utf8' }).split(' ')[1]!;
    expect(err.message).toContain(fp);
    expect(readFileSync(kh, 'utf8')).toBe(''); // nothing recorded without --trust-new
  });

  it('refuses a changed key even with trust-on-first-use, showing both fingerprints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-kh-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'fake')]);
    const kh = join(dir, 'known_hosts');
    writeFileSync(kh, `${node('node01').ip} ${readFileSync(join(dir, 'fake.pub'), 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    pool = new SshPool({ trustOnFirstUse: true });
    const err = await pool.exec(spec('node01', { knownHostsFiles: [kh] }), Shell.raw('true')).catch((e) => e);
    expect(err.code).toBe('HOSTKEY_CHANGED');
    expect(err.message.match(/SHA256:[A-Za-z0-9+/]+/g)).toHaveLength(2);
  });

  it('records a new key with trust-on-first-use, and OpenSSH accepts the file', async () => {
    const kh = join(mkdtempSync(join(tmpdir(), 'gd-kh-')), 'known_hosts');
    pool = new SshPool({ trustOnFirstUse: true });
    await pool.exec(spec('node03', { knownHostsFiles: [kh] }), Shell.raw('true'));
    const out = execFileSync('ssh', ['-F', 'none', '-i', lab.keyPath, '-o', `UserKnownHostsFile=${kh}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `root@${node('node03').ip}`, 'echo ok'], { encoding: 'utf8' });
    expect(out.trim()).toBe('ok');
  });
});

describe('sudo', () => {
  it('runs as root through sudo -n for a user allowed without password', async () => {
    pool = new SshPool();
    const r = await pool.exec(spec('node01', { user: 'gdlab' }), Shell.raw('id -u'), { sudo: true });
    expect(r.stdout.trim()).toBe('0');
  });
  it('gives a plain SUDO_NEEDS_PASSWORD error when sudo wants a password', async () => {
    pool = new SshPool();
    const err = await pool.exec(spec('node01', { user: 'gdnosudo' }), Shell.raw('id -u'), { sudo: true }).catch((e) => e);
    expect(err).toBeInstanceOf(SshError);
    expect(err.code).toBe('SUDO_NEEDS_PASSWORD');
    expect(err.message).toMatch(/gdnosudo@.* cannot run commands as root without a password/);
    expect(err.hint).toMatch(/NOPASSWD/);
  });
});

describe('dead links', () => {
  it('times out connecting to a node whose packets are dropped', async () => {
    await labBlackhole(lab, 'node04', true);
    try {
      pool = new SshPool();
      const err = await pool.exec(spec('node04', { connectTimeoutMs: 1500 }), Shell.raw('true')).catch((e) => e);
      expect(err).toBeInstanceOf(SshError);
      expect(err.code).toBe('TIMEOUT');
    } finally {
      await labBlackhole(lab, 'node04', false);
    }
  });

  it('notices a dead link through keepalive and reconnects once the link is back', async () => {
    pool = new SshPool();
    const s = spec('node05', { keepaliveIntervalMs: 500, keepaliveCountMax: 2 });
    await pool.exec(s, Shell.raw('true'));
    const lost = new Promise<{ at: number; reason?: SshError }>((res) => pool.once('disconnect', (_n, reason) => res({ at: performance.now(), reason })));
    const cut = performance.now();
    await labBlackhole(lab, 'node05', true);
    try {
      const { at, reason } = await lost;
      expect(reason?.code).toBe('DISCONNECTED');
      expect(reason?.message).toMatch(/keepalive/);
      // 2 missed keepalives at 500 ms: noticed in about 1–1.5 s; the bound leaves room for a busy machine.
      expect(at - cut).toBeLessThan(10_000);
    } finally {
      await labBlackhole(lab, 'node05', false);
    }
    const r = await pool.exec(s, Shell.raw('echo back'));
    expect(r.stdout.trim()).toBe('back');
  });
});

describe('remote timeouts', () => {
  it('kills the remote command and its children when the timeout fires', async () => {
    pool = new SshPool();
    const tag = `gdtest${Date.now()}`;
    const r = await pool.exec(spec('node06'), sh`sh -c ${`sleep 300; : ${tag}`} & sleep 301; : ${tag}`, { timeoutMs: 1000 });
    expect(r.timedOut).toBe(true);
    // `gdtes[t]…` matches the tag but not this checking command line itself.
    const check = await pool.exec(spec('node06'), sh`sleep 0.5; pgrep -f ${`gdtes[t]${tag.slice(6)}`} || echo none`);
    expect(check.stdout.trim()).toBe('none');
  });
});

describe('fan-out', () => {
  it('runs on every lab node and reports each', async () => {
    pool = new SshPool();
    const specs = lab.nodes.map((n) => spec(n.name));
    const rs = await pool.fanOut(specs, Shell.raw('echo $GAMEDAY_LAB_NODE'));
    expect(rs.every((r) => r.ok)).toBe(true);
    expect(rs.map((r) => r.result!.stdout.trim())).toEqual(lab.nodes.map((n) => n.name));
  });
});
