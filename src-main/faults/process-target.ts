/**
 * Which processes a process fault touches, by exact name (/proc/<pid>/comm) or by PID. Names of
 * processes that hold the node together, or the management path, are refused outright.
 */
import { z } from 'zod';
import { sh, Shell } from '../shell/index.js';
import { pid, processName } from './schemas.js';

/** Killing or freezing any of these cuts the console off or takes the whole node down. */
const PROTECTED = new Set([
  'init', 'systemd', 'sshd', 'ssh', 'sshd-session', 'sudo', 'su', 'login', 'agetty', 'dbus-daemon', 'dbus-broker',
  'systemd-journal', 'systemd-logind', 'systemd-udevd', 'systemd-network', 'systemd-resolve', 'kthreadd',
  'sh', 'bash', 'dash', 'ash', 'zsh', 'busybox', 'setsid', 'sleep', 'stress-ng',
]);

/** The `name` / `pid` pair every process fault accepts; exactly one must be set. */
export const targetShape = { name: processName.optional(), pid: pid.optional() };

export function exactlyOneTarget(p: { name?: string | undefined; pid?: number | undefined }): boolean {
  return (p.name === undefined) !== (p.pid === undefined);
}

export const ONE_TARGET = { message: 'set exactly one of name or pid', path: ['name'] };

/** Reason to refuse a protected name, else null. */
export function refuseProtected(p: { name?: string | undefined }): string | null {
  return p.name !== undefined && PROTECTED.has(p.name)
    ? `process ${p.name} is protected (it holds the node or the management path together)`
    : null;
}

/**
 * Shell that sets $gd_pids to the matching PIDs (never PID 1, this script or its ancestors).
 * Needs gd_pids_named and gd_ancestors in the script.
 */
export function selectPids(p: { name?: string | undefined; pid?: number | undefined }): Shell {
  if (p.name !== undefined) return sh`gd_pids=$(gd_pids_named ${p.name})`;
  return sh`gd_ancestors; gd_pids=; case $gd_anc in *${` ${p.pid ?? 0} `}*) ;; *) [ -d /proc/${p.pid ?? 0} ] && gd_pids=${p.pid ?? 0} ;; esac`;
}

export const processTargetSchema = z.strictObject(targetShape);
