/** How a lock is taken (see lock.mjs). */
export interface LockOptions {
  /** Give up (LockBusy) after waiting this long. */
  timeoutMs: number;
  /** A lock older than this was left by a killed holder and is taken over. */
  staleMs: number;
  /** Pause between attempts (default 5 ms). */
  retryMs?: number;
  /** Keep the holder's pid in the lock and take over at once when that process is gone (one PID namespace only). */
  owner?: boolean;
  /** Names the lock in the LockBusy message (default "lock"). */
  what?: string;
}
/** Someone else held the lock for longer than the caller would wait. */
export declare class LockBusy extends Error {
  readonly code: 'LOCK_BUSY';
  readonly path: string;
  constructor(path: string, what: string);
}
export declare function lockSync(path: string, o: LockOptions): () => void;
export declare function lock(path: string, o: LockOptions): Promise<() => void>;
export declare function withLockSync<T>(path: string, o: LockOptions, fn: () => T): T;
export declare function withLock<T>(path: string, o: LockOptions, fn: () => Promise<T>): Promise<T>;
