import { SharedPool, SshPool, type PoolOptions } from '../ssh/index.js';
import { controlPath, workspacePath } from './workspace.js';
import { c } from './output.js';
import type { Loaded } from './context.js';

/**
 * A pool with the inventory's SSH options. Its own module (not context.ts) so commands that may not
 * open connections of their own (`gameday exec` through a live console's pool) load ssh2 only when
 * they do.
 */
export function newPool(l: Loaded): SshPool {
  return new SshPool(l.poolOptions());
}

/**
 * A pool that goes through a live console's or run's open connections in the workspace when one is
 * there (ssh/shared-pool.ts), else opens its own; `GAMEDAY_SHARED_POOL=0` always opens its own.
 * `self` is this process's own id in the control folder (a run lends its pool there too).
 */
export function workspacePool(opts: PoolOptions, workspace: string | undefined, self?: string): SshPool {
  if (process.env.GAMEDAY_SHARED_POOL === '0') return new SshPool(opts);
  // Only looked into, never created: a command with no workspace yet has no live pool either.
  return new SharedPool(opts, { dir: controlPath(workspacePath(workspace)), self });
}

/** Say on stderr (dim, as `gameday exec` does) when commands went through a live pool, and when some did not. */
export function sayRoute(pool: SshPool, json?: boolean): void {
  if (json || !(pool instanceof SharedPool) || pool.usedShared.size === 0) return;
  const ids = [...pool.usedShared].join(', ');
  const own = pool.ownExecs > 0 ? `; ${pool.ownExecs} command${pool.ownExecs === 1 ? '' : 's'} on connections of our own` : '';
  process.stderr.write(`${c.dim(`(through the open connections of ${ids}${own})`)}\n`);
}
