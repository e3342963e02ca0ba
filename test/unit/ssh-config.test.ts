import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  globMatch, listConcreteHosts, loadSshConfig, matchPatternList, parseJumpSpec, parseSshConfig, resolveSshHost, SshConfigError,
} from '../../src-main/ssh/ssh-config.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'ssh');
let home: string;

beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'sshcfg-'));
  cpSync(FIXTURES, path.join(home, '.ssh'), { recursive: true });
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** What OpenSSH itself resolves: `ssh -G` with the Include made absolute (ssh uses the passwd home, not ours). */
function sshG(alias: string, extra: string[] = []): Map<string, string> {
  const text = readFileSync(path.join(home, '.ssh', 'config'), 'utf8').replace('Include conf.d', `Include ${home}/.ssh/conf.d`);
  const f = path.join(home, 'config.abs');
  writeFileSync(f, text);
  const out = execFileSync('ssh', ['-F', f, '-G', ...extra, alias], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0 && !m.has(line.slice(0, sp))) m.set(line.slice(0, sp), line.slice(sp + 1));
  }
  return m;
}

describe('resolveSshHost agrees with ssh -G', () => {
  const aliases = ['bastion', 'inner-a.lab', 'inner-secret.lab', 'quoted', 'db1', 'web01', 'web03', 'other', 'nohost'];
  it.each(aliases)('%s', (alias) => {
    const cfg = loadSshConfig(path.join(home, '.ssh', 'config'), { home });
    const r = resolveSshHost(cfg, alias);
    const g = sshG(alias);
    expect(r.hostName).toBe(g.get('hostname'));
    expect(r.user).toBe(g.get('user'));
    expect(r.port ?? 22).toBe(Number(g.get('port')));
    expect(r.proxyJump.join(',')).toBe(g.get('proxyjump') ?? '');
    expect(String(r.connectTimeoutSec)).toBe(g.get('connecttimeout'));
    expect(String(r.serverAliveIntervalSec)).toBe(g.get('serveraliveinterval'));
    expect(r.serverAliveCountMax ?? 3).toBe(Number(g.get('serveralivecountmax')));
    expect(r.strictHostKeyChecking).toBe(({ false: 'no', true: 'yes' } as Record<string, string>)[g.get('stricthostkeychecking')!] ?? g.get('stricthostkeychecking'));
    expect(r.identitiesOnly).toBe(g.get('identitiesonly') === 'yes');
  });

  it('Match user sees the -l override', () => {
    const cfg = loadSshConfig(path.join(home, '.ssh', 'config'), { home });
    const r = resolveSshHost(cfg, 'other', { user: 'admin' });
    expect(r.connectTimeoutSec).toBe(Number(sshG('other', ['-l', 'admin']).get('connecttimeout')));
    expect(r.connectTimeoutSec).toBe(3);
    expect(r.user).toBe('admin');
  });
});

describe('resolveSshHost details', () => {
  const cfg = () => loadSshConfig(path.join(home, '.ssh', 'config'), { home });

  it('accumulates IdentityFile in order and expands %h %r ~', () => {
    const r = resolveSshHost(cfg(), 'db1');
    expect(r.identityFiles).toEqual([
      path.join(home, '.ssh/id_db1.db.internal_dbadmin'),
      path.join(home, '.ssh/id_common'),
      path.join(home, '.ssh/id_default'),
    ]);
  });
  it('keeps quoted values with spaces as one argument', () => {
    expect(resolveSshHost(cfg(), 'spaced alias').identityFiles[0]).toBe(path.join(home, '.ssh/id with space'));
  });
  it('expands UserKnownHostsFile lists', () => {
    expect(resolveSshHost(cfg(), 'web02').userKnownHostsFiles).toEqual([path.join(home, '.ssh/known_hosts.web'), '/etc/ssh/ssh_known_hosts']);
  });
  it('reads included files in sorted order and only those the glob names', () => {
    const c = cfg();
    expect(c.files.map((f) => path.basename(f))).toEqual(['config', '10-web.conf', '20-other.conf']);
    expect(resolveSshHost(c, 'web01').user).toBe('deploy');
  });
  it('overrides win over the file', () => {
    const r = resolveSshHost(cfg(), 'bastion', { port: 2200, user: 'me', hostName: '127.0.0.1' });
    expect([r.hostName, r.port, r.user]).toEqual(['127.0.0.1', 2200, 'me']);
  });
  it('expands %d %u %p %n %% in paths', () => {
    const c = parseSshConfig('Host x\n  Port 2022\n  IdentityFile %d/k-%u-%p-%n-%%\n', 'mem', { home: '/h' });
    expect(resolveSshHost(c, 'x').identityFiles).toEqual([`/h/k-${os.userInfo().username}-2022-x-%`]);
  });
  it('reports unknown tokens instead of failing', () => {
    const r = resolveSshHost(parseSshConfig('IdentityFile ~/k%Z\n', 'mem', { home: '/h' }), 'x');
    expect(r.identityFiles).toEqual(['/h/k%Z']);
    expect(r.warnings.join()).toMatch(/unknown token %Z/);
  });
  it('Include inside a Host block applies only to that host', () => {
    const c = parseSshConfig('Host only\n  Include conf.d/20-other.conf\n', 'mem', { home });
    expect(resolveSshHost(c, 'only').hostName).toBe('only');
    expect(resolveSshHost(c, 'other').hostName).toBe('other');
    const c2 = parseSshConfig('Host other\n  Include conf.d/20-other.conf\n', 'mem', { home });
    expect(resolveSshHost(c2, 'other').hostName).toBe('other.example.com');
  });
  it('skips unsupported Match blocks with a warning', () => {
    const c = parseSshConfig('Match exec "true"\n  User nope\nMatch canonical host x\n  User nope2\nHost *\n  User yes\n', 'f', { home });
    expect(resolveSshHost(c, 'x').user).toBe('yes');
    expect(c.warnings).toEqual([expect.stringMatching(/^f:1: Match exec/), expect.stringMatching(/^f:3: Match canonical/)]);
  });
  it('supports Match negation and Key=value / Key = value', () => {
    const c = parseSshConfig('Match !host a*\n  Port=2001\nHost *\n  Port = 2002\n', 'f');
    expect(resolveSshHost(c, 'bee').port).toBe(2001);
    expect(resolveSshHost(c, 'abc').port).toBe(2002);
  });
  it('ProxyCommand before ProxyJump wins (and is reported as unsupported)', () => {
    const c = parseSshConfig('Host a\n  ProxyCommand nc %h %p\nHost *\n  ProxyJump b\n', 'f');
    const r = resolveSshHost(c, 'a');
    expect(r.proxyJump).toEqual([]);
    expect(r.warnings.join()).toMatch(/ProxyCommand is not supported/);
    expect(resolveSshHost(c, 'z').proxyJump).toEqual(['b']);
  });
  it('lists concrete hosts only', () => {
    expect(listConcreteHosts(cfg())).toEqual(['bastion', 'inner-secret.lab', 'spaced alias', 'quoted', 'web01', 'web02', 'other']);
  });
});

describe('errors', () => {
  const err = (text: string, h = home): SshConfigError => {
    try { parseSshConfig(text, 'cfg', { home: h }); } catch (e) { if (e instanceof SshConfigError) return e; throw e; }
    throw new Error('expected SshConfigError');
  };
  it('locates syntax errors', () => {
    expect(err('Host a\n  HostName "unterminated\n').message).toBe('cfg:2: unterminated " quote');
    expect(err('Host a\n\n  Port 99999\n').message).toMatch(/^cfg:3: port: expected a port 1-65535/);
    expect(err('Port\n').message).toBe('cfg:1: Port needs a value');
    expect(err('Hö st\n').message).toMatch(/^cfg:1: bad keyword/);
    expect(err('ConnectTimeout soon\n').message).toMatch(/^cfg:1: connecttimeout/);
    expect(err('Match\n').line).toBe(1);
  });
  it('stops Include loops at the depth limit', () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'loop-'));
    writeFileSync(path.join(d, 'a'), `Include ${d}/a\n`);
    expect(err(`Include ${d}/a\n`).message).toMatch(/Include nested deeper than 16/);
    rmSync(d, { recursive: true });
  });
  it('reports an unreadable Include with the including line', () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'inc-'));
    mkdirSync(path.join(d, 'adir'));
    expect(err(`\nInclude ${d}/adir\n`).message).toBe(`cfg:2: cannot read Include file ${d}/adir: EISDIR`);
    rmSync(d, { recursive: true });
  });
  it('a missing Include glob only warns; a missing main file is an empty config', () => {
    expect(parseSshConfig('Include nothing-here/*\n', 'cfg', { home }).warnings[0]).toMatch(/matched no file/);
    const c = loadSshConfig(path.join(home, 'does-not-exist'));
    expect(c.options).toEqual([]);
    expect(resolveSshHost(c, 'h')).toMatchObject({ hostName: 'h', identityFiles: [], proxyJump: [] });
  });
});

describe('patterns', () => {
  it('globs', () => {
    expect(globMatch('web01', 'web*')).toBe(true);
    expect(globMatch('web01', 'web?')).toBe(false);
    expect(globMatch('web01', 'w?b0?')).toBe(true);
    expect(globMatch('WEB01', 'web*', true)).toBe(true);
    expect(globMatch('a'.repeat(5000), '*a*a*a*a*a*a*a*a*b')).toBe(false); // must not hang
  });
  it('negation excludes, and negation alone never matches', () => {
    expect(matchPatternList('a.lab', ['*.lab', '!b.lab'])).toBe(true);
    expect(matchPatternList('b.lab', ['*.lab', '!b.lab'])).toBe(false);
    expect(matchPatternList('c', ['!b'])).toBe(false);
  });
});

describe('parseJumpSpec', () => {
  it.each([
    ['host', { host: 'host' }],
    ['u@h:2222', { user: 'u', host: 'h', port: 2222 }],
    ['u@x@h', { user: 'u@x', host: 'h' }],
    ['[::1]:2200', { host: '::1', port: 2200 }],
    ['me@[fe80::1%eth0]', { user: 'me', host: 'fe80::1%eth0' }],
    ['::1', { host: '::1' }],
    ['ssh://u@h:22', { user: 'u', host: 'h', port: 22 }],
  ])('%s', (spec, want) => expect(parseJumpSpec(spec)).toEqual(want));
  it.each(['', 'h:0', 'h:70000', 'h:abc', '-oProxyCommand=x', 'a b', 'a,b', '@h', '[::1'])('rejects %j', (spec) => {
    expect(() => parseJumpSpec(spec)).toThrow(SshConfigError);
  });
});
