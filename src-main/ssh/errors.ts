import type { SshErrorCode } from './types.js';

/**
 * An expected SSH failure, as data: a code, a plain one-line message and a hint. Callers show
 * `message` (and `hint`) and never a stack trace. Everything else that is thrown is a bug.
 */
export class SshError extends Error {
  override readonly name = 'SshError';
  constructor(
    readonly code: SshErrorCode,
    message: string,
    readonly hint?: string,
    readonly node?: string,
  ) {
    super(message);
  }
  /** Plain rendering for CLI/UI: "node01: host key changed … (hint: …)". */
  toPlain(): string {
    const where = this.node ? `${this.node}: ` : '';
    return `${where}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
  toJSON(): { code: SshErrorCode; message: string; hint?: string; node?: string } {
    return { code: this.code, message: this.message, hint: this.hint, node: this.node };
  }
}

interface NodeErr extends Error {
  code?: string;
  level?: string;
  errno?: number;
  syscall?: string;
}

/**
 * The one place that maps ssh2 / socket errors to codes. `where` is "user@host:port" (with the jump
 * chain when there is one) so every message says which link failed.
 */
export function classifySshError(err: unknown, where: string, node?: string): SshError {
  if (err instanceof SshError) return err;
  const e = (err ?? {}) as NodeErr;
  const msg = String(e.message ?? err);
  const mk = (code: SshErrorCode, text: string, hint?: string) => new SshError(code, text, hint, node);
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return mk('DNS', `cannot resolve the host name of ${where}`, 'check the host name in the inventory or ~/.ssh/config');
    case 'ECONNREFUSED':
      return mk('REFUSED', `connection refused by ${where}`, 'is sshd running and listening on that port?');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return mk('UNREACHABLE', `${where} is unreachable (no route to host)`, 'check the address and the network path');
    case 'ETIMEDOUT':
      return mk('TIMEOUT', `timed out connecting to ${where}`, 'the host may be down or packets are dropped on the way');
    case 'ECONNRESET':
      return mk('DISCONNECTED', `connection to ${where} was reset`, 'sshd may be dropping connections (MaxStartups); retry');
    default:
      break;
  }
  if (/Timed out while waiting for handshake/.test(msg))
    return mk('TIMEOUT', `timed out waiting for the SSH handshake with ${where}`, 'the host may be down, or packets to it are dropped');
  if (/Keepalive timeout/.test(msg))
    return mk('DISCONNECTED', `lost the link to ${where} (keepalive timeout)`, 'the node stopped answering; leases on it revert its faults by themselves');
  if (/Connection lost before handshake/.test(msg))
    return mk('DISCONNECTED', `connection to ${where} closed before the SSH handshake`, 'sshd may be dropping connections (MaxStartups); retry');
  if (/Channel open failure|open failed/i.test(msg))
    return mk('CHANNEL', `${where} refused a new session channel`, 'too many concurrent commands for its MaxSessions; lower maxSessionsPerNode');
  if (e.level === 'client-authentication' || /authentication methods failed/i.test(msg))
    return mk('AUTH_FAILED', `authentication to ${where} failed`, 'check the user, the key (IdentityFile) or the agent');
  if (/No response from server|Not connected|closed/i.test(msg))
    return mk('DISCONNECTED', `connection to ${where} closed`, undefined);
  return mk('UNREACHABLE', `${where}: ${msg}`);
}
