import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AnsibleImportError, importAnsible, importAnsibleDetailed, importAnsibleText, importFromSshConfig, parseInventory, selectNodes,
  stringifyInventory, type InventoryDoc, type NodeDoc,
} from '../../src-main/inventory/index.js';
import { expandHostRange } from '../../src-main/inventory/ansible-model.js';
import { loadSshConfig } from '../../src-main/ssh/ssh-config.js';

const FIX = path.join(import.meta.dirname, 'fixtures');
const INI = path.join(FIX, 'inventory', 'ansible-hosts.ini');
const YML = path.join(FIX, 'inventory', 'ansible-hosts.yml');
const byName = (doc: InventoryDoc): Record<string, NodeDoc> => Object.fromEntries(doc.nodes.map((n) => [n.name, n]));
/** The written YAML must load back as a valid inventory. */
const roundTrip = (doc: InventoryDoc) => parseInventory(stringifyInventory(doc, 'imported'), path.join(os.tmpdir(), 'imported.yaml'));

// A missing tool fails loudly (the test command installs ansible), never skips.
const hasAnsible = spawnSync('ansible-inventory', ['--version']).status === 0;
if (!hasAnsible) throw new Error('ansible-inventory is missing: run the tests through `npm test`, which installs ansible');
/** Ansible's own view of host vars, for cross-checking what we inherit. */
function ansibleHostvars(file: string): Record<string, Record<string, unknown>> {
  const r = spawnSync('ansible-inventory', ['-i', file, '--list'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_HOME: os.tmpdir() } });
  return (JSON.parse(r.stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> } })._meta.hostvars;
}

describe('importAnsible: INI', () => {
  const { doc, warnings } = importAnsibleDetailed(INI);
  const n = byName(doc);

  it('expands ranges and keeps first-appearance order', () => {
    expect(doc.nodes.map((x) => x.name)).toEqual([
      'jumpbox.example.com', 'web01.example.com', 'web02.example.com', 'web03.example.com', 'special.example.com', 'db1', 'db2', 'gpu01',
    ]);
  });
  it('inherits vars all → parent → child → host and maps them to node fields', () => {
    expect(n['web01.example.com']).toEqual({ name: 'web01.example.com', host: 'web01.example.com', port: 2022, user: 'deploy', env: 'lab', tags: ['app', 'web'] });
    expect(n['special.example.com']).toMatchObject({ host: '10.0.0.9', port: 2222, user: 'appuser', env: 'staging' });
    expect(n.db1).toMatchObject({ host: '10.0.1.1', identity: '~/.ssh/db_key', jump: 'jumpbox.example.com', tags: ['app', 'db'] });
    expect(n.db2!.env).toBe('prod');
    expect(n.gpu01).toEqual({ name: 'gpu01', host: '10.0.2.1', user: 'fallback', gpu: 'amd', tags: ['gpu'] });
    expect(n['jumpbox.example.com']).toEqual({ name: 'jumpbox.example.com', host: '127.0.0.1', port: 2201, user: 'jump' });
  });
  it('groups become inventory groups, children as group: references', () => {
    expect(doc.groups).toEqual({
      web: ['web01.example.com', 'web02.example.com', 'web03.example.com', 'special.example.com'],
      db: ['db1', 'db2'], gpu: ['gpu01'], app: ['group:web', 'group:db'],
    });
  });
  it('leaves Jinja templates out with a warning', () => {
    expect(warnings.filter((w) => w.includes('templated uses a Jinja template'))).toHaveLength(8);
  });
  it('agrees with ansible-inventory on host, port and user', () => {
    const hv = ansibleHostvars(INI);
    expect(Object.keys(hv).sort()).toEqual(Object.keys(n).sort());
    for (const [host, vars] of Object.entries(hv)) {
      expect({ host: n[host]!.host, port: n[host]!.port, user: n[host]!.user }, host).toEqual({
        host: vars.ansible_host ?? host, port: vars.ansible_port, user: vars.ansible_user,
      });
    }
  });
  it('round-trips to a valid inventory whose groups select the right nodes', () => {
    const inv = roundTrip(doc);
    expect(selectNodes(inv, 'app').map((x) => x.name)).toEqual([
      'web01.example.com', 'web02.example.com', 'web03.example.com', 'special.example.com', 'db1', 'db2',
    ]);
    expect(selectNodes(inv, 'env:prod').map((x) => x.name)).toEqual(['db2']);
  });
});

describe('importAnsible: YAML', () => {
  const { doc } = importAnsibleDetailed(YML);
  const n = byName(doc);

  it('walks nested children and merges a group seen twice', () => {
    expect(doc.nodes.map((x) => x.name)).toEqual(['bastion', 'apia', 'apib', 'apic', 'gpu1', 'stg1']);
    expect(n.apia).toEqual({ name: 'apia', host: 'apia', port: 2022, user: 'api', env: 'lab', tags: ['lab', 'staging', 'api'], jump: 'bastion' });
    expect(n.gpu1).toMatchObject({ host: '10.0.2.1', port: 2200, user: 'fallback', gpu: 'nvidia', env: 'lab' });
    expect(n.stg1).toMatchObject({ env: 'staging', jump: 'ops@gate.example.net:2222', user: 'fallback' });
    expect(n.bastion).toEqual({ name: 'bastion', host: '127.0.0.1', port: 2201, user: 'fallback' });
  });
  it('drops empty groups, keeps the rest', () => {
    expect(doc.groups).toEqual({ lab: ['group:api', 'group:gpu'], api: ['apia', 'apib', 'apic'], gpu: ['gpu1'], staging: ['stg1', 'apia'] });
  });
  it('agrees with ansible-inventory on host, port and user', () => {
    const hv = ansibleHostvars(YML);
    expect(Object.keys(hv).sort()).toEqual(Object.keys(n).sort());
    for (const [host, vars] of Object.entries(hv)) {
      expect({ host: n[host]!.host, port: n[host]!.port, user: n[host]!.user }, host).toEqual({
        host: vars.ansible_host ?? host, port: vars.ansible_port, user: vars.ansible_user,
      });
    }
  });
  it('round-trips', () => {
    expect(roundTrip(doc).nodes).toHaveLength(6);
  });
});

describe('importAnsible: detection and errors', () => {
  it('detects INI vs YAML by extension, then by content', () => {
    expect(importAnsibleText('[g]\nh1\n', 'inventory').doc.nodes[0]!.name).toBe('h1');
    expect(importAnsibleText('h1 ansible_port=2\n', 'hosts').doc.nodes[0]!.port).toBe(2);
    expect(importAnsibleText('all:\n  hosts:\n    h2:\n', 'hosts').doc.nodes[0]!.name).toBe('h2');
    expect(importAnsible(YML).nodes).toHaveLength(6);
  });
  it.each([
    ['[g:bogus]\nh\n', 'x.ini', /x\.ini:1: bad section/],
    ['[g]\nh notkv\n', 'x.ini', /x\.ini:2: expected key=value/],
    ['[g]\nh a="open\n', 'x.ini', /x\.ini:2: unterminated/],
    ['[g]\nweb[05:01]\n', 'x.ini', /x\.ini:2: range end before start/],
    ['all:\n  hostz: {}\n', 'x.yml', /unknown key "hostz"/],
    ['all: [1, 2\n', 'x.yml', /x\.yml:\d+: YAML/],
    ['all:\n  hosts: [a]\n', 'x.yml', /^x\.yml: hosts of group "all" must be a mapping/],
    ['- a\n', 'x.yml', /expected a mapping of groups/],
  ])('%j is an AnsibleImportError', (text, file, re) => {
    expect(() => importAnsibleText(text, file)).toThrow(AnsibleImportError);
    expect(() => importAnsibleText(text, file)).toThrow(re);
  });
  it('hostile host names are cleaned into valid node names, and cannot break the written YAML', () => {
    const { doc } = importAnsibleText('[g]\n"$(reboot)" ansible_host=10.0.0.1\nfe80::1\n', 'x.ini');
    const inv = roundTrip(doc);
    expect(inv.nodes.map((x) => x.name)).toEqual(['reboot-', 'fe80--1']);
    expect(inv.nodes.map((x) => x.host)).toEqual(['10.0.0.1', 'fe80::1']);
  });
  it('__proto__ keys in vars are ignored, not merged into anything', () => {
    const { doc } = importAnsibleText('all:\n  vars:\n    __proto__: {ansible_user: evil}\n  hosts:\n    h:\n      __proto__: {ansible_port: 1}\n', 'x.yml');
    expect(doc.nodes).toEqual([{ name: 'h', host: 'h' }]);
    expect(importAnsibleText('[g]\nh __proto__=x\n[g:vars]\n__proto__=y\n', 'x.ini').doc.nodes).toEqual([{ name: 'h', host: 'h', tags: ['g'] }]);
  });
  it('a hostile ansible_host is refused by validation after import', () => {
    const { doc } = importAnsibleText('[g]\nh ansible_host="-oProxyCommand=x"\n', 'x.ini');
    expect(() => roundTrip(doc)).toThrow(/nodes\[0\]\.host/);
  });
  it('expands ranges', () => {
    expect(expandHostRange('web[01:03].x')).toEqual(['web01.x', 'web02.x', 'web03.x']);
    expect(expandHostRange('n[1:9:4]')).toEqual(['n1', 'n5', 'n9']);
    expect(expandHostRange('r[a:b]c[1:2]')).toEqual(['rac1', 'rac2', 'rbc1', 'rbc2']);
    expect(() => expandHostRange('x[0:99999999]')).toThrow(/too large/);
  });
});

describe('importFromSshConfig', () => {
  it('turns concrete Host entries into nodes with resolved values', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'imp-'));
    cpSync(path.join(FIX, 'ssh'), path.join(home, '.ssh'), { recursive: true });
    const doc = importFromSshConfig(loadSshConfig(path.join(home, '.ssh', 'config'), { home }));
    const n = byName(doc);
    expect(Object.keys(n)).toEqual(['bastion', 'inner-secret.lab', 'spaced-alias', 'quoted', 'web01', 'web02', 'other']);
    expect(n.bastion).toEqual({ name: 'bastion', host: 'bastion.example.net', port: 2222, user: 'jumper', identity: path.join(home, '.ssh/id_default') });
    expect(n.web01).toMatchObject({ host: 'web01.example.com', port: 8022, user: 'deploy' });
    expect(n.other).toMatchObject({ host: 'other.example.com', jump: 'web01' });
    expect(n['inner-secret.lab']!.jump).toBeUndefined();
    expect(roundTrip(doc).nodes).toHaveLength(7);
    rmSync(home, { recursive: true });
  });
  it('hops outside the import are written as host:port so they stay valid', () => {
    const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'imp-')), 'config');
    writeFileSync(f, 'Host a\n  ProxyJump jump.example.net,u@j2\nHost jump.*\n  Port 2200\n');
    const doc = importFromSshConfig(loadSshConfig(f));
    expect(doc.nodes[0]!.jump).toEqual(['jump.example.net:2200', 'u@j2']);
    expect(roundTrip(doc).nodes[0]!.jump).toEqual(['jump.example.net:2200', 'u@j2']);
  });
});

describe('stringifyInventory', () => {
  it('writes YAML that loads back to the same inventory, selectors with YAML-special characters included', () => {
    const doc: InventoryDoc = {
      version: 1,
      ssh: { config: false, knownHosts: ['./kh'], connectTimeout: 5 },
      defaults: { user: 'root', tags: ['lab'] },
      nodes: [
        { tags: ['api', 'x'], name: 'n1', host: '10.0.0.1', jump: 'u@[::1]:2200', env: 'staging' },
        { name: 'n2', host: 'fe80::1%eth0', identity: ['~/a key', './b'], gpu: 'amd' },
      ],
      groups: { g: ['all', '!env:prod', 'tag:api', 'n*', 'group:h'], h: ['n2'] },
    };
    const text = stringifyInventory(doc, 'header line');
    expect(text.startsWith('# header line\n')).toBe(true);
    expect(text).toContain('tags: [api, x]');
    const inv = parseInventory(text, '/tmp/x.yaml');
    expect(inv.groups.g).toEqual(['all', '!env:prod', 'tag:api', 'n*', 'group:h']);
    expect(inv.nodes[0]).toMatchObject({ name: 'n1', jump: ['u@[::1]:2200'], env: 'staging', tags: ['api', 'x'], user: 'root' });
    expect(inv.nodes[1]).toMatchObject({ host: 'fe80::1%eth0', identityFiles: [path.join(os.homedir(), 'a key'), '/tmp/b'], gpu: 'amd' });
    expect(text.indexOf('name: n1')).toBeLessThan(text.indexOf('tags: [api, x]'));
  });
});
