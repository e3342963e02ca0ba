import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
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

/**
 * A unix socket's path holds at most 107 bytes (sun_path); longer ones are cut short by the kernel,
 * so a run in a deep workspace would listen where `gameday stop` never looks. Socket names here are
 * `<run id>.sock` / `console-<pid>.pool` (≤ 40 bytes); 48 leaves room.
 */
const SUN_PATH_MAX = 107;
const SOCKET_NAME_ROOM = 48;

/** Why the control folder cannot be used (its alias is not private to this user). */
export class ControlDirError extends Error {
  override readonly name = 'ControlDirError';
  readonly code = 'CONTROL_DIR_UNSAFE';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * Where the workspace's control sockets live (`gameday stop`, shared pools), without creating it:
 * `<ws>/control`, or, when that is too long for a socket path, a short private alias named by the
 * workspace's hash: `$XDG_RUNTIME_DIR/gameday/<hash>` or `<tmp>/gameday-<uid>/<hash>`. Every
 * process of one workspace computes the same folder.
 */
export function controlPath(ws: string): string {
  const d = join(ws, 'control');
  if (Buffer.byteLength(d) + 1 + SOCKET_NAME_ROOM <= SUN_PATH_MAX) return d;
  const hash = createHash('sha256').update(resolve(ws)).digest('hex').slice(0, 16);
  const runtime = process.env.XDG_RUNTIME_DIR;
  const base = runtime && runtime.startsWith('/') && Buffer.byteLength(runtime) <= 40 ? join(runtime, 'gameday') : join(tmpdir(), `gameday-${process.getuid?.() ?? 'u'}`);
  return join(base, hash);
}

/** The control folder (controlPath), created mode 0700; a short alias must be this user's own and private. */
export function controlDir(ws: string): string {
  const d = controlPath(ws);
  if (d === join(ws, 'control')) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  }
  const base = resolve(d, '..');
  mkdirSync(d, { recursive: true, mode: 0o700 });
  for (const p of [base, d]) {
    const st = lstatSync(p);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0)
      throw new ControlDirError(
        `the control folder ${p} (for the workspace ${ws}, whose own path is too long for a socket) is not a private folder of this user`,
        `remove it (rm -r ${p}) or use a shorter --workspace path`,
      );
  }
  return d;
}

/** A run id: sortable, readable, unique enough, and safe in node-side names (see faults/ids.ts). */
export function newRunId(prefix = 'run'): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${prefix}-${t}-${Math.random().toString(36).slice(2, 6)}`;
}
