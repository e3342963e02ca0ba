import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadInventory, parseInventory, selectNodes, SelectorError, type Inventory } from '../../src-main/inventory/index.js';

const inv = loadInventory(path.join(import.meta.dirname, 'fixtures', 'inventory', 'good.yaml'));
const names = (sel: string, i: Inventory = inv): string[] => selectNodes(i, sel).map((n) => n.name);
function selectorError(sel: string, i: Inventory = inv): SelectorError {
  try { selectNodes(i, sel); } catch (e) { if (e instanceof SelectorError) return e; throw e; }
  throw new Error(`expected "${sel}" to fail`);
}

describe('selectNodes', () => {
  it.each([
    ['all', ['bastion', 'node01', 'node02', 'db01', 'gpu01', 'prod01']],
    ['node0*', ['node01', 'node02']],
    ['node0?', ['node01', 'node02']],
    ['db01', ['db01']],
    ['tag:api', ['node01', 'node02']],
    ['env:staging', ['db01']],
    ['gpu:amd', ['gpu01']],
    ['group:api', ['node01', 'node02']],
    ['api', ['node01', 'node02']],
    ['gpu', ['gpu01']],
    ['web', ['node01', 'node02']],
    ['all,!env:prod', ['bastion', 'node01', 'node02', 'db01', 'gpu01']],
    ['everything-but-prod,!tag:api', ['bastion', 'db01', 'gpu01']],
    ['prod01, node01', ['node01', 'prod01']],
    ['tag:db,tag:gpu,!gpu01', ['db01']],
    ['all,!group:api,!bastion', ['db01', 'gpu01', 'prod01']],
    ['!env:prod', []],
    ['all,!env:staging,!gpu:nvidia', ['bastion', 'node01', 'node02', 'gpu01', 'prod01']],
  ])('%s', (sel, want) => expect(names(sel)).toEqual(want));

  it('unknown group: error with close names', () => {
    const e = selectorError('group:apii');
    expect(e.code).toBe('UNKNOWN_GROUP');
    expect(e.hint).toBe('did you mean "api"?');
  });
  it('a name that matches nothing suggests close names', () => {
    const e = selectorError('nod01');
    expect(e.code).toBe('NO_MATCH');
    expect(e.hint).toMatch(/"node01"/);
    expect(selectorError('web9*').code).toBe('NO_MATCH');
    expect(selectorError('tag:apii').hint).toBe('did you mean "api"?');
  });
  it('bad terms', () => {
    expect(selectorError('').code).toBe('BAD_SELECTOR');
    expect(selectorError('node01,,node02').code).toBe('BAD_SELECTOR');
    expect(selectorError('env:production').message).toMatch(/use one of lab, staging, prod/);
    expect(selectorError('gpu:intel').code).toBe('BAD_SELECTOR');
    expect(selectorError('host:x').message).toMatch(/unknown selector kind "host:"/);
    expect(selectorError('tag:').code).toBe('BAD_SELECTOR');
  });
  it('exclusions that match nothing are fine; positive terms that match nothing are not', () => {
    expect(names('all,!tag:none-such')).toHaveLength(6);
    expect(selectorError('tag:none-such,all').code).toBe('NO_MATCH');
  });
  it('does not treat Object.prototype names as groups', () => {
    expect(selectorError('constructor').code).toBe('NO_MATCH');
    expect(selectorError('group:__proto__').code).toBe('UNKNOWN_GROUP');
    expect(selectorError('group:toString').code).toBe('UNKNOWN_GROUP');
  });
  it('a group called __proto__ is an inventory error, not a silently lost group', () => {
    expect(() => parseInventory('version: 1\nnodes: [{name: a, host: h}]\ngroups:\n  __proto__: [a]\n', 'x.yaml')).toThrow(/x\.yaml:4:3: groups.__proto__: bad group name/);
  });
  it('hostile selectors are errors, never crashes', () => {
    for (const s of ['$(reboot)', '`id`', '; rm -rf /', 'a\nb', '*'.repeat(1000) + 'x']) {
      expect(() => selectNodes(inv, s)).toThrow(SelectorError);
    }
  });
  it('group loops in a hand-built inventory are reported, not followed forever', () => {
    const looped = { ...inv, groups: { a: ['group:b'], b: ['group:a'] } };
    expect(selectorError('a', looped).code).toBe('GROUP_CYCLE');
  });
  it('a bare word that is both a node and a group selects both', () => {
    const i = parseInventory('version: 1\nnodes:\n  - {name: x, host: h1}\n  - {name: y, host: h2}\ngroups:\n  x: [y]\n', 'i.yaml');
    expect(names('x', i)).toEqual(['x', 'y']);
  });
});
