/**
 * Zod building blocks for fault parameters. Every value that reaches a node-side command is
 * validated here first, with messages a person can act on; quoting (shell/quote.ts) is the second
 * line of defence, never the only one.
 */
import { isIPv4 } from 'node:net';
import { z } from 'zod';

/** Linux IFNAMSIZ is 16 including the NUL, hence 15; a leading `-` would read as an option to tc/ip. */
export const iface = z
  .string()
  .regex(/^[A-Za-z0-9_.:][A-Za-z0-9_.:-]{0,14}$/, 'must be an interface name: 1-15 of letters, digits, _ . : - (not starting with -)')
  .refine((s) => s !== '.' && s !== '..', 'is not a valid interface name');

export const port = z.number().int('must be a whole number').min(1, 'must be 1-65535').max(65535, 'must be 1-65535');

export const percent = z.number().min(0, 'must be 0-100').max(100, 'must be 0-100');

/** Seconds; one day is the longest any single game-day step should hold a fault. */
export const seconds = z.number().int('must be whole seconds').min(1, 'must be at least 1 s').max(86_400, 'must be at most 86400 s (one day)');

/** Dotted-quad IPv4 only: our chains are iptables (v4) and the u32 filters match IPv4 headers. */
export const ipv4 = z.string().refine((s) => isIPv4(s), 'must be an IPv4 address like 10.0.0.5');

/** An IPv4 address or an IPv4 CIDR (a.b.c.d/0-32). */
export const ipv4OrCidr = z.string().refine((s) => {
  const m = /^([0-9.]{7,15})(?:\/([0-9]{1,2}))?$/.exec(s);
  if (!m || !isIPv4(m[1] ?? '')) return false;
  return m[2] === undefined || Number(m[2]) <= 32;
}, 'must be an IPv4 address or CIDR like 10.0.0.0/24');

/** Peer lists are bounded: each peer becomes two rules, and 64 keeps a chain readable. */
export const peerList = z.array(ipv4OrCidr).min(1, 'needs at least one peer').max(64, 'at most 64 peers');

/**
 * Process name as the kernel keeps it in /proc/<pid>/comm (at most 15 characters). A restricted
 * charset: names are compared, never interpreted, but still travel through a shell.
 */
export const processName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,14}$/, 'must be a process name of 1-15 letters, digits, . _ + - (as in /proc/<pid>/comm)');

/** PIDs 0 and 1 are never targets (0 means "my process group" to kill(2); 1 is init). 2^22 is Linux's pid_max ceiling. */
export const pid = z.number().int('must be a whole number').min(2, 'must be a PID above 1').max(4_194_304, 'must be at most 4194304 (pid_max limit)');

/** An absolute path without `..`, without segments starting with `-`, of plain characters. */
export const absPath = z
  .string()
  .regex(/^\/[A-Za-z0-9._/-]{0,255}$/, 'must be an absolute path of letters, digits, . _ - /')
  .refine((s) => !s.split('/').some((seg) => seg === '..' || seg.startsWith('-')), 'must not contain .. or segments starting with -');

/** systemd unit names: letters, digits, `@._:-`; no leading `-`. */
export const unit = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9@._:-]{0,127}$/, 'must be a systemd unit name like nginx or nginx.service');

/** Signals we let a scenario send; the set is closed so nothing surprising (e.g. 0, or a number) passes. */
export const killSignal = z.enum(['TERM', 'KILL', 'HUP', 'INT', 'QUIT', 'ABRT', 'USR1', 'USR2']);

/** Turn zod issues into one plain sentence per problem, naming the parameter. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const where = i.path.length ? i.path.map(String).join('.') : '(parameters)';
    if (i.code === 'unrecognized_keys') return `unknown parameter(s): ${i.keys.join(', ')}`;
    return `parameter "${where}": ${i.message}`;
  });
}
