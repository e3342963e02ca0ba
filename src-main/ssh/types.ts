import type { Shell } from '../shell/index.js';

/** Everything needed to reach one node. Built by the inventory (optionally merged with ~/.ssh/config). */
export interface ConnectSpec {
  /** Inventory name; the pool key together with user@host:port and the jump chain. */
  name: string;
  host: string;
  port: number;
  user: string;
  /** Private key files to try, in order. */
  identityFiles: string[];
  /** ssh-agent socket (SSH_AUTH_SOCK); undefined disables agent auth. */
  agent?: string;
  /** Jump hosts, first hop first (ProxyJump a,b → [a, b]). */
  jump?: ConnectSpec[];
  /** Handshake + TCP connect timeout. OpenSSH ConnectTimeout. */
  connectTimeoutMs?: number;
  /** SSH-level keepalive (OpenSSH ServerAliveInterval). 0 disables. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the link is declared dead (ServerAliveCountMax). */
  keepaliveCountMax?: number;
  /** known_hosts files to check, first is where trust-on-first-use writes. */
  knownHostsFiles?: string[];
}

/** Interactive secrets are asked for through callbacks and never stored. */
export interface SecretPrompts {
  /** Asked once per encrypted key file; return undefined to skip that key. */
  passphrase?: (keyFile: string) => Promise<string | undefined>;
  /** Asked when key and agent auth fail and the server offers password auth. */
  password?: (user: string, host: string) => Promise<string | undefined>;
}

export type SshErrorCode =
  | 'UNREACHABLE'
  | 'DNS'
  | 'REFUSED'
  | 'AUTH_FAILED'
  | 'HOSTKEY_UNKNOWN'
  | 'HOSTKEY_CHANGED'
  | 'SUDO_NEEDS_PASSWORD'
  | 'TIMEOUT'
  | 'DISCONNECTED'
  | 'CHANNEL'
  | 'CONFIG';

export interface ExecOptions {
  /** Bytes for the remote stdin; the stream is closed (EOF) after writing. */
  stdin?: string | Buffer;
  /** Kill the remote process group after this long (remote `timeout`), and fail with TIMEOUT. */
  timeoutMs?: number;
  /** Run as root: as-is when the user is root, else through `sudo -n`. */
  sudo?: boolean;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Abort the command (kills the remote process group). */
  signal?: AbortSignal;
  /**
   * Shells opened ahead (standby.ts). STOP's: `keep` = after this command, make sure one is open
   * on the node (for this sudo); `use` = run the command in it when one is ready (else as usual).
   * `warm` = run the command in the node's warm shell when one is ready, then open the next one
   * (a live console's shared pool, for the operator's commands). Not with `stdin`.
   */
  standby?: 'keep' | 'use' | 'warm';
}

export interface ExecResult {
  node: string;
  /** Exit code, or null when the process died of a signal. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Set when the command ran in a standby shell opened ahead (no new session). */
  via?: 'standby';
}

export type CommandInput = Shell;
