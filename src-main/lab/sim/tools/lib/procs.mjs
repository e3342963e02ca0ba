// Process tools confined to the simulated node: kill, pkill, pgrep, killall and the stress-ng
// recorder. A simulated node runs on the real machine, so its fault scripts see every real process
// in /proc; these tools (and the `kill` function every node shell defines) signal only processes
// that carry this node's GAMEDAY_SIM_NODE token in their environment — processes the node started
// itself. Anything else is refused, whatever uid the lab runs as.
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { Exit, nodeEnv, pidAlive, updateJson } from './env.mjs';

/** stress-ng without --timeout runs until killed; the stand-in then sleeps ~24.8 days (max 31-bit seconds). */
export const FOREVER_SEC = 2_147_483;

function signalNumber(s) {
  const name = String(s).toUpperCase().replace(/^SIG/, '');
  if (/^\d+$/.test(name)) return Number(name);
  const n = constants.signals[`SIG${name}`];
  if (n === undefined) throw new Exit(1, `kill: invalid signal specification: ${s}\n`);
  return n;
}

function environ(pid) {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
  } catch {
    return null;
  }
}

/** Does pid belong to this simulated node (started by one of its sessions)? */
export function ours(pid, token) {
  return (environ(pid) ?? []).includes(`GAMEDAY_SIM_NODE=${token}`);
}

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], pgrp: Number(rest[2]) };
  } catch {
    return null;
  }
}

function allPids() {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
}

/** Live processes of this node: { pid, comm, cmdline }. */
export function nodeProcesses(token) {
  const out = [];
  for (const pid of allPids()) {
    if (pid === process.pid || !ours(pid, token)) continue;
    const st = stat(pid);
    if (!st || st.state === 'Z') continue;
    let comm = '';
    let cmdline = '';
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue;
    }
    out.push({ pid, comm, cmdline, pgrp: st.pgrp });
  }
  return out;
}

/** Send sig to pid (> 0) or process group (< 0) when it is entirely this node's; returns an error text or ''. */
export function guardedKill(target, sig, env) {
  if (target > 0) {
    if (!pidAlive(target)) return `kill: (${target}) - No such process\n`;
    if (!ours(target, env.token)) return `kill: (${target}) - Operation not permitted (not a process of simulated node ${env.name})\n`;
    process.kill(target, sig);
    return '';
  }
  const pg = -target;
  const members = allPids().filter((p) => stat(p)?.pgrp === pg);
  if (!members.length) return `kill: (${target}) - No such process\n`;
  if (!members.every((p) => ours(p, env.token))) return `kill: (${target}) - Operation not permitted (process group ${pg} is not entirely simulated node ${env.name}'s)\n`;
  process.kill(target, sig);
  return '';
}

/** `kill [-s SIG | -SIG | -n N] [--] pid|-pgid ...` confined to the node. */
export function killMain(argv) {
  const env = nodeEnv();
  let sig = constants.signals.SIGTERM;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (a === '-s' || a === '-n') sig = signalNumber(argv[++i]);
    else if (i === 0 && argv.length > 1 && /^-([A-Za-z]+|\d+)$/.test(a)) sig = signalNumber(a.slice(1));
    else break;
  }
  const targets = argv.slice(i);
  if (!targets.length) throw new Exit(2, 'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid ...\n');
  let errors = '';
  for (const t of targets) {
    if (!/^-?\d+$/.test(t)) { errors += `kill: ${t}: arguments must be process or job IDs\n`; continue; }
    try {
      errors += guardedKill(Number(t), sig, env);
    } catch (e) {
      errors += `kill: (${t}) - ${e.code === 'ESRCH' ? 'No such process' : 'Operation not permitted'}\n`;
    }
  }
  if (errors) throw new Exit(1, errors);
  return '';
}

/** pkill / pgrep / killall over this node's processes only. */
export function pmatchMain(tool, argv) {
  const env = nodeEnv();
  let sig = constants.signals.SIGTERM;
  let full = false;
  let exact = tool === 'killall';
  let list = '';
  const pats = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-f' || a === '--full') full = true;
    else if (a === '-x' || a === '--exact') exact = true;
    else if (a === '-l' || a === '--list-name') list = 'name';
    else if (a === '-a' || a === '--list-full') list = 'full';
    else if (a === '--signal' || a === '-s') sig = signalNumber(argv[++i]);
    else if (a.startsWith('--signal=')) sig = signalNumber(a.slice(9));
    else if (/^-[A-Z0-9]+$/.test(a) && tool !== 'pgrep') sig = signalNumber(a.slice(1));
    else if (a.startsWith('-') && a !== '-') throw new Exit(2, `${tool}: option ${a} is not simulated\n`);
    else pats.push(a);
  }
  if (!pats.length) throw new Exit(2, `${tool}: no matching criteria specified\n`);
  let re;
  try {
    re = new RegExp(exact ? `^(?:${pats[0]})$` : pats[0]);
  } catch {
    throw new Exit(2, `${tool}: invalid pattern\n`);
  }
  const hits = nodeProcesses(env.token).filter((p) => (tool === 'killall' ? p.comm === pats[0] : re.test(full ? p.cmdline : p.comm)));
  if (!hits.length) throw new Exit(1, tool === 'killall' ? `${pats[0]}: no process found\n` : '');
  if (tool === 'pgrep') return hits.map((p) => `${p.pid}${list === 'name' ? ` ${p.comm}` : list === 'full' ? ` ${p.cmdline}` : ''}\n`).join('');
  for (const p of hits) {
    try {
      process.kill(p.pid, sig);
    } catch {
      /* exited meanwhile */
    }
  }
  return '';
}

const STRESS_OPTS = { '--cpu': 'n', '--cpu-load': 'n', '--vm': 'n', '--vm-bytes': 's', '--vm-keep': 'f', '--io': 'n', '--hdd': 'n', '--hdd-bytes': 's', '--temp-path': 's', '--timeout': 's', '--metrics-brief': 'f', '-q': 'f', '--quiet': 'f' };

/**
 * `stress-ng-record PID args...`: validate stress-ng arguments like the real tool, record the load
 * this process stands for (stress.json), print the seconds it must live (its --timeout).
 */
export function stressRecordMain(argv) {
  const env = nodeEnv();
  const pid = Number(argv[0]);
  const o = {};
  for (let i = 1; i < argv.length; i++) {
    const kind = STRESS_OPTS[argv[i]];
    if (!kind) throw new Exit(1, `stress-ng: unrecognized option '${argv[i]}'\n`);
    if (kind === 'f') { o[argv[i]] = true; continue; }
    const v = argv[++i];
    if (v === undefined || (kind === 'n' && !/^\d+$/.test(v))) throw new Exit(1, `stress-ng: invalid value for ${argv[i - 1]}\n`);
    o[argv[i - 1]] = kind === 'n' ? Number(v) : v;
  }
  if (o['--cpu'] === undefined && o['--vm'] === undefined && o['--io'] === undefined && o['--hdd'] === undefined) throw new Exit(1, 'stress-ng: no stressor specified\n');
  const t = /^(\d+)(s|m|h)?$/.exec(o['--timeout'] ?? '');
  const secs = t ? Number(t[1]) * { s: 1, m: 60, h: 3600 }[t[2] ?? 's'] : FOREVER_SEC;
  updateJson(env.state, 'stress', { procs: [] }, (s) => {
    s.procs = s.procs.filter((p) => pidAlive(p.pid) && p.pid !== pid);
    s.procs.push({ pid, cpu: o['--cpu'], cpuLoad: o['--cpu-load'] ?? 100, vm: o['--vm'], vmBytes: o['--vm-bytes'], io: o['--io'], hdd: o['--hdd'], startedAt: Date.now(), timeoutSec: secs });
  });
  return `${secs === 0 ? FOREVER_SEC : secs}\n`;
}

/** Pids whose environment has `KEY=<value starting with prefix>` (leftovers of a lab that crashed). */
export function pidsWithEnvPrefix(key, prefix) {
  return allPids().filter((pid) => pid !== process.pid && (environ(pid) ?? []).some((e) => e.startsWith(`${key}=${prefix}`)));
}
