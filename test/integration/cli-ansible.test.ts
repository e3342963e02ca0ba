/**
 * `--inventory` takes an Ansible inventory directly, as `ansible -i` does (issue F §5): INI and
 * YAML told apart by content (an INI file named .yaml too), groups and children, `[group:vars]`,
 * `ansible_host`, `ansible_user`, `ansible_port`, and host aliases resolved through ~/.ssh/config.
 * Each node answers with its own name and the login user, and `ansible` itself, given the same
 * file and ssh_config, must reach the same node as the same user for every host.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestLab } from '../lab/fixture.js';
import { nodeDir } from '../../src-main/lab/netns/plan.js';
import type { LabInfo } from '../../src-main/lab/index.js';

const BIN = join(process.cwd(), 'resources/bin/gameday.mjs');
const PROBE = 'echo "$GAMEDAY_LAB_NODE $(id -un)"';

let lab: LabInfo;
let dir: string;
let home: string;
let sshConfig: string;

const ip = (name: string) => lab.nodes.find((n) => n.name === name)!.ip;

/** host → "node user", from `gameday exec` lines `host | node user`. */
function fromGameday(out: string): Record<string, string> {
  return Object.fromEntries([...out.matchAll(/^(\S+)\s+\| (\S+ \S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** host → "node user", from `ansible -m raw` blocks `host | CHANGED | rc=0 >>` + output line. */
function fromAnsible(out: string): Record<string, string> {
  return Object.fromEntries([...out.matchAll(/^(\S+) \| CHANGED \| rc=0 >>\n(\S+ \S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

function gameday(args: string[]) {
  const r = spawnSync('node', [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: home, NO_COLOR: '1', GAMEDAY_LAB_DIR: join(dir, 'no-labs'), GAMEDAY_WORKSPACE: join(dir, 'ws') } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  lab = getTestLab();
  const b = spawnSync('node', ['resources/build-cli.mjs'], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`CLI build failed: ${b.stderr}`);
  dir = mkdtempSync(join(tmpdir(), 'gd-ansible-'));
  home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  sshConfig = join(home, '.ssh', 'config');
  // Aliases exist only here: neither DNS nor the inventory knows web-a/web-b.
  writeFileSync(sshConfig, [
    'Host web-a', `  HostName ${ip('node01')}`,
    'Host web-b', `  HostName ${ip('node02')}`,
    'Host *', `  IdentityFile ${lab.keyPath}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${lab.knownHostsPath}`, '  GlobalKnownHostsFile /dev/null', '',
  ].join('\n'));
  chmodSync(sshConfig, 0o600);
  writeFileSync(join(dir, 'hosts.ini'), [
    '[web]', 'web-a', 'web-b ansible_port=22', '',
    '[web:vars]', 'ansible_user=gdlab', '',
    '[db]', `db1 ansible_host=${ip('node03')} ansible_user=root`, '',
    '[shop:children]', 'web', 'db', '',
  ].join('\n'));
  // The same inventory in Ansible's YAML form, and the INI text under a .yaml name (content decides).
  writeFileSync(join(dir, 'hosts.yml'), [
    'all:', '  children:', '    shop:', '      children:',
    '        web:', '          hosts:', '            web-a:', '            web-b: { ansible_port: 22 }', '          vars: { ansible_user: gdlab }',
    '        db:', '          hosts:', `            db1: { ansible_host: ${ip('node03')}, ansible_user: root }`, '',
  ].join('\n'));
  spawnSync('cp', [join(dir, 'hosts.ini'), join(dir, 'ini-named.yaml')]);
});

describe('--inventory with an Ansible inventory', () => {
  const truth = () => ({ 'web-a': 'node01 gdlab', 'web-b': 'node02 gdlab', db1: 'node03 root' });

  it.each(['hosts.ini', 'hosts.yml', 'ini-named.yaml'])('%s: every host is the node and user Ansible would use', (file) => {
    const r = gameday(['--inventory', file, 'exec', 'shop', '--', PROBE]);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(fromGameday(r.out)).toEqual(truth());
    // Groups select as Ansible's do: `web` is the two aliases.
    expect(Object.keys(fromGameday(gameday(['-i', file, 'exec', 'web', '--', PROBE]).out)).sort()).toEqual(['web-a', 'web-b']);
  });

  it('ansible -i reaches the same nodes as the same users', () => {
    const a = spawnSync('ansible', ['-i', 'hosts.ini', 'shop', '-m', 'raw', '-a', PROBE], {
      cwd: dir, encoding: 'utf8', timeout: 120_000,
      // OpenSSH reads ~/.ssh/config from the passwd home, not $HOME: point it at the same file.
      env: { ...process.env, HOME: home, ANSIBLE_SSH_ARGS: `-F ${sshConfig}`, ANSIBLE_HOST_KEY_CHECKING: 'True' },
    });
    expect(fromAnsible(a.stdout), a.stdout + a.stderr).toEqual(truth());
    expect(fromGameday(gameday(['-i', 'hosts.ini', 'exec', 'shop', '--', PROBE]).out)).toEqual(fromAnsible(a.stdout));
  });

  it('a bad value in an Ansible inventory is located on its line, exit 3, nothing sent', () => {
    writeFileSync(join(dir, 'bad.ini'), `[web]\nweb-a\nweb-b ansible_port=notaport\n`);
    const logs = () => lab.nodes.map((n) => statSync(join(nodeDir(lab.dir, n.name), 'sshd.log')).size);
    const before = logs();
    const r = gameday(['-i', 'bad.ini', 'exec', 'all', '--', 'true']);
    expect(logs()).toEqual(before);
    expect(r.code).toBe(3);
    expect(r.err).toContain(`${join(dir, 'bad.ini')}:3:1: web-b.port:`);
    expect(r.err).toMatch(/hint: /);
    expect(r.err).not.toMatch(/YAML: Unexpected scalar/);
  });

  it('inventory import still prints the converted gameday inventory', () => {
    const r = gameday(['inventory', 'import', 'hosts.ini']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^version: 1$/m);
    expect(r.out).toMatch(/name: web-b\n\s+host: web-b\n\s+port: 22\n\s+user: gdlab/);
  });
});
