// Simulated systemd: systemctl (is-active, start, stop, restart, status, reset-failed, list-units)
// and systemd-run (transient timers: a detached process that sleeps, then runs the command).
// Units live in systemd.json; the lab's supervisor owns the node's service processes and restarts
// a service's process while its unit is active (Restart=always).
import { spawn } from 'node:child_process';
import { Exit, nodeEnv, pidAlive, readJson, updateJson } from './env.mjs';

const empty = () => ({ units: {} });
const norm = (u) => (/\.(service|timer|socket|target|mount|scope)$/.test(u) ? u : `${u}.service`);

/** Is the unit active now? Transient units are active while their process lives. */
export function unitActive(u) {
  if (!u) return false;
  return u.transient ? pidAlive(u.pid) : Boolean(u.active);
}

function glob(p, s) {
  return new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(s);
}

function signalPid(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

export function systemctlMain(argv) {
  const env = nodeEnv();
  const quiet = argv.includes('--quiet') || argv.includes('-q');
  const words = argv.filter((a) => !a.startsWith('-'));
  const [verb = 'list-units', ...units] = words;
  const st = () => readJson(env.state, 'systemd', empty);
  switch (verb) {
    case 'is-active': {
      const s = st();
      const states = units.map((u) => (unitActive(s.units[norm(u)]) ? 'active' : 'inactive'));
      if (states.every((x) => x === 'active')) return quiet ? '' : `${states.join('\n')}\n`;
      throw new Exit(3, '', quiet ? '' : `${states.join('\n')}\n`);
    }
    case 'status': {
      const u = st().units[norm(units[0] ?? '')];
      if (!u) throw new Exit(4, `Unit ${norm(units[0] ?? '')} could not be found.\n`);
      const on = unitActive(u);
      const text = `● ${norm(units[0])} - ${u.description ?? 'simulated unit'}\n     Loaded: loaded\n     Active: ${on ? 'active (running)' : 'inactive (dead)'}\n${u.mainPid && on ? `   Main PID: ${u.mainPid}\n` : ''}`;
      if (on) return text;
      throw new Exit(3, '', text);
    }
    case 'start': case 'stop': case 'restart':
      return updateJson(env.state, 'systemd', empty, (s) => {
        for (const raw of units) {
          const name = norm(raw);
          const u = s.units[name];
          if (!u || (u.transient && verb !== 'stop')) throw new Exit(5, `Failed to ${verb} ${name}: Unit ${name} not found.\n`);
          if (u.transient) {
            // Stopping a transient timer kills its sleeping process group: the command never runs.
            if (pidAlive(u.pid)) signalPid(-u.pid, 'SIGTERM');
            delete s.units[name];
            continue;
          }
          if (verb !== 'start' && u.mainPid && pidAlive(u.mainPid)) signalPid(u.mainPid, 'SIGTERM');
          u.active = verb !== 'stop';
          if (verb !== 'stop') u.startRequestedAt = Date.now();
        }
        return { text: '' };
      }).text;
    case 'reset-failed': case 'daemon-reload':
      return '';
    case 'list-units': case 'list-timers': {
      const s = st();
      const pattern = units[0];
      return Object.entries(s.units)
        .filter(([n, u]) => (!pattern || glob(pattern, n)) && (argv.includes('--all') || unitActive(u)))
        .filter(([n, u]) => !u.transient || unitActive(u) || !n)
        .map(([n, u]) => `${n} loaded ${unitActive(u) ? 'active' : 'inactive'} ${unitActive(u) ? (n.endsWith('.timer') ? 'waiting' : 'running') : 'dead'} ${u.description ?? ''}\n`)
        .join('');
    }
    default:
      throw new Exit(1, `systemctl ${verb}: not simulated on this node\n`);
  }
}

export function systemdRunMain(argv) {
  const env = nodeEnv();
  let unit;
  let onActive;
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    const a = argv[i];
    if (a.startsWith('--unit=')) unit = a.slice(7);
    else if (a === '--unit' || a === '-u') unit = argv[++i];
    else if (a.startsWith('--on-active=')) onActive = a.slice(12);
    else if (a === '--on-active') onActive = argv[++i];
  }
  const cmd = argv.slice(i).map((w) => (w === '/bin/sh' ? `${process.env.GAMEDAY_SIM_BIN}/sh` : w));
  if (!cmd.length) throw new Exit(1, 'Command line to execute required.\n');
  unit = unit ?? `run-sim${process.pid}`;
  const secs = onActive === undefined ? 0 : Number.parseFloat(onActive);
  const name = `${unit}.${onActive === undefined ? 'service' : 'timer'}`;
  return updateJson(env.state, 'systemd', empty, (s) => {
    if (s.units[name] && unitActive(s.units[name])) throw new Exit(1, `Failed to start transient ${name.endsWith('.timer') ? 'timer' : 'service'} unit: Unit ${name} already exists.\n`);
    // Its own session (detached): `systemctl stop` kills the whole group, sleep included.
    const child = spawn(`${process.env.GAMEDAY_SIM_BIN}/sh`, ['-c', 'sleep "$0"; exec "$@"', String(secs), ...cmd], { detached: true, stdio: 'ignore' });
    child.unref();
    s.units[name] = { transient: true, pid: child.pid, description: `/bin/sh ${cmd.slice(1).join(' ')}`, createdAt: Date.now() };
    for (const [n, u] of Object.entries(s.units)) if (u.transient && !unitActive(u) && n !== name) delete s.units[n];
    return { text: argv.includes('--quiet') || argv.includes('-q') ? '' : `Running ${name.endsWith('.timer') ? 'timer' : 'as unit'}: ${name}\n` };
  }).text;
}
