/**
 * The audit's HMAC key: 32 random bytes, hex, in the user's config dir (outside every workspace),
 * mode 0600, created on first write. Events carry HMAC(key, db id ‖ hash), so someone who can edit
 * the SQLite file but cannot read this key cannot re-chain it (recompute the hashes after a change)
 * without `audit verify` seeing it. Each row names its key by a short id (not the key).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AuditKeyError } from './errors.js';

/** $GAMEDAY_CONFIG_DIR, else $XDG_CONFIG_HOME/gameday, else ~/.config/gameday. */
export function configDir(): string {
  return process.env.GAMEDAY_CONFIG_DIR ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'gameday');
}

export function keyFile(dir = configDir()): string {
  return join(dir, 'audit-hmac.key');
}

export interface AuditKey {
  /** Short public name of the key (HMAC of a constant): rows say which key made their MAC. */
  id: string;
  file: string;
  readonly bytes: Buffer;
}

function keyFrom(bytes: Buffer, file: string): AuditKey {
  return { id: createHmac('sha256', bytes).update('gameday audit key id').digest('hex').slice(0, 16), file, bytes };
}

/** Read a key file; refuse one others can read (the MACs would prove nothing). */
export function readKey(file: string): AuditKey {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new AuditKeyError(`cannot read the audit key ${file}: ${(e as Error).message}`, missing ? 'KEY_MISSING' : 'KEY_BAD', 'the key is made by the first gameday command that writes an audit on this account');
  }
  if (!st.isFile()) throw new AuditKeyError(`the audit key ${file} is not a regular file`, 'KEY_BAD');
  if ((st.mode & 0o077) !== 0) throw new AuditKeyError(`the audit key ${file} can be read by other users (mode ${(st.mode & 0o777).toString(8)})`, 'KEY_BAD', `chmod 600 ${file}`);
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new AuditKeyError(`the audit key ${file} is not 64 hex characters`, 'KEY_BAD', 'restore it from a backup; a new key cannot authenticate the events made with the old one');
  return keyFrom(Buffer.from(hex, 'hex'), file);
}

/**
 * The user's key, created on first use. Several processes may start at once on a fresh account:
 * the key is written to a private temp file and hard-linked into place, which fails if another
 * process got there first (then theirs is read), so every process ends with the same key.
 */
export function loadKey(opts: { create: boolean; dir?: string }): AuditKey | undefined {
  const dir = opts.dir ?? configDir();
  const file = keyFile(dir);
  try {
    return readKey(file);
  } catch (e) {
    const missing = e instanceof AuditKeyError && e.code === 'KEY_MISSING';
    if (missing && opts.create) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = join(dir, `.audit-hmac.key.${process.pid}.${randomBytes(4).toString('hex')}`);
      writeFileSync(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(tmp, 0o600); // a umask cannot widen it, but be explicit
      try {
        linkSync(tmp, file);
      } catch (le) {
        if ((le as NodeJS.ErrnoException).code !== 'EEXIST') throw new AuditKeyError(`cannot create the audit key ${file}: ${(le as Error).message}`, 'KEY_BAD');
      } finally {
        unlinkSync(tmp);
      }
      return readKey(file);
    }
    if (missing) return undefined;
    throw e;
  }
}

/** MAC of one event: binds its hash (which covers the whole chain before it) to this database. */
export function eventMac(key: AuditKey, dbId: string, hash: string): string {
  return createHmac('sha256', key.bytes).update(`event\u001f${dbId}\u001f${hash}`).digest('hex');
}

/** MAC of any other record (anchor, journal line): a label keeps the kinds apart. */
export function recordMac(key: AuditKey, label: string, body: string): string {
  return createHmac('sha256', key.bytes).update(`${label}\u001f${body}`).digest('hex');
}
