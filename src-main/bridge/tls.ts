/**
 * TLS for a console reachable beyond loopback (`gameday console --host ADDR`): a self-signed
 * certificate per workspace, made with openssl on first use and kept (so the fingerprint people
 * checked stays the same) while it still covers the addresses asked for and has not expired. The
 * browser will warn about a self-signed certificate; the SHA-256 fingerprint printed beside the
 * URLs is what the room compares against the one the browser shows.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';

/** What the bridge needs to serve HTTPS/WSS, and what people compare. */
export interface BridgeTls {
  key: string;
  cert: string;
  /** SHA-256 of the certificate (DER), upper-case hex pairs joined by colons, as browsers show it. */
  fingerprint: string;
}

/** A certificate that cannot be made (no openssl, unwritable folder): typed, with a hint. */
export class TlsError extends Error {
  override readonly name = 'TlsError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** About two years and three months: the longest validity browsers accept for a TLS certificate. */
const VALID_DAYS = 825;
/** Renew a day before expiry so a console started today keeps working through its game day. */
const RENEW_BEFORE_MS = 24 * 3600 * 1000;

/** SHA-256 fingerprint of a PEM certificate. */
export function certFingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/**
 * The names the certificate must cover for a bind address: that address (a wildcard bind means
 * every address of this machine) plus loopback, so the facilitator's own browser works too.
 */
export function certHosts(bindHost: string): string[] {
  const out = new Set<string>(['localhost', '127.0.0.1', '::1']);
  if (bindHost === '0.0.0.0' || bindHost === '::') {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (bindHost === '::' || a.family === 'IPv4') out.add(a.address.replace(/%.*$/, ''));
  } else {
    out.add(bindHost);
  }
  return [...out];
}

function covers(cert: X509Certificate, hosts: string[]): boolean {
  if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
  return hosts.every((h) => (isIP(h) ? cert.checkIP(h) !== undefined : cert.checkHost(h) !== undefined));
}

/** The workspace's certificate (in `dir`) for `hosts`: reused when it covers them, else made anew. */
export function workspaceTls(dir: string, hosts: string[]): BridgeTls {
  const keyFile = join(dir, 'bridge-key.pem');
  const certFile = join(dir, 'bridge-cert.pem');
  if (existsSync(keyFile) && existsSync(certFile)) {
    try {
      const cert = readFileSync(certFile, 'utf8');
      if (covers(new X509Certificate(cert), hosts)) return { key: readFileSync(keyFile, 'utf8'), cert, fingerprint: certFingerprint(cert) };
    } catch {
      /* unreadable or not a certificate: make a new one */
    }
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new TlsError(`cannot create ${dir} for the TLS certificate: ${(e as Error).message}`, 'check the workspace folder (--workspace) is writable');
  }
  const san = hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  const tmpKey = `${keyFile}.new`;
  const tmpCert = `${certFile}.new`;
  try {
    // argv, no shell: hosts come from the command line.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', tmpKey, '-out', tmpCert, '-days', String(VALID_DAYS), '-subj', '/CN=gameday-console', '-addext', `subjectAltName=${san}`, '-addext', 'extendedKeyUsage=serverAuth'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    rmSync(tmpKey, { force: true });
    rmSync(tmpCert, { force: true });
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new TlsError('openssl is not installed: a console on a non-loopback address needs it to make its TLS certificate', 'install openssl, or leave out --host (the console then stays on 127.0.0.1)');
    throw new TlsError(`openssl could not make the TLS certificate: ${err.stderr?.toString().trim() || err.message}`, 'check that openssl works: openssl version');
  }
  chmodSync(tmpKey, 0o600);
  renameSync(tmpKey, keyFile);
  renameSync(tmpCert, certFile);
  const cert = readFileSync(certFile, 'utf8');
  return { key: readFileSync(keyFile, 'utf8'), cert, fingerprint: certFingerprint(cert) };
}
