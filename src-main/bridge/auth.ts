/**
 * Tokens for the loopback bridge: three random secrets (commander, observer, trainee) that ride in the URL the
 * console prints. Compared in constant time so a local attacker cannot learn them byte by byte.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role as BridgeRole } from '../api/index.js';

/** 32 random bytes = 256 bits: unguessable, and short enough to paste (43 base64url characters). */
const TOKEN_BYTES = 32;

/** A bridge token's role: the contract's one Role. */
export type { BridgeRole };

/** A fresh random token (base64url, URL-safe without escaping). */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * Constant-time equality. Both sides are hashed first so the comparison takes the same time whatever
 * the length of the presented value (timingSafeEqual itself throws on different lengths).
 */
export function tokenEquals(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && presented.length === expected.length;
}

/** The tokens of one bridge (the class keeps its name from when there were two), and which role a presented token grants (null: none). */
export class TokenPair {
  readonly commander = newToken();
  readonly observer = newToken();
  readonly trainee = newToken();

  roleOf(presented: string | null | undefined): BridgeRole | null {
    if (typeof presented !== 'string' || presented.length === 0 || presented.length > 256) return null;
    // Every comparison always runs: which one matched must not show in the timing either.
    const isCommander = tokenEquals(presented, this.commander);
    const isObserver = tokenEquals(presented, this.observer);
    const isTrainee = tokenEquals(presented, this.trainee);
    if (isCommander) return 'commander';
    if (isObserver) return 'observer';
    if (isTrainee) return 'trainee';
    return null;
  }
}

/** The bridge's cookie name, per port: cookies are per host, not per port, and two consoles may run. */
export function cookieName(port: number): string {
  return `gameday_${port}`;
}

/** Read one cookie from a Cookie header (no dependency: the format we set is fixed). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
