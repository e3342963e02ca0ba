import { appendKnownHost, checkHostKey, fingerprintSha256, knownKeyTypes } from './known-hosts.js';
import { SshError } from './errors.js';

/** Read the key type (first SSH string) from a raw public-key blob as ssh2 hands it to hostVerifier. */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('ascii');
}

/**
 * Host-key algorithms ssh2 may negotiate, reordered so the types known_hosts already has for this
 * host come first (OpenSSH does the same). Otherwise a server offering ed25519 while we pinned its
 * RSA key would look like a "changed" key when it is not.
 */
export function preferredHostKeyAlgorithms(files: string[], host: string, port: number): string[] {
  const all = [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
  ];
  const known = new Set(knownKeyTypes(files, host, port));
  const isKnown = (alg: string) => known.has(alg) || (alg.startsWith('rsa-sha2-') && known.has('ssh-rsa'));
  return [...all.filter(isKnown), ...all.filter((a) => !isKnown(a))];
}

export interface VerifyOutcome {
  ok: boolean;
  /** Set when the key was refused; the connection layer throws it instead of ssh2's generic error. */
  error?: SshError;
  /** Set when trust-on-first-use recorded a new key. */
  recorded?: { file: string; fingerprint: string };
  status: 'match' | 'unknown' | 'changed' | 'revoked' | 'recorded';
}

/**
 * Decide whether to accept a server's host key. Never accepts silently: a key is accepted only when
 * it matches known_hosts, or when trust-on-first-use was asked for and the host has no entry of that
 * type at all (then it is written to the first known_hosts file).
 */
export function verifyHostKey(
  blob: Buffer,
  host: string,
  port: number,
  files: string[],
  trustOnFirstUse: boolean,
  node?: string,
): VerifyOutcome {
  const type = keyTypeOfBlob(blob);
  const b64 = blob.toString('base64');
  const fp = fingerprintSha256(blob);
  const where = port === 22 ? host : `[${host}]:${port}`;
  const check = checkHostKey(files, host, port, type, b64);
  if (check.status === 'match') return { ok: true, status: 'match' };
  if (check.status === 'revoked')
    return {
      ok: false,
      status: 'revoked',
      error: new SshError('HOSTKEY_CHANGED', `the ${type} host key of ${where} (${fp}) is marked @revoked in known_hosts`, 'do not connect; investigate the host', node),
    };
  if (check.status === 'changed') {
    const exp = check.expected
      .filter((e) => e.keyType === type)
      .map((e) => `${e.fingerprint} (${e.file}:${e.line})`)
      .join(', ');
    return {
      ok: false,
      status: 'changed',
      error: new SshError(
        'HOSTKEY_CHANGED',
        `HOST KEY CHANGED for ${where}: known_hosts has ${type} ${exp}, the server now offers ${fp}`,
        'someone may be intercepting the connection, or the host was reinstalled; verify out of band, then remove the old line (ssh-keygen -R) and try again',
        node,
      ),
    };
  }
  const others = check.expected.map((e) => `${e.keyType} ${e.fingerprint}`).join(', ');
  if (trustOnFirstUse && files.length > 0) {
    const file = files[0]!;
    appendKnownHost(file, host, port, type, b64);
    return { ok: true, status: 'recorded', recorded: { file, fingerprint: fp } };
  }
  return {
    ok: false,
    status: 'unknown',
    error: new SshError(
      'HOSTKEY_UNKNOWN',
      `${where} is not in known_hosts (it offers ${type} ${fp}${others ? `; known with other key types: ${others}` : ''})`,
      `check that fingerprint out of band, then re-run with --trust-new (records it in ${files[0] ?? '~/.ssh/known_hosts'})`,
      node,
    ),
  };
}
