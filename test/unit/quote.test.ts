import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { argv, sh, shq, Shell } from '../../src-main/shell/index.js';

// Hostile strings: each must reach the program as exactly one argument, byte for byte.
const HOSTILE = [
  '; touch /tmp/pwned', '$(touch /tmp/pwned)', '`touch /tmp/pwned`', "it's", '"double"', 'a\nb',
  '-rf', '--help', '', ' ', '\t', '*', '~', '$HOME', '${IFS}', 'ünïcödé ✓ 🔥', "'\\''", '\\', '!', '#x', '&&', '|', '>', '<(x)',
];

function echoBack(cmd: string): string {
  // /bin/sh is dash on Debian: the strictest common POSIX shell.
  return execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
}

describe('shq', () => {
  it.each(HOSTILE)('passes %j through sh as one literal argument', (s) => {
    const out = echoBack(`printf '%s\\0' ${shq(s)}`);
    expect(out).toBe(`${s}\0`);
  });
  it('leaves safe words bare', () => {
    expect(shq('eth0')).toBe('eth0');
    expect(shq('10.0.0.1:22')).toBe('10.0.0.1:22');
  });
  it('refuses NUL bytes', () => {
    expect(() => shq('a\0b')).toThrow(/NUL/);
  });
});

describe('argv and sh', () => {
  it('quotes every word', () => {
    const out = echoBack(`printf '%s\\0' ${argv(...HOSTILE)}`);
    expect(out.split('\0').slice(0, -1)).toEqual(HOSTILE);
  });
  it('interpolates values quoted and Shell parts verbatim', () => {
    const inner = Shell.argv('echo', 'ok');
    const cmd = sh`printf '%s\\0' ${'$(id)'} ${['a b', 'c']} && ${inner}`;
    expect(echoBack(cmd.text)).toBe('$(id)\0a b\0c\0ok\n');
  });
});
