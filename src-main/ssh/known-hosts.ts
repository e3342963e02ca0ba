/**
 * known_hosts (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): parse, look up, fingerprint, append.
 *
 * Lookup follows OpenSSH: the host is written `host` for port 22 and `[host]:port` otherwise, and
 * that one string is matched against plain patterns (case-insensitive, `*`/`?`, `!` negation) or
 * against hashed entries (`|1|salt|HMAC-SHA1(salt, string)`). A revoked key refuses outright; an
 * entry of the same key type with a different key is a changed key. Cross-checked against
 * `ssh-keygen -F` in the unit tests.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { matchPatternList } from './ssh-config.js';

export type KnownHostMarker = 'revoked' | 'cert-authority';

/** One usable known_hosts line. */
export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: KnownHostMarker;
  /** Plain host patterns (may hold `!negations`), or undefined for a hashed entry. */
  patterns?: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  keyBase64: string;
  comment?: string;
}

/** A line that could not be understood; it is skipped, never fatal. */
export interface KnownHostProblem {
  file: string;
  line: number;
  message: string;
}

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  problems: KnownHostProblem[];
}

export interface HostKeyCheck {
  status: 'match' | 'unknown' | 'changed' | 'revoked';
  matched?: { file: string; line: number };
  /** Keys on file for this host (all types, revoked and CA lines excluded), so callers can explain. */
  expected: Array<{ keyType: string; fingerprint: string; file: string; line: number }>;
}

/** SHA-1 output length: the HMAC in a `|1|` hashed host field must decode to this many bytes. */
const SHA1_BYTES = 20;
/** Salt length ssh-keygen -H writes (equal to the SHA-1 length); used when we hash. */
const SALT_BYTES = 20;
/** Guard against reading a runaway file into memory; real known_hosts files are kilobytes. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** `SHA256:<base64 without padding>`, byte for byte what `ssh-keygen -l -E sha256` prints. */
export function fingerprintSha256(blob: Buffer | string): string {
  const buf = typeof blob === 'string' ? Buffer.from(blob, 'base64') : blob;
  return `SHA256:${createHash('sha256').update(buf).digest('base64').replace(/=+$/, '')}`;
}

/** The name OpenSSH looks up: `host`, or `[host]:port` when the port is not 22. Lower-cased like ssh does. */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** Key type as written inside the blob (first SSH string), or undefined when the blob is not one. */
function blobKeyType(b64: string): string | undefined {
  const buf = Buffer.from(b64, 'base64');
  if (buf.length < 4) return undefined;
  const len = buf.readUInt32BE(0);
  if (len === 0 || 4 + len > buf.length) return undefined;
  return buf.subarray(4, 4 + len).toString('latin1');
}

/**
 * The key family used to decide "changed": signature names of one key type collapse
 * (rsa-sha2-256/512 are an ssh-rsa key) and certificates compare as their plain key.
 */
function family(keyType: string): string {
  const plain = keyType.replace(/-cert-v01@openssh\.com$/, '');
  return plain.startsWith('rsa-sha2-') ? 'ssh-rsa' : plain;
}

function parseLine(raw: string, file: string, line: number): KnownHostEntry | KnownHostProblem | null {
  const text = raw.trim();
  if (text === '' || text.startsWith('#')) return null;
  const words = text.split(/\s+/);
  let marker: KnownHostMarker | undefined;
  if (words[0]!.startsWith('@')) {
    const m = words.shift()!.slice(1);
    if (m !== 'revoked' && m !== 'cert-authority') return { file, line, message: `unknown marker @${m}` };
    marker = m;
  }
  const [hosts, keyType, keyBase64, ...rest] = words;
  if (hosts === undefined || keyType === undefined || keyBase64 === undefined) {
    return { file, line, message: 'expected "hosts keytype base64-key [comment]"' };
  }
  if (!BASE64.test(keyBase64)) return { file, line, message: 'key is not valid base64' };
  const inner = blobKeyType(keyBase64);
  if (inner === undefined) return { file, line, message: 'key blob is truncated' };
  if (family(inner) !== family(keyType)) return { file, line, message: `key type ${keyType} does not match the key (${inner})` };
  const entry: KnownHostEntry = { file, line, keyType, keyBase64, ...(marker && { marker }), ...(rest.length > 0 && { comment: rest.join(' ') }) };
  if (hosts.startsWith('|')) {
    const parts = hosts.split('|'); // ['', '1', salt, hash]
    if (parts.length !== 4 || parts[1] !== '1' || !BASE64.test(parts[2]!) || !BASE64.test(parts[3]!)) {
      return { file, line, message: 'bad hashed host field (expected |1|salt|hash)' };
    }
    const hash = Buffer.from(parts[3]!, 'base64');
    if (hash.length !== SHA1_BYTES) return { file, line, message: 'hashed host field has the wrong length' };
    entry.hashed = { salt: Buffer.from(parts[2]!, 'base64'), hash };
  } else {
    entry.patterns = hosts.split(',').filter((p) => p !== '');
    if (entry.patterns.length === 0) return { file, line, message: 'empty host list' };
  }
  return entry;
}

/** Parse known_hosts text; unusable lines are reported with their line number and skipped. */
export function parseKnownHosts(text: string, file: string): ParsedKnownHosts {
  const out: ParsedKnownHosts = { entries: [], problems: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const r = parseLine(raw, file, i + 1);
    if (r === null) return;
    if ('keyType' in r) out.entries.push(r);
    else out.problems.push(r);
  });
  return out;
}

/** Does this entry's host field name `name` (already in `[host]:port` form when needed)? */
export function entryMatches(e: KnownHostEntry, name: string): boolean {
  if (e.hashed) {
    const mac = createHmac('sha1', e.hashed.salt).update(name).digest();
    return mac.equals(e.hashed.hash);
  }
  return matchPatternList(name, e.patterns ?? [], true);
}

/** Read and parse files; missing or unreadable files are skipped like OpenSSH skips them. */
function loadFiles(files: string[]): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const f of files) {
    let text: string;
    try {
      if (statSync(f).size > MAX_FILE_BYTES) continue;
      text = readFileSync(f, 'utf8');
    } catch { continue; }
    out.push(...parseKnownHosts(text, f).entries);
  }
  return out;
}

function entriesFor(files: string[], host: string, port: number): KnownHostEntry[] {
  const name = knownHostsName(host, port);
  return loadFiles(files).filter((e) => entryMatches(e, name));
}

/** Compare a server's host key with known_hosts (OpenSSH precedence: revoked, match, changed, unknown). */
export function checkHostKey(files: string[], host: string, port: number, keyType: string, keyBlobBase64: string): HostKeyCheck {
  const hits = entriesFor(files, host, port);
  const direct = hits.filter((e) => e.marker === undefined);
  const expected = direct.map((e) => ({ keyType: e.keyType, fingerprint: fingerprintSha256(e.keyBase64), file: e.file, line: e.line }));
  const key = Buffer.from(keyBlobBase64, 'base64');
  const same = (e: KnownHostEntry): boolean => Buffer.from(e.keyBase64, 'base64').equals(key);
  const revoked = hits.find((e) => e.marker === 'revoked' && same(e));
  if (revoked) return { status: 'revoked', matched: { file: revoked.file, line: revoked.line }, expected };
  const ok = direct.find(same);
  if (ok) return { status: 'match', matched: { file: ok.file, line: ok.line }, expected };
  const fam = family(blobKeyType(keyBlobBase64) ?? keyType);
  if (direct.some((e) => family(e.keyType) === fam)) return { status: 'changed', expected };
  return { status: 'unknown', expected };
}

/** Key types known_hosts already holds for this host, in file order (no revoked or CA lines). */
export function knownKeyTypes(files: string[], host: string, port: number): string[] {
  return [...new Set(entriesFor(files, host, port).filter((e) => e.marker === undefined).map((e) => e.keyType))];
}

/** Does the file end without a newline? Then an append must start one, or two lines would fuse. */
function needsLeadingNewline(file: string): boolean {
  let fd: number;
  try { fd = openSync(file, 'r'); } catch { return false; }
  try {
    const size = statSync(file).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally { closeSync(fd); }
}

/**
 * Append one host key (trust-on-first-use). Creates the folder 0700 and the file 0600 like ssh.
 * Host and key are validated first so a hostile name can never inject a second line or pattern.
 */
export function appendKnownHost(file: string, host: string, port: number, keyType: string, keyBlobBase64: string, opts: { hash?: boolean } = {}): void {
  if (host === '' || /[\s,#|@!*?\x00-\x1f\x7f]/.test(host)) throw new TypeError(`refusing to record host name ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new TypeError(`bad port ${port}`);
  if (!/^[A-Za-z0-9@._-]+$/.test(keyType)) throw new TypeError(`bad key type ${JSON.stringify(keyType)}`);
  if (!BASE64.test(keyBlobBase64) || blobKeyType(keyBlobBase64) === undefined) throw new TypeError('key is not a base64 SSH public-key blob');
  const name = knownHostsName(host, port);
  let field = name;
  if (opts.hash) {
    const salt = randomBytes(SALT_BYTES);
    field = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const lead = needsLeadingNewline(file) ? '\n' : '';
  appendFileSync(file, `${lead}${field} ${keyType} ${keyBlobBase64}\n`, { mode: 0o600 });
}
