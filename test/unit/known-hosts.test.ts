import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  appendKnownHost, checkHostKey, entryMatches, fingerprintSha256, knownHostsName, knownKeyTypes, parseKnownHosts,
} from '../../src-main/ssh/known-hosts.js';

const FIX = path.join(import.meta.dirname, 'fixtures', 'ssh');
const KH = path.join(FIX, 'known_hosts');
const key = (n: string): { type: string; b64: string } => {
  const [type, b64] = readFileSync(path.join(FIX, 'keys', `${n}.pub`), 'utf8').split(' ');
  return { type: type!, b64: b64! };
};
const A = key('a'), B = key('b'), C = key('c'), D = key('d');
let tmp: string;
beforeAll(() => { tmp = mkdtempSync(path.join(os.tmpdir(), 'kh-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Line numbers `ssh-keygen -F name -f file` reports (it prints "# Host … found: line N"). */
function keygenFind(name: string, file: string): number[] {
  const r = spawnSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' });
  return [...r.stdout.matchAll(/found: line (\d+)/g)].map((m) => Number(m[1]));
}
function ourFind(name: string, file: string): number[] {
  return parseKnownHosts(readFileSync(file, 'utf8'), file).entries.filter((e) => entryMatches(e, name)).map((e) => e.line);
}

describe('parseKnownHosts', () => {
  const parsed = parseKnownHosts(readFileSync(KH, 'utf8'), KH);
  it('reads entries with markers, patterns and comments', () => {
    expect(parsed.entries.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 17]);
    expect(parsed.entries[0]).toMatchObject({ patterns: ['a.example', '10.0.0.1'], keyType: 'ssh-ed25519', comment: 'comment for a' });
    expect(parsed.entries.find((e) => e.line === 9)?.marker).toBe('revoked');
    expect(parsed.entries.find((e) => e.line === 11)?.marker).toBe('cert-authority');
  });
  it('reports malformed lines with their numbers and skips them', () => {
    expect(parsed.problems.map((p) => [p.line, p.message])).toEqual([
      [12, 'key blob is truncated'],
      [13, 'unknown marker @bogus-marker'],
      [14, 'expected "hosts keytype base64-key [comment]"'],
      [15, 'key is not valid base64'],
      [16, 'key type ssh-rsa does not match the key (ssh-ed25519)'],
    ]);
  });
});

describe('host lookup agrees with ssh-keygen -F', () => {
  const names = ['a.example', '10.0.0.1', '[b.example]:2222', 'b.example', 'x.wild.example', 'bad.wild.example',
    '[x.wild.example]:2200', '[x.wild.example]:2201', 'multi.example', 'rev.example', 'h.ca.example', 'upper.example', 'nobody.example'];
  it.each(names)('plain file: %s', (name) => {
    expect(ourFind(name, KH)).toEqual(keygenFind(name, KH));
  });
  it.each(names)('hashed by ssh-keygen -H: %s', (name) => {
    const f = path.join(tmp, 'hashed');
    // ssh-keygen -H refuses a file with malformed lines, so hash only the valid ones (lines 12-16 are the bad ones).
    writeFileSync(f, readFileSync(KH, 'utf8').split('\n').filter((_, i) => i < 11 || i > 15).join('\n'));
    execFileSync('ssh-keygen', ['-H', '-f', f], { stdio: 'ignore' });
    expect(readFileSync(f, 'utf8')).toMatch(/^\|1\|/m);
    expect(ourFind(name, f)).toEqual(keygenFind(name, f));
    if (name === 'a.example' || name === '[b.example]:2222') {
      const [line] = ourFind(name, f);
      expect(readFileSync(f, 'utf8').split('\n')[line! - 1]).toMatch(/^\|1\|/); // found through the hash
    }
  });
  it('uses [host]:port for ports other than 22', () => {
    expect(knownHostsName('B.example', 2222)).toBe('[b.example]:2222');
    expect(knownHostsName('b.example', 22)).toBe('b.example');
  });
});

describe('checkHostKey', () => {
  it('match', () => {
    expect(checkHostKey([KH], 'a.example', 22, A.type, A.b64)).toMatchObject({ status: 'match', matched: { file: KH, line: 3 } });
    expect(checkHostKey([KH], 'b.example', 2222, A.type, A.b64).status).toBe('match');
    expect(checkHostKey([KH], 'UPPER.EXAMPLE', 22, B.type, B.b64).status).toBe('match');
  });
  it('changed: same key type, other key; expected lists what is on file', () => {
    const r = checkHostKey([KH], 'a.example', 22, B.type, B.b64);
    expect(r.status).toBe('changed');
    expect(r.expected).toEqual([{ keyType: 'ssh-ed25519', fingerprint: fingerprintSha256(A.b64), file: KH, line: 3 }]);
  });
  it('a port-22 entry does not vouch for another port', () => {
    expect(checkHostKey([KH], 'a.example', 2200, A.type, A.b64).status).toBe('unknown');
  });
  it('negated patterns exclude the host', () => {
    expect(checkHostKey([KH], 'ok.wild.example', 22, B.type, B.b64).status).toBe('match');
    expect(checkHostKey([KH], 'bad.wild.example', 22, B.type, B.b64).status).toBe('unknown');
  });
  it('unknown with other key types on file', () => {
    const r = checkHostKey([KH], 'multi.example', 22, A.type, A.b64);
    expect(r.status).toBe('unknown');
    expect(r.expected.map((e) => e.keyType)).toEqual(['ssh-rsa', 'ecdsa-sha2-nistp256']);
    expect(checkHostKey([KH], 'multi.example', 22, D.type, D.b64).status).toBe('match');
  });
  it('an rsa-sha2 signature name counts as the ssh-rsa key type', () => {
    expect(checkHostKey([KH], 'multi.example', 22, 'rsa-sha2-512', C.b64).status).toBe('match');
  });
  it('revoked wins over a matching line', () => {
    expect(checkHostKey([KH], 'rev.example', 22, B.type, B.b64)).toMatchObject({ status: 'revoked', matched: { line: 9 } });
    expect(checkHostKey([KH], 'rev.example', 22, A.type, A.b64).status).toBe('match');
  });
  it('cert-authority lines are not host keys', () => {
    const r = checkHostKey([KH], 'h.ca.example', 22, A.type, A.b64);
    expect(r).toEqual({ status: 'unknown', expected: [] });
  });
  it('missing files are skipped; later files are consulted', () => {
    expect(checkHostKey([path.join(tmp, 'nope'), KH], 'a.example', 22, A.type, A.b64).status).toBe('match');
  });
  it('knownKeyTypes lists types for the host, without revoked/CA lines', () => {
    expect(knownKeyTypes([KH], 'multi.example', 22)).toEqual(['ssh-rsa', 'ecdsa-sha2-nistp256']);
    expect(knownKeyTypes([KH], 'rev.example', 22)).toEqual(['ssh-ed25519']);
    expect(knownKeyTypes([KH], 'nobody', 22)).toEqual([]);
  });
});

describe('fingerprintSha256', () => {
  it.each(['a', 'c', 'd'])('equals ssh-keygen -l -E sha256 for key %s', (n) => {
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(FIX, 'keys', `${n}.pub`)], { encoding: 'utf8' });
    const k = key(n);
    expect(fingerprintSha256(k.b64)).toBe(out.split(' ')[1]);
    expect(fingerprintSha256(Buffer.from(k.b64, 'base64'))).toBe(out.split(' ')[1]);
  });
});

describe('appendKnownHost', () => {
  it('creates folder 0700 and file 0600, uses [host]:port, and ssh-keygen finds it', () => {
    const f = path.join(tmp, 'new', 'sub', 'known_hosts');
    appendKnownHost(f, 'Node01.lab', 2222, A.type, A.b64);
    appendKnownHost(f, 'node02.lab', 22, B.type, B.b64);
    expect(statSync(path.dirname(f)).mode & 0o777).toBe(0o700);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readFileSync(f, 'utf8')).toBe(`[node01.lab]:2222 ${A.type} ${A.b64}\nnode02.lab ${B.type} ${B.b64}\n`);
    expect(keygenFind('[node01.lab]:2222', f)).toEqual([1]);
    expect(checkHostKey([f], 'node01.lab', 2222, A.type, A.b64).status).toBe('match');
  });
  it('hashes when asked, in a form ssh-keygen -F accepts', () => {
    const f = path.join(tmp, 'hashed_append');
    appendKnownHost(f, '127.0.0.1', 2201, A.type, A.b64, { hash: true });
    expect(readFileSync(f, 'utf8')).not.toContain('127.0.0.1');
    expect(keygenFind('[127.0.0.1]:2201', f)).toEqual([1]);
    expect(checkHostKey([f], '127.0.0.1', 2201, A.type, A.b64).status).toBe('match');
  });
  it('starts a new line when the file does not end with one', () => {
    const f = path.join(tmp, 'nonl');
    writeFileSync(f, `a.example ${A.type} ${A.b64}`);
    appendKnownHost(f, 'b.example', 22, B.type, B.b64);
    expect(readFileSync(f, 'utf8').split('\n')).toHaveLength(3);
    expect(checkHostKey([f], 'a.example', 22, A.type, A.b64).status).toBe('match');
    expect(checkHostKey([f], 'b.example', 22, B.type, B.b64).status).toBe('match');
  });
  it.each(['a b', 'a,b', 'a\nevil ssh-ed25519 AAAA', '*', '!x', '', '|1|x|y', 'a#b'])('refuses hostile host %j', (h) => {
    expect(() => appendKnownHost(path.join(tmp, 'hostile'), h, 22, A.type, A.b64)).toThrow(TypeError);
  });
  it('refuses a bad key type or blob', () => {
    expect(() => appendKnownHost(path.join(tmp, 'hostile'), 'h', 22, 'ssh-ed25519\nx', A.b64)).toThrow(TypeError);
    expect(() => appendKnownHost(path.join(tmp, 'hostile'), 'h', 22, A.type, 'not base64!')).toThrow(TypeError);
  });
});
