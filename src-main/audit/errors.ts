/**
 * Typed audit failures. They are storage problems, never a node's: callers show them as such (the
 * CLI names the file and the cause), and nothing maps them to "unreachable".
 */

/** Could not write the audit (locked past the busy timeout and retries, disk full, read-only…). */
export class AuditUnavailable extends Error {
  override readonly name = 'AuditUnavailable';
  readonly code = 'AUDIT_UNAVAILABLE';
  constructor(
    readonly file: string,
    override readonly cause: unknown,
    /** What could not be written (an operation name), when known. */
    readonly what?: string,
    readonly hint = 'another gameday process may hold the audit for a long write; retry, or find it with `fuser` on the file',
  ) {
    super(`the audit ${file} cannot be written${what ? ` (${what})` : ''}: ${(cause as Error)?.message ?? String(cause)} (a storage problem on this machine, not a node's)`);
  }
}

/** The path given is not an audit: missing, a directory, empty, or not SQLite. Never created. */
export class AuditFileError extends Error {
  override readonly name = 'AuditFileError';
  constructor(
    message: string,
    readonly code: 'AUDIT_MISSING' | 'AUDIT_NOT_SQLITE' | 'AUDIT_NOT_AUDIT',
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The HMAC key file cannot be read or created safely (wrong mode, wrong size, unreadable). */
export class AuditKeyError extends Error {
  override readonly name = 'AuditKeyError';
  constructor(
    message: string,
    readonly code: 'KEY_MISSING' | 'KEY_BAD',
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** SQLite said the database is busy or locked (another connection holds the write lock). */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Any error raised by SQLite itself (better-sqlite3's SqliteError), as opposed to a bug of ours. */
export function isSqliteError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return (e as Error)?.name === 'SqliteError' || (typeof code === 'string' && code.startsWith('SQLITE_'));
}

/** Any typed audit failure: shown as a storage problem, never as a node's. */
export function isAuditError(e: unknown): e is AuditUnavailable | AuditFileError | AuditKeyError {
  return e instanceof AuditUnavailable || e instanceof AuditFileError || e instanceof AuditKeyError;
}
