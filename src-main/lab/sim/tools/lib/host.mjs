// Simulated host tools: id, hostname, date, df, fallocate, dd, unshare, ip, nft, and refusing stubs
// for anything else that would change the real host.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Exit, nodeConfig, nodeEnv, readJson, updateJson } from './env.mjs';
import { BALLAST_MARK, dataDisk, onDataDisk, rootDisk } from './disk.mjs';

/** Where the real tools are, for the pass-through cases (never the simulated ones on PATH). */
function real(tool) {
  for (const d of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) if (existsSync(`${d}/${tool}`)) return `${d}/${tool}`;
  throw new Exit(127, `${tool}: not found on this machine\n`);
}

function passThrough(tool, args, env = process.env) {
  const r = spawnSync(real(tool), args, { stdio: 'inherit', env });
  throw new Exit(r.status ?? 1);
}

export function idMain(argv) {
  const f = argv.join('');
  if (/u/.test(f) || /g/.test(f) || /G/.test(f)) return `${/n/.test(f) ? 'root' : '0'}\n`;
  return 'uid=0(root) gid=0(root) groups=0(root)\n';
}

export function hostnameMain(argv) {
  const env = nodeEnv();
  if (argv.length === 0 || argv[0] === '-f' || argv[0] === '-s' || argv[0] === '--fqdn') return `${env.name}\n`;
  if (argv[0] === '-I' || argv[0] === '-i') return `${env.ip} \n`;
  throw new Exit(1, 'hostname: you must be root to change the host name (not simulated)\n');
}

/** Seconds the simulated wall clock is ahead of the real one (clock-skew). */
export function clockOffset(state) {
  return Number(readJson(state, 'clock', { offsetSec: 0 }).offsetSec) || 0;
}

export function dateMain(argv) {
  const env = nodeEnv();
  const setAt = argv.findIndex((a) => a === '-s' || a === '--set' || a.startsWith('--set='));
  if (setAt >= 0) {
    const v = argv[setAt].startsWith('--set=') ? argv[setAt].slice(6) : argv[setAt + 1];
    const r = spawnSync(real('date'), ['-d', v ?? '', '+%s.%N'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Exit(1, `date: invalid date '${v}'\n`);
    const target = Number(r.stdout.trim());
    updateJson(env.state, 'clock', { offsetSec: 0 }, (c) => void (c.offsetSec = target - Date.now() / 1000));
    const rest = argv.filter((_, i) => i !== setAt && i !== setAt + 1 && !argv[setAt].startsWith('--set='));
    return dateMain(rest.length ? rest : []);
  }
  const off = clockOffset(env.state);
  if (off === 0 || argv.some((a) => a === '-d' || a === '-r' || a.startsWith('--date') || a.startsWith('--reference'))) passThrough('date', argv);
  const now = Date.now() / 1000 + off;
  passThrough('date', process.platform === 'darwin' ? ['-r', String(Math.floor(now)), ...argv] : ['-d', `@${now.toFixed(9)}`, ...argv]);
  return '';
}

function dfLine(name, d, mount, posix) {
  const cap = `${d.usedPct}%`;
  return posix
    ? `${name.padEnd(14)} ${String(d.sizeKb).padStart(11)} ${String(d.usedKb).padStart(8)} ${String(d.availKb).padStart(9)} ${cap.padStart(8)} ${mount}`
    : `${name.padEnd(14)} ${String(d.sizeKb).padStart(9)} ${String(d.usedKb).padStart(8)} ${String(d.availKb).padStart(9)} ${cap.padStart(4)} ${mount}`;
}

export function dfMain(argv) {
  const env = nodeEnv();
  const cfg = nodeConfig(env.state);
  const posix = argv.some((a) => /^-[a-zA-Z]*P/.test(a) || a === '--portability');
  const paths = argv.filter((a) => !a.startsWith('-'));
  const data = dataDisk(env.root, cfg);
  const rootFs = dfLine('/dev/vda1', rootDisk(cfg), '/', posix);
  const dataFs = dfLine('/dev/vdb1', data, data.dataDir, posix);
  const head = posix ? 'Filesystem     1024-blocks     Used Available Capacity Mounted on' : 'Filesystem     1K-blocks     Used Available Use% Mounted on';
  if (paths.length === 0) return `${head}\n${rootFs}\n${dataFs}\n`;
  const lines = [head];
  let code = 0;
  let errText = '';
  for (const p of paths) {
    if (!existsSync(p)) {
      errText += `df: ${p}: No such file or directory\n`;
      code = 1;
      continue;
    }
    lines.push(onDataDisk(env.root, p) ? dataFs : rootFs);
  }
  if (code) throw new Exit(code, errText, lines.length > 1 ? `${lines.join('\n')}\n` : '');
  return `${lines.join('\n')}\n`;
}

const SIZE = { '': 1, k: 1024, kib: 1024, kb: 1000, m: 1024 ** 2, mib: 1024 ** 2, mb: 1e6, g: 1024 ** 3, gib: 1024 ** 3, gb: 1e9, t: 1024 ** 4 };
function bytes(s, tool) {
  const m = /^(\d+)([a-z]*)$/i.exec(s ?? '');
  if (!m || SIZE[m[2].toLowerCase()] === undefined) throw new Exit(1, `${tool}: invalid length value specified\n`);
  return Number(m[1]) * SIZE[m[2].toLowerCase()];
}

/** Write a ballast marker claiming `n` bytes, only on the data disk and only if it fits. */
function ballast(tool, file, n) {
  const env = nodeEnv();
  if (!onDataDisk(env.root, dirname(file))) throw new Exit(1, `${tool}: ${file}: outside the simulated data disk (the simulated lab never writes ballast to the real disk)\n`);
  const d = dataDisk(env.root, nodeConfig(env.state));
  if (n / 1024 > d.availKb) throw new Exit(1, `${tool}: fallocate failed: No space left on device\n`);
  writeFileSync(file, `${BALLAST_MARK}${Math.round(n)}\n`);
  return '';
}

export function fallocateMain(argv) {
  const i = argv.indexOf('-l');
  const file = argv.filter((a, k) => !a.startsWith('-') && k !== i + 1).pop();
  if (i < 0 || !file) throw new Exit(1, 'fallocate: no length argument specified\n');
  return ballast('fallocate', file, bytes(argv[i + 1], 'fallocate'));
}

export function ddMain(argv) {
  const kv = Object.fromEntries(argv.filter((a) => a.includes('=')).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
  if (!kv.of) passThrough('dd', argv);
  const n = bytes(kv.bs ?? '512', 'dd') * Number(kv.count ?? 0);
  return ballast('dd', kv.of, n);
}

/** `unshare -n CMD...`: CMD runs against a throwaway simulated network (kernel probes). */
export function unshareMain(argv) {
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    if (argv[i] !== '-n' && argv[i] !== '--net') throw new Exit(1, 'unshare: unshare failed: Operation not permitted (only -n is simulated)\n');
  }
  const cmd = argv.slice(i);
  if (!cmd.length) throw new Exit(1, 'unshare: no command (an interactive shell is not simulated)\n');
  // A throwaway network: iptables/tc keep their state in a private folder for this command only.
  const scratch = mkdtempSync(join(nodeEnv().state, 'netns-'));
  try {
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env: { ...process.env, GAMEDAY_SIM_NETNS: scratch } });
    throw new Exit(r.status ?? 1);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function ipMain(argv) {
  const env = nodeEnv();
  const args = argv.filter((a) => a !== '-o' && a !== '-oneline' && a !== '-4');
  const [obj = '', verb = 'show', ...rest] = args;
  const o = obj.replace(/^(a|addr|address)$/, 'addr').replace(/^(r|ro|route)$/, 'route').replace(/^(l|link)$/, 'link');
  const show = verb === 'show' || verb === 'list' || verb === 'ls';
  if (o === 'link' && show) {
    const dev = rest[rest.indexOf('dev') + 1] ?? rest[0];
    if (dev && dev !== 'lo' && dev !== 'eth0') throw new Exit(1, `Device "${dev}" does not exist.\n`);
    const lo = '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n';
    const eth = '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\n    link/ether 52:54:00:5a:11:0b brd ff:ff:ff:ff:ff:ff\n';
    return dev === 'lo' ? lo : dev === 'eth0' ? eth : lo + eth;
  }
  if (o === 'addr' && show) return `1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n2: eth0    inet ${env.ip}/24 scope global eth0\\       valid_lft forever preferred_lft forever\n`;
  if (o === 'route' && show) return `default via ${env.ip.replace(/\.\d+$/, '.1')} dev eth0\n${env.ip.replace(/\.\d+$/, '.0')}/24 dev eth0 proto kernel scope link src ${env.ip}\n`;
  if (o === 'route' && verb === 'get') {
    const dst = rest[0] ?? '';
    // The node's own addresses are local (lo); the lab's /24 and everything else leave through eth0.
    const lan = env.ip.replace(/\.\d+$/, '.');
    if (dst === env.ip || (/^127\./.test(dst) && !dst.startsWith(lan))) return `local ${dst} dev lo src ${dst === env.ip ? env.ip : '127.0.0.1'} uid 0 \\    cache <local> \n`;
    return `${dst} dev eth0 src ${env.ip} uid 0 \\    cache \n`;
  }
  throw new Exit(2, `ip ${argv.join(' ')}: not simulated (the simulated lab never changes the host's network)\n`);
}

export function nftMain(argv) {
  const env = nodeEnv();
  const v = readJson(env.state, 'iptables', null);
  if (argv[0] === 'list' && (argv[1] === 'tables' || argv[1] === 'ruleset')) return v ? 'table ip filter\n' : '';
  throw new Exit(1, `Error: nft ${argv.join(' ')}: not simulated on this node\n`);
}

/** Tools that would change the real host: present (so scripts find them) but refusing. */
export function refuseMain(tool) {
  throw new Exit(1, `${tool}: not simulated on a simulated node (the simulated lab never changes the real host)\n`);
}


/** `setsid CMD...` where the host has none (macOS): start CMD in a new session and return at once. */
export function setsidMain(argv) {
  const cmd = argv.filter((a, i) => !(i === 0 && (a === '-f' || a === '--fork')));
  if (!cmd.length) throw new Exit(1, 'setsid: no command specified\n');
  spawn(cmd[0], cmd.slice(1), { detached: true, stdio: 'inherit' }).unref();
  return '';
}
