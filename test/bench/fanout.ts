/**
 * Benchmark (not a test): the same command fanned out to N lab nodes by this project, by
 * `pdsh -R ssh` and by `ansible -m raw`, cold (new connections, new process) and warm (pool open).
 * Every figure comes from this one run on this machine; ratios are against pdsh measured here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshPool, type ConnectSpec } from '../../src-main/ssh/index.js';
import { Shell } from '../../src-main/shell/index.js';
import { labDown, labUp, type LabInfo } from '../../src-main/lab/index.js';
import { median, ms, ratio, sample } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? '10,50').split(',').map(Number);
const CMD = 'true';

function sshArgs(lab: LabInfo, extra: string[] = []): string[] {
  return ['-i', lab.keyPath, '-o', `UserKnownHostsFile=${lab.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', ...extra];
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(0, 400)}`);
}

async function main(): Promise<void> {
  const max = Math.max(...SIZES);
  console.log(`fan-out benchmark: '${CMD}' on N lab nodes, ${RUNS} runs each, median wall time`);
  const t0 = Date.now();
  const lab = await labUp({ nodes: max });
  console.log(`lab ${lab.id} with ${max} nodes up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const rows: string[] = [];
  try {
    const iniFile = join(lab.dir, 'ansible.ini');
    for (const n of SIZES) {
      const nodes = lab.nodes.filter((x) => x.role === 'node').slice(0, n);
      const ips = nodes.map((x) => x.ip);
      const specs: ConnectSpec[] = nodes.map((x) => ({ name: x.name, host: x.ip, port: 22, user: 'root', identityFiles: [lab.keyPath], knownHostsFiles: [lab.knownHostsPath] }));
      writeFileSync(iniFile, `[lab]\n${ips.join('\n')}\n[lab:vars]\nansible_user=root\nansible_ssh_private_key_file=${lab.keyPath}\nansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHostsPath} -o StrictHostKeyChecking=yes'\n`);
      const inv = lab.inventoryPath;
      const selector = nodes.map((x) => x.name).join(',');

      // This project, cold: a new CLI process opening N new connections (what a user types).
      const oursCold = median(await sample(RUNS, async () => run('node', ['resources/bin/gameday.mjs', '--inventory', inv, 'exec', selector, CMD]), 1));
      // This project, warm: the pool is open (how the console runs steps during a game day).
      const pool = new SshPool();
      await pool.fanOut(specs, Shell.raw(CMD));
      const oursWarm = median(await sample(RUNS * 4, async () => {
        const rs = await pool.fanOut(specs, Shell.raw(CMD));
        if (!rs.every((r) => r.ok)) throw new Error('warm fan-out failed');
      }));
      await pool.dispose();
      // pdsh with its ssh module, fan-out wide enough for all N at once.
      const pdshEnv = { ...process.env, PDSH_SSH_ARGS: `${sshArgs(lab).join(' ')} -l root %h`, PDSH_SSH_ARGS_APPEND: '' };
      const pdsh = median(await sample(RUNS, async () => run('pdsh', ['-R', 'ssh', '-f', String(n), '-w', ips.join(','), CMD], pdshEnv), 1));
      // pdsh through OpenSSH ControlMaster sockets already open: the closest thing pdsh has to a warm pool.
      const cm = join(lab.dir, 'cm-%h');
      const cmArgs = sshArgs(lab, ['-o', `ControlPath=${cm}`, '-o', 'ControlMaster=auto', '-o', 'ControlPersist=120']);
      const pdshCmEnv = { ...process.env, PDSH_SSH_ARGS: `${cmArgs.join(' ')} -l root %h` };
      run('pdsh', ['-R', 'ssh', '-f', String(n), '-w', ips.join(','), CMD], pdshCmEnv);
      const pdshWarm = median(await sample(RUNS, async () => run('pdsh', ['-R', 'ssh', '-f', String(n), '-w', ips.join(','), CMD], pdshCmEnv)));
      for (const ip of ips) spawnSync('ssh', [...cmArgs, '-O', 'exit', `root@${ip}`], { stdio: 'ignore' });
      // ansible ad-hoc with the raw module (no Python needed on the node).
      const ansEnv = { ...process.env, ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_NOCOLOR: '1', ANSIBLE_LOAD_CALLBACK_PLUGINS: '0' };
      const ansible = median(await sample(Math.max(2, Math.ceil(RUNS / 2)), async () => run('ansible', ['lab', '-i', iniFile, '-m', 'raw', '-a', CMD, '-f', String(n)], ansEnv)));

      rows.push(
        `N=${String(n).padEnd(3)} pdsh -R ssh (cold)        ${ms(pdsh)}   1.00× (the anchor of this block: cold pdsh)`,
        `      gameday exec CLI (cold)     ${ms(oursCold)}   ${ratio(oursCold, pdsh)} of cold pdsh`,
        `      gameday pool (warm)         ${ms(oursWarm)}   ${ratio(oursWarm, pdsh)} of cold pdsh (against warm pdsh: see the next line and stop-warm.ts)`,
        `      pdsh + ControlMaster (warm) ${ms(pdshWarm)}   ${ratio(pdshWarm, pdsh)} of cold pdsh   (ours warm = ${ratio(oursWarm, pdshWarm)} of warm pdsh)`,
        `      ansible -m raw              ${ms(ansible)}   ${ratio(ansible, pdsh)} of cold pdsh`,
      );
      console.log(rows.slice(-5).join('\n'));
    }
  } finally {
    await labDown(lab.id);
  }
  console.log(`\nmachine: ${execFileSync('nproc').toString().trim()} cores, node ${process.version}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
