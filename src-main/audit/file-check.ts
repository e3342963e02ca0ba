/**
 * Checks on a path given as an audit (`audit verify --file`): it must exist, be a regular file and
 * start with SQLite's header, and hold our tables. Nothing is ever created for a wrong path.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { AuditFileError } from './errors.js';

const SQLITE_HEADER = 'SQLite format 3\u0000';

/** The error for an SQLite file without our tables. */
export function notAnAudit(file: string): AuditFileError {
  return new AuditFileError(`${file} is an SQLite database but not a gameday audit (no events or schema_migrations table)`, 'AUDIT_NOT_AUDIT', 'give the audit.sqlite of a workspace');
}

/** Throws AuditFileError unless `file` exists and starts like an SQLite database. */
export function assertAuditFile(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new AuditFileError(`no audit file at ${file}`, 'AUDIT_MISSING', 'check the path (or use --workspace DIR); verify never creates an audit');
  }
  if (!st.isFile()) throw new AuditFileError(`${file} is not a file`, 'AUDIT_NOT_SQLITE', 'give the path of an audit.sqlite file');
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 16 || head.toString('latin1') !== SQLITE_HEADER) throw new AuditFileError(`${file} is not an SQLite database (${st.size === 0 ? 'empty file' : 'wrong header'})`, 'AUDIT_NOT_SQLITE', 'give the audit.sqlite of a workspace');
}

/** Does the open database hold the audit's tables? */
export function isAuditSchema(db: Database.Database): boolean {
  const names = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
  return names.has('events') && names.has('schema_migrations');
}
