import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The workspace: where the audit file and control sockets live. --workspace, else
 * $GAMEDAY_WORKSPACE, else $XDG_DATA_HOME/gameday, else ~/.local/share/gameday.
 */
export function workspaceDir(explicit?: string): string {
  const abs = workspacePath(explicit);
  mkdirSync(abs, { recursive: true, mode: 0o700 });
  return abs;
}

/** The workspace's path without creating it (commands that only read, like `audit verify`, and look-ups that must leave no trace). */
export function workspacePath(explicit?: string): string {
  return resolve(explicit ?? process.env.GAMEDAY_WORKSPACE ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'gameday'));
}

export function auditFile(ws: string): string {
  return join(ws, 'audit.sqlite');
}

export function controlDir(ws: string): string {
  const d = join(ws, 'control');
  mkdirSync(d, { recursive: true, mode: 0o700 });
  return d;
}

/** A run id: sortable, readable, unique enough, and safe in node-side names (see faults/ids.ts). */
export function newRunId(prefix = 'run'): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${prefix}-${t}-${Math.random().toString(36).slice(2, 6)}`;
}
