/**
 * The contract is written once, in src-main/api: the Role (and transport kind), the WebSocket wire
 * messages and the desktop IPC channels. Before issue #13 the role union was restated in ten
 * places, the wire types twice (bridge and renderer, kept equal by a type test) and main imported
 * its IPC channel names from the preload. This reads the sources and finds no restatement.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === 'node_modules' || f === 'fixtures') return [];
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|mts)$/.test(f) ? [p] : [];
  });
}
const sources = ['src-main', 'src-preload', 'src-renderer', 'test'].flatMap((d) => files(join(root, d))).map((f) => ({ file: relative(root, f), text: readFileSync(f, 'utf8') }));
const outsideApi = sources.filter((s) => !s.file.startsWith('src-main/api/') && s.file !== 'test/unit/contract-once.test.ts');

/** Each `file:line` of a source outside the contract whose line matches. */
function restated(pattern: RegExp, among = outsideApi): string[] {
  return among.flatMap((s) => s.text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${s.file}:${i + 1}`] : [])));
}

const ROLE = `'(?:commander|observer|trainee)'`;

describe('the contract is written once (src-main/api)', () => {
  it('no file outside api spells out the Role: a union or enum of role names', () => {
    expect(restated(new RegExp(`${ROLE}\\s*\\|\\s*${ROLE}`))).toEqual([]);
    expect(restated(new RegExp(`z\\.enum\\(\\[\\s*${ROLE}\\s*,\\s*${ROLE}\\s*(?:,\\s*${ROLE}\\s*)?\\]`))).toEqual([]);
  });

  it('no file outside api spells out the transport kind', () => {
    expect(restated(/'(?:electron|bridge)'\s*\|\s*'(?:electron|bridge)'/)).toEqual([]);
  });

  it('the wire messages are declared only in api/wire.ts', () => {
    expect(restated(/\|\s*\{\s*kind:\s*'(?:hello|result|event|error)'/)).toEqual([]);
    expect(restated(/clientMessageSchema\s*=/)).toEqual([]);
  });

  it('IPC channel names live in api/desktop.ts; main and the renderer never import the preload', () => {
    const src = outsideApi.filter((s) => s.file.startsWith('src-'));
    expect(restated(/['"`]gameday:(?:call|event|desktop:)/, src)).toEqual([]);
    expect(restated(/from\s+['"][^'"]*src-preload\//, src.filter((s) => !s.file.startsWith('src-preload/')))).toEqual([]);
  });
});
