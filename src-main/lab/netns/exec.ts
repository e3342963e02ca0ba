/**
 * Running host commands for the lab: a promise wrapper over spawn (argv only, never a shell string),
 * and the root and tool checks that give a clear error before anything is touched.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { LabError } from './types.js';

/** Outcome of one host command. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for `run`. */
export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Resolve with the non-zero code instead of throwing. */
  allowFail?: boolean;
  /** Kill the command after this long; the default (2 min) bounds any lab step, even 60 nodes' sshd waits. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Run `cmd args…` (no shell) and collect its output; throws LabError COMMAND_FAILED on a non-zero exit. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new LabError('COMMAND_FAILED', `cannot run ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr };
      if (result.code === 0 || opts.allowFail) return resolvePromise(result);
      const why = signal ? `killed by ${signal}` : `exit ${code}`;
      const detail = (stderr.trim() || stdout.trim()).split('\n').slice(-5).join(' | ');
      reject(new LabError('COMMAND_FAILED', `${cmd} ${args.join(' ')} failed (${why}): ${detail}`));
    });
    child.stdin.on('error', () => undefined); // a command that exits early closes stdin; that is not our error
    child.stdin.end(opts.input ?? '');
  });
}

/** Run up to `limit` tasks at a time; rejects with the first failure after every started task settles. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
  return results;
}

/** Host tools the lab runs, with the Debian package that provides each. */
export const REQUIRED_TOOLS: Record<string, string> = {
  ip: 'iproute2',
  iptables: 'iptables',
  sshd: 'openssh-server',
  'ssh-keygen': 'openssh-client',
  sudo: 'sudo',
  visudo: 'sudo',
  useradd: 'passwd',
  usermod: 'passwd',
  setsid: 'util-linux',
  bash: 'bash',
};

/** Directories searched for tools: PATH plus the sbin dirs a non-login root shell may lack. */
function searchDirs(): string[] {
  const fromEnv = (process.env.PATH ?? '').split(':').filter(Boolean);
  return [...fromEnv, '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
}

/** Absolute path of an executable, or null. */
export function which(tool: string): string | null {
  for (const dir of searchDirs()) {
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this dir
    }
  }
  return null;
}

/** Throw NOT_ROOT unless running as uid 0: namespaces, veths, iptables and sshd all need it. */
export function assertRoot(uid: number | undefined = process.getuid?.()): void {
  if (uid !== 0) {
    throw new LabError('NOT_ROOT', 'the netns lab needs root: run as root or with sudo', 'e.g. sudo npx vitest run --project integration');
  }
}

/** Throw MISSING_TOOL naming every missing tool and the apt package to install. */
export function assertTools(tools: Record<string, string> = REQUIRED_TOOLS): void {
  const missing = Object.entries(tools).filter(([tool]) => which(tool) === null);
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
  throw new LabError(
    'MISSING_TOOL',
    `the netns lab needs ${missing.map(([tool, pkg]) => `${tool} (apt package ${pkg})`).join(', ')}`,
    `install with: apt-get install -y ${pkgs.join(' ')}`,
  );
}
