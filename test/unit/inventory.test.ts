import { describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { InventoryError, loadInventory, parseInventory, type InventoryProblem } from '../../src-main/inventory/index.js';

const FIX = path.join(import.meta.dirname, 'fixtures', 'inventory');
const fx = (n: string): string => path.join(FIX, n);

function problems(run: () => unknown): InventoryProblem[] {
  try { run(); } catch (e) { if (e instanceof InventoryError) return e.problems; throw e; }
  throw new Error('expected an InventoryError');
}
/** `line:col path message` — compact enough to compare whole lists exactly. */
const brief = (ps: InventoryProblem[]): string[] => ps.map((p) => `${p.line}:${p.col} ${p.path} ${p.message}`);

describe('loadInventory: a valid file', () => {
  const inv = loadInventory(fx('good.yaml'));

  it('applies defaults and keeps per-node values', () => {
    expect(inv.nodes.map((n) => n.name)).toEqual(['bastion', 'node01', 'node02', 'db01', 'gpu01', 'prod01']);
    expect(inv.nodes[0]).toEqual({
      name: 'bastion', host: '127.0.0.1', port: 2201, user: 'root', identityFiles: [fx('id_ed25519')],
      jump: [], tags: ['infra'], env: 'lab', gpu: 'none',
    });
    expect(inv.nodes[5]).toMatchObject({ env: 'prod', tags: ['lab'], gpu: 'none' });
    expect(inv.nodes[1]!.port).toBeUndefined(); // left to ssh_config / 22
    expect(inv.nodes[1]!.user).toBeUndefined();
  });
  it('resolves paths against the inventory folder and expands ~', () => {
    expect(inv.ssh.config).toBe(fx('ssh_config'));
    expect(inv.ssh.knownHosts).toEqual([fx('known_hosts')]);
    expect(inv.nodes[4]!.identityFiles).toEqual([path.join(os.homedir(), 'keys/gpu'), '/abs/key']);
  });
  it('normalises jump to a list', () => {
    expect(inv.nodes[1]!.jump).toEqual(['bastion']);
    expect(inv.nodes[4]!.jump).toEqual(['jumper@gate.example.net:2200']);
  });
  it('keeps ssh settings and their defaults', () => {
    expect(inv.ssh).toMatchObject({ trustOnFirstUse: false, maxSessionsPerNode: 6, maxConcurrentHandshakes: 4, connectTimeout: 12 });
    const minimal = parseInventory('version: 1\nnodes:\n  - {name: a, host: h}\n', '/x/inv.yaml');
    expect(minimal.ssh).toEqual({ config: path.join(os.homedir(), '.ssh/config'), knownHosts: [], trustOnFirstUse: false, maxSessionsPerNode: 8, maxConcurrentHandshakes: 8 });
    expect(minimal.nodes[0]).toMatchObject({ env: 'lab', gpu: 'none', tags: [], identityFiles: [], jump: [] });
    expect(parseInventory('version: 1\nssh: {config: false}\nnodes: [{name: a, host: h}]\n', 'i.yaml').ssh.config).toBe(false);
  });
  it('keeps groups as selector terms', () => {
    expect(inv.groups).toEqual({ api: ['node01', 'node02'], gpu: ['tag:gpu'], 'everything-but-prod': ['all', '!env:prod'], web: ['group:api', 'node0*'] });
  });
});

describe('loadInventory: problems with exact positions', () => {
  it('schema errors: unknown fields, ranges, enums, names, missing fields — all at once', () => {
    const ps = problems(() => loadInventory(fx('bad-schema.yaml')));
    expect(brief(ps)).toEqual([
      '3:23 ssh.maxSessionsPerNode maxSessionsPerNode must be 1-64',
      '4:20 ssh.trustOnFirstUse trustOnFirstUse is true or false',
      '7:3 defaults.colour unknown field "colour"',
      '11:5 nodes[0].prot unknown field "prot"',
      '14:11 nodes[1].port port must be 1-65535',
      '15:10 nodes[1].env env must be one of lab, staging, prod',
      '16:11 nodes[2].name a name starts with a letter or digit and holds only letters, digits, ".", "_" and "-"',
      '18:5 nodes[3].name missing required field "name"',
      '19:11 nodes[3].tags tags is a list, e.g. [api, replica]',
      '21:8 groups.api a group needs at least one selector',
    ]);
    expect(ps[3]!.hint).toBe('did you mean "port"?');
    expect(ps[2]!.hint).toMatch(/^allowed here: port, user, identity/);
    expect(ps.every((p) => p.file === fx('bad-schema.yaml'))).toBe(true);
  });

  it('cross-field errors: unknown jump, cycles, duplicates, groups', () => {
    const ps = problems(() => loadInventory(fx('bad-refs.yaml')));
    expect(brief(ps)).toEqual([
      '5:11 nodes[0].jump jump names unknown node "bastoin"',
      '8:11 nodes[1].jump jump cycle: node02 → node03 → node02',
      '12:11 nodes[3].name duplicate node name "node01"',
      '16:11 nodes[4].jump bad jump "me@:22": bad host name',
      '19:11 nodes[5].jump node "bastion" cannot jump through itself',
      '21:17 groups.api[1] selector "tag:nope": no node has tag "nope"',
      '22:11 groups.ring-a groups refer to each other in a loop: ring-a → ring-b → ring-a',
      '24:10 groups.lost[0] unknown group "apl"',
      '25:8 groups.all bad group name "all"',
      '26:10 groups.typo[0] selector "nod01": no node or group is named "nod01"',
      '27:9 groups.bad[0] selector "colour:red": unknown selector kind "colour:" in "colour:red"',
    ]);
    expect(ps[0]!.hint).toBe('did you mean "bastion"?');
  });

  it('the error message lists file:line:col: path: message (hint)', () => {
    try { loadInventory(fx('bad-refs.yaml')); } catch (e) {
      const lines = (e as Error).message.split('\n');
      expect(lines[0]).toBe(`${fx('bad-refs.yaml')}: 11 problems:`);
      expect(lines[1]).toBe(`  ${fx('bad-refs.yaml')}:5:11: nodes[0].jump: jump names unknown node "bastoin" (did you mean "bastion"?)`);
      return;
    }
    throw new Error('expected an error');
  });

  it('YAML syntax errors carry line:col', () => {
    const ps = problems(() => loadInventory(fx('syntax.yaml')));
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ line: 5, col: 3 });
    expect(ps[0]!.message).toMatch(/^YAML: Flow sequence/);
  });

  it('duplicate YAML keys, empty files, unreadable files and alias bombs are problems, not crashes', () => {
    expect(brief(problems(() => parseInventory('version: 1\nversion: 1\nnodes: []\n', 'd.yaml')))[0]).toMatch(/^2:1 {2}YAML: Map keys must be unique/);
    expect(problems(() => parseInventory('', 'e.yaml'))[0]!.message).toBe('the inventory is empty');
    expect(problems(() => loadInventory(fx('no-such-file.yaml')))[0]!.message).toBe(`no such file: ${fx('no-such-file.yaml')}`);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    expect(problems(() => parseInventory(bomb, 'bomb.yaml'))[0]!.message).toMatch(/^YAML: /);
    expect(brief(problems(() => parseInventory('- just\n- a list\n', 'l.yaml')))).toEqual(['1:1  Invalid input: expected object, received array']);
    expect(brief(problems(() => parseInventory('version: 2\nnodes: [{name: a, host: b}]\n', 'v.yaml')))).toEqual(['1:10 version version must be 1']);
  });

  it('hostile strings in names, hosts, users, paths and tags are rejected by validation', () => {
    const ps = problems(() => loadInventory(fx('hostile.yaml')));
    expect(ps.map((p) => `${p.line}:${p.col} ${p.path}`)).toEqual([
      '3:11 nodes[0].name', '5:11 nodes[1].name', '6:11 nodes[1].host', '8:11 nodes[2].host', '11:11 nodes[3].user',
      '14:15 nodes[4].identity', '15:11 nodes[5].name', '16:11 nodes[5].host', '19:11 nodes[6].jump',
      '22:12 nodes[7].tags[0]', '22:31 nodes[7].tags[1]', '22:39 nodes[7].tags[2]',
    ]);
  });

  it.each([
    '$(reboot)', '`id`', 'a;b', 'a b', '-oProxyCommand=x', 'a\nb', '', '.hidden', 'ünïcödé', 'x'.repeat(65), 'a/b', 'a:b', 'a,b', '!a', 'a*',
  ])('node name %j is refused', (name) => {
    const ps = problems(() => parseInventory(`version: 1\nnodes:\n  - name: ${JSON.stringify(name)}\n    host: h\n`, 'n.yaml'));
    expect(ps.map((p) => `${p.line}:${p.col} ${p.path}`)).toEqual(['3:11 nodes[0].name']);
  });
});
