/**
 * Any inventory a user hands to --inventory: gameday YAML or Ansible (INI or YAML), told apart by
 * content; Ansible hosts, users, ports, groups and [group:vars] as Ansible reads them; aliases
 * resolved through ~/.ssh/config; problems located on the Ansible file's own lines.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InventoryError, inventoryFormat, loadInventory, selectNodes, toConnectSpec } from '../../src-main/inventory/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gd-inv-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const INI = `# web tier
[web]
web1 ansible_host=10.0.0.1
web2 ansible_port=2222

[web:vars]
ansible_user=deploy

[db]
db1 ansible_host=10.0.0.3 ansible_user=pg ansible_port=5022

[shop:children]
web
db
`;

describe('format by content', () => {
  it('tells gameday YAML, Ansible YAML and Ansible INI apart, whatever the file is called', () => {
    expect(inventoryFormat('version: 1\nnodes: []\n')).toBe('gameday');
    expect(inventoryFormat(INI)).toBe('ansible-ini');
    expect(inventoryFormat('web1\nweb2\n')).toBe('ansible-ini');
    expect(inventoryFormat('all:\n  hosts:\n    a:\n  children:\n    web:\n      hosts: { b: }\n')).toBe('ansible-yaml');
    // Broken gameday files stay gameday, so its schema names the problem.
    expect(inventoryFormat('- just\n- a list\n')).toBe('gameday');
    expect(inventoryFormat('version: 1\nnodes:\n  - name: a\n    prot: 22\n')).toBe('gameday');
    expect(inventoryFormat('')).toBe('gameday');
  });

  it('reads an INI inventory named hosts.yaml (the reported "YAML: Unexpected scalar at node end")', () => {
    const inv = loadInventory(file('hosts.yaml', INI));
    expect(inv.source?.format).toBe('ansible-ini');
    expect(inv.nodes.map((n) => n.name)).toEqual(['web1', 'web2', 'db1']);
  });
});

describe('Ansible inventories as ansible -i reads them', () => {
  it('INI: ansible_host, ansible_user, ansible_port, [group:vars], groups and children', () => {
    const inv = loadInventory(file('hosts.ini', INI));
    const by = Object.fromEntries(inv.nodes.map((n) => [n.name, n]));
    expect(by.web1).toMatchObject({ host: '10.0.0.1', user: 'deploy' });
    expect(by.web2).toMatchObject({ host: 'web2', port: 2222, user: 'deploy' });
    expect(by.db1).toMatchObject({ host: '10.0.0.3', port: 5022, user: 'pg' });
    expect(selectNodes(inv, 'web').map((n) => n.name)).toEqual(['web1', 'web2']);
    expect(selectNodes(inv, 'group:shop').map((n) => n.name)).toEqual(['web1', 'web2', 'db1']);
  });

  it('YAML: the same hosts from the same structure', () => {
    const inv = loadInventory(file('hosts.yml', `all:
  children:
    shop:
      children:
        web:
          hosts:
            web1: { ansible_host: 10.0.0.1 }
            web2: { ansible_port: 2222 }
          vars: { ansible_user: deploy }
        db:
          hosts:
            db1: { ansible_host: 10.0.0.3, ansible_user: pg, ansible_port: 5022 }
`));
    expect(inv.source?.format).toBe('ansible-yaml');
    expect(inv.nodes.map((n) => [n.name, n.host, n.port ?? 22, n.user])).toEqual([['web1', '10.0.0.1', 22, 'deploy'], ['web2', 'web2', 2222, 'deploy'], ['db1', '10.0.0.3', 5022, 'pg']]);
    expect(selectNodes(inv, 'shop').length).toBe(3);
  });

  describe('hosts resolve through ~/.ssh/config', () => {
    const home = process.env.HOME;
    afterEach(() => {
      process.env.HOME = home;
    });

    it('an alias gets its HostName, User and Port from the ssh_config in $HOME', () => {
      const h = join(dir, 'home');
      mkdirSync(join(h, '.ssh'), { recursive: true });
      writeFileSync(join(h, '.ssh', 'config'), 'Host web2\n  HostName 10.9.8.7\n  Port 2200\n');
      process.env.HOME = h;
      const inv = loadInventory(file('alias.ini', '[web]\nweb2 ansible_user=deploy\n'));
      const spec = toConnectSpec(inv, inv.nodes[0]!);
      expect(spec).toMatchObject({ host: '10.9.8.7', port: 2200, user: 'deploy' });
    });
  });

  it('a bad value is located on the Ansible file\'s own line; nothing is half-read', () => {
    const p = file('bad.ini', '[web]\nweb1\nweb2 ansible_port=notaport\n');
    let err: InventoryError | undefined;
    try {
      loadInventory(p);
    } catch (e) {
      err = e as InventoryError;
    }
    expect(err).toBeInstanceOf(InventoryError);
    expect(err!.problems).toEqual([expect.objectContaining({ file: p, line: 3, col: 1, path: 'web2.port' })]);
  });

  it('what cannot be used (a Jinja template) is left out with a warning', () => {
    const inv = loadInventory(file('jinja.ini', '[web]\nweb1 ansible_host="{{ lookup(\'env\', \'X\') }}"\n'));
    expect(inv.nodes[0]!.host).toBe('web1');
    expect(inv.source?.warnings.join('\n')).toMatch(/Jinja/);
  });

  it('an Ansible inventory without hosts is an error, not an empty fleet', () => {
    expect(() => loadInventory(file('empty.ini', '[web]\n\n[db]\n'))).toThrow(/has no hosts/);
  });
});
