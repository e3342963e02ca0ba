/**
 * A fresh clone of this repository as a given user has it (their own copy of the sources and the
 * built UI, node_modules shared read-only), a HOME of their own, and commands run in it as that
 * user with a clean environment — the way a person types them in a terminal.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
}

export interface UserClone {
  user: TestUser;
  dir: string;
  home: string;
  /** The environment of the user's terminal. */
  env: Record<string, string>;
}

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** Look a user up by name (uid/gid from getent). */
export function testUser(name: string): TestUser {
  if (name === userInfo().username) return { name, uid: process.getuid!(), gid: process.getgid!() };
  const r = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  const f = r.stdout.trim().split(':');
  if (r.status !== 0 || f.length < 4) throw new Error(`no user ${name} on this machine`);
  return { name, uid: Number(f[2]), gid: Number(f[3]) };
}

/**
 * Copy the repository (without .git, node_modules and test results) into a new folder owned by
 * `user`, link node_modules, and make a HOME for them. `extraEnv` is added to their environment.
 */
export function makeClone(repo: string, user: TestUser, extraEnv: Record<string, string> = {}): UserClone {
  const dir = mkdtempSync('/tmp/gd-clone-');
  const home = mkdtempSync('/tmp/gd-home-');
  const tar = spawnSync('sh', ['-c', 'tar --exclude=./node_modules --exclude=./.git --exclude=./test-results -C "$1" -cf - . | tar -xf - -C "$2"', 'sh', repo, dir], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`copying the repository failed: ${tar.stderr}`);
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  const own = spawnSync('chown', ['-R', '-h', `${user.uid}:${user.gid}`, dir, home], { encoding: 'utf8' });
  if (own.status !== 0) throw new Error(`chown failed: ${own.stderr}`);
  chmodSync(home, 0o700);
  const env: Record<string, string> = {
    HOME: home,
    USER: user.name,
    LOGNAME: user.name,
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    ...extraEnv,
  };
  return { user, dir, home, env };
}

/** argv that runs `bash -c script` as the clone's user (setpriv: no session wrapper left behind). */
function asUser(c: UserClone, script: string): [string, string[]] {
  const bash = ['bash', '-c', script];
  if (c.user.uid === process.getuid!()) return ['env', ['-i', ...Object.entries(c.env).map(([k, v]) => `${k}=${v}`), ...bash]];
  return ['setpriv', [`--reuid=${c.user.uid}`, `--regid=${c.user.gid}`, '--init-groups', '--', 'env', '-i', ...Object.entries(c.env).map(([k, v]) => `${k}=${v}`), ...bash]];
}

/** Start `script` in the clone as its user, in its own process group (Ctrl-C = SIGINT to the group). */
export function startAs(c: UserClone, script: string): { child: ChildProcess; done: Promise<Ran>; output: () => string } {
  const [cmd, args] = asUser(c, script);
  const child = spawn(cmd, args, { cwd: c.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const done = new Promise<Ran>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return { child, done, output: () => out + err };
}

/** Send a signal to the whole process group of a started command (what a terminal's Ctrl-C does). */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* already gone */
  }
}

/** Run `script` to completion (killed with its group after `timeoutMs`, which fails the caller's check). */
export async function runAs(c: UserClone, script: string, timeoutMs: number): Promise<Ran & { timedOut: boolean }> {
  const p = startAs(c, script);
  let timedOut = false;
  const t = setTimeout(() => {
    timedOut = true;
    signalGroup(p.child, 'SIGKILL');
  }, timeoutMs);
  const r = await p.done;
  clearTimeout(t);
  return { ...r, timedOut };
}

/** Resolve when `text` appears in the output, or reject after `timeoutMs` (or when the command ends first). */
export function waitForOutput(p: ReturnType<typeof startAs>, text: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      if (text.test(p.output())) finish(undefined);
    }, 200);
    const t = setTimeout(() => finish(new Error(`no ${text} within ${timeoutMs} ms:\n${p.output()}`)), timeoutMs);
    void p.done.then(() => finish(text.test(p.output()) ? undefined : new Error(`ended before ${text}:\n${p.output()}`)));
    function finish(e: Error | undefined): void {
      clearInterval(check);
      clearTimeout(t);
      if (e) reject(e);
      else resolve();
    }
  });
}

/** Live processes of a process group, with their uid (from /proc: `ps -g` selects sessions). */
export function groupMembers(pgid: number): Array<{ pid: number; uid: number }> {
  const out: Array<{ pid: number; uid: number }> = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z') out.push({ pid: Number(d), uid: statSync(`/proc/${d}`).uid });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Wait until no process of the group is left. */
export async function groupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (groupMembers(pgid).length === 0) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
