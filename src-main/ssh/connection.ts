import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client as ClientT, ClientChannel, ConnectConfig } from 'ssh2';
import { classifySshError, SshError } from './errors.js';
import { loadKey, planAuth, type AuthStep } from './auth.js';
import { preferredHostKeyAlgorithms, verifyHostKey, type VerifyOutcome } from './host-verifier.js';
import { Semaphore } from './semaphore.js';
import type { ConnectSpec, SecretPrompts } from './types.js';

const { Client } = ssh2;

/** ssh2's own default handshake timeout is 20 s; OpenSSH has none. 10 s is long for a LAN and short enough for a game day. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Keepalive every 5 s, 3 misses: a dead link is noticed within ~15–20 s (ssh2's default is off). */
export const DEFAULT_KEEPALIVE_MS = 5_000;
export const DEFAULT_KEEPALIVE_COUNT = 3;
/** OpenSSH MaxSessions defaults to 10 channels per connection; stay below it to leave room for a human's ssh. */
export const DEFAULT_MAX_SESSIONS = 8;

export interface ConnectOptions {
  prompts: SecretPrompts;
  trustOnFirstUse: boolean;
  maxSessions: number;
  /** Called with every host-key decision (for the audit and `inventory check`). */
  onHostKey?: (spec: ConnectSpec, outcome: VerifyOutcome) => void;
}

/** "user@host:port" plus the jump chain, for messages. */
export function describeSpec(spec: ConnectSpec): string {
  const me = `${spec.user}@${spec.host}:${spec.port}`;
  return spec.jump?.length ? `${me} via ${spec.jump.map((j) => `${j.user}@${j.host}:${j.port}`).join(' → ')}` : me;
}

/** Pool key: two nodes share a connection only when everything that shapes it is the same. */
export function specKey(spec: ConnectSpec): string {
  return [spec.user, spec.host, spec.port, ...(spec.jump ?? []).map(specKey)].join('|');
}

export function knownHostsFilesOf(spec: ConnectSpec): string[] {
  return spec.knownHostsFiles?.length ? spec.knownHostsFiles : [join(homedir(), '.ssh', 'known_hosts')];
}

/** An exec channel with its exit status recorded as soon as it arrives (undefined until then). */
export type ExecChannel = ClientChannel & { exitInfo: { code: number | null | undefined; signal: string | null } };

/** One live SSH connection to one node; owns its ssh2 Client and its channel semaphore. */
export class NodeConnection {
  readonly sessions: Semaphore;
  closed = false;
  closeReason?: SshError;
  private readonly closeListeners = new Set<(err?: SshError) => void>();

  constructor(
    readonly spec: ConnectSpec,
    readonly client: ClientT,
    readonly authMethod: string,
    readonly hostKey: VerifyOutcome['status'],
    maxSessions: number,
    /** Parent hop connection (ProxyJump), kept alive while this one lives. */
    readonly via?: NodeConnection,
  ) {
    this.sessions = new Semaphore(maxSessions);
    const where = describeSpec(spec);
    client.on('error', (err) => {
      this.closeReason ??= classifySshError(err, where, spec.name);
    });
    client.on('close', () => this.markClosed());
  }

  private readonly shortListeners = new Set<() => void>();

  /** Called when the server refused a channel (fewer sessions than we assumed): idle holders let go. */
  onSessionsShort(fn: () => void): () => void {
    this.shortListeners.add(fn);
    return () => this.shortListeners.delete(fn);
  }

  /** The server refused a channel: tell the idle holders of sessions (standby shells) to close. */
  sessionsShort(): void {
    for (const fn of [...this.shortListeners]) fn();
  }

  onClose(fn: (err?: SshError) => void): () => void {
    this.closeListeners.add(fn);
    return () => this.closeListeners.delete(fn);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.closeListeners) fn(this.closeReason);
    this.closeListeners.clear();
  }

  /**
   * Open an exec channel (no pty: JSON-producing commands must not get CRLF and merged stderr).
   * The exit status is caught synchronously in the callback and kept on the result: a fast command's
   * exit-status can arrive in the same packet batch as the channel confirmation, before a listener
   * attached after an `await` would see it (observed on a loaded 2-core machine).
   */
  openExec(command: string): Promise<ExecChannel> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(this.closeReason ?? new SshError('DISCONNECTED', `connection to ${describeSpec(this.spec)} is closed`, undefined, this.spec.name));
      try {
        this.client.exec(command, (err, stream) => {
          if (err) return reject(classifySshError(err, describeSpec(this.spec), this.spec.name));
          const exitInfo: ExecChannel['exitInfo'] = { code: undefined, signal: null };
          stream.on('exit', (code: number | null, signal?: string) => {
            exitInfo.code = typeof code === 'number' ? code : null;
            exitInfo.signal = signal ?? null;
          });
          resolve(Object.assign(stream, { exitInfo }));
        });
      } catch (err) {
        reject(classifySshError(err, describeSpec(this.spec), this.spec.name));
      }
    });
  }

  /** An interactive login shell with a pty (for the console's terminal panel). */
  openShell(cols: number, rows: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.shell({ term: 'xterm-256color', cols, rows }, (err, stream) => (err ? reject(classifySshError(err, describeSpec(this.spec), this.spec.name)) : resolve(stream)));
    });
  }

  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, stream) =>
        err
          ? reject(new SshError('UNREACHABLE', `jump host ${describeSpec(this.spec)} could not open a tunnel to ${host}:${port}: ${err.message}`, 'the jump host needs AllowTcpForwarding and a route to the target', this.spec.name))
          : resolve(stream),
      );
    });
  }

  dispose(): void {
    if (!this.closed) this.client.end();
    this.markClosed();
  }
}

/**
 * Establish one connection (the jump hop's stream, if any, is passed as `sock`). Host key checked
 * against known_hosts, auth tried in OpenSSH's order; the error says which methods were tried.
 */
export async function connectOnce(spec: ConnectSpec, opts: ConnectOptions, via?: NodeConnection): Promise<NodeConnection> {
  const where = describeSpec(spec);
  const files = knownHostsFilesOf(spec);
  const steps = planAuth(spec.identityFiles, spec.agent, opts.prompts);
  const notes: string[] = [];
  const tried: string[] = [];
  let serverMethods: string[] | null = null;
  let outcome: VerifyOutcome | undefined;
  let usedMethod = 'none';
  if (steps.length === 0)
    throw new SshError('AUTH_FAILED', `no way to authenticate to ${where}: no identity file exists and no agent is set`, `set identity in the inventory (tried ${spec.identityFiles.join(', ') || 'none'}) or start ssh-agent`, spec.name);

  const sock: Duplex | undefined = via ? await via.forwardOut(spec.host, spec.port) : undefined;
  const client = new Client();
  const queue = [...steps];

  const authHandler = (methodsLeft: string[] | null, _partial: boolean | null, next: (a: unknown) => void): void => {
    if (methodsLeft) serverMethods = methodsLeft;
    const advance = async (): Promise<void> => {
      for (;;) {
        const step: AuthStep | undefined = queue.shift();
        if (!step) return next(false);
        const allowed = (m: string) => !serverMethods || serverMethods.includes(m);
        if (step.kind === 'agent' && allowed('publickey')) {
          tried.push(step.label);
          usedMethod = step.label;
          return next({ type: 'agent', username: spec.user, agent: step.socket });
        }
        if (step.kind === 'key' && allowed('publickey')) {
          const key = await loadKey(step.file, opts.prompts, notes);
          if (!key) continue;
          tried.push(step.label);
          usedMethod = step.label;
          return next({ type: 'publickey', username: spec.user, key });
        }
        if (step.kind === 'password' && allowed('password')) {
          const pw = await opts.prompts.password?.(spec.user, spec.host);
          if (pw === undefined) continue;
          tried.push('password');
          usedMethod = 'password';
          return next({ type: 'password', username: spec.user, password: pw });
        }
      }
    };
    void advance().catch(() => next(false));
  };

  const config: ConnectConfig = {
    host: spec.host,
    port: spec.port,
    username: spec.user,
    sock,
    readyTimeout: spec.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepaliveInterval: spec.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
    keepaliveCountMax: spec.keepaliveCountMax ?? DEFAULT_KEEPALIVE_COUNT,
    algorithms: { serverHostKey: preferredHostKeyAlgorithms(files, spec.host, spec.port) as never },
    hostVerifier: (key: Buffer) => {
      outcome = verifyHostKey(key, spec.host, spec.port, files, opts.trustOnFirstUse, spec.name);
      opts.onHostKey?.(spec, outcome);
      return outcome.ok;
    },
    authHandler: authHandler as never,
  };

  return new Promise<NodeConnection>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('ready');
      client.on('error', () => {});
      client.end();
      if (outcome && !outcome.ok && outcome.error) return reject(outcome.error);
      const e = err as { level?: string; message?: string };
      if (e?.level === 'client-authentication' || /authentication methods failed/i.test(String(e?.message))) {
        const detail = [`tried: ${tried.join(', ') || 'nothing usable'}`, serverMethods ? `server allows: ${serverMethods.join(', ')}` : '', ...notes]
          .filter(Boolean)
          .join('; ');
        return reject(new SshError('AUTH_FAILED', `authentication to ${where} failed (${detail})`, 'check the user and that the key is in the node\'s authorized_keys', spec.name));
      }
      reject(classifySshError(err, where, spec.name));
    };
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      client.removeListener('error', fail);
      resolve(new NodeConnection(spec, client, usedMethod, outcome?.status ?? 'match', opts.maxSessions, via));
    });
    client.once('error', fail);
    client.once('close', () => fail(new Error('Connection lost before handshake')));
    try {
      client.connect(config);
    } catch (err) {
      fail(err);
    }
  });
}
