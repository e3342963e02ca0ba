import { SshPool } from '../ssh/index.js';
import type { Loaded } from './context.js';

/**
 * A pool with the inventory's SSH options. Its own module (not context.ts) so commands that may not
 * open connections of their own (`gameday exec` through a live console's pool) load ssh2 only when
 * they do.
 */
export function newPool(l: Loaded): SshPool {
  return new SshPool(l.poolOptions());
}
