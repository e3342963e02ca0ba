import { randomBytes } from 'node:crypto';
import { TextDecoder } from 'node:util';
import type { ShellChannel as ClientChannel } from '../ssh/index.js';
import type { AuditStore } from '../audit/index.js';
import { redact } from '../audit/index.js';
import type { EngineEvent } from '../api/index.js';
import { ApiFailure } from '../api/index.js';
import type { ConnectSpec, SshPool } from '../ssh/index.js';

/**
 * Terminal flow control (as VS Code's terminal does): stop reading from the node when the client
 * has this many bytes it has not acknowledged yet (a `cat` of a huge log must not flood the UI or
 * the bridge's memory), and read again once it is back below the low mark.
 */
const HIGH_WATER = 100_000;
const LOW_WATER = 5_000;
/** Typed input is audited line by line; a partial line is flushed after this long idle. */
const INPUT_FLUSH_MS = 2_000;

interface Shell {
  id: string;
  node: string;
  ch: ClientChannel;
  unacked: number;
  paused: boolean;
  decoder: TextDecoder;
  line: string;
  flush?: NodeJS.Timeout;
  runId?: string;
}

/** Interactive shells to nodes for the console's terminal panel; every session and every typed line is audited. */
export class ShellManager {
  private readonly shells = new Map<string, Shell>();

  constructor(
    private readonly pool: SshPool,
    private readonly audit: AuditStore,
    private readonly emit: (e: EngineEvent) => void,
  ) {}

  async open(spec: ConnectSpec, cols: number, rows: number, runId?: string): Promise<string> {
    const ch = await this.pool.shell(spec, { cols, rows });
    const id = randomBytes(8).toString('hex');
    // The decoder keeps a split UTF-8 sequence until its last byte arrives: characters never break.
    const s: Shell = { id, node: spec.name, ch, unacked: 0, paused: false, decoder: new TextDecoder('utf-8'), line: '', runId };
    this.shells.set(id, s);
    this.audit.append({ runId, kind: 'shell.opened', node: spec.name, data: { shellId: id, user: spec.user } });
    const out = (b: Buffer) => {
      s.unacked += b.length;
      this.emit({ type: 'shell.output', shellId: id, data: s.decoder.decode(b, { stream: true }) });
      if (s.unacked > HIGH_WATER && !s.paused) {
        s.paused = true;
        ch.pause();
      }
    };
    ch.on('data', out);
    ch.stderr.on('data', out);
    ch.on('close', () => {
      this.flushInput(s);
      this.shells.delete(id);
      this.audit.append({ runId, kind: 'shell.closed', node: spec.name, data: { shellId: id } });
      this.emit({ type: 'shell.closed', shellId: id });
    });
    return id;
  }

  private get(id: string): Shell {
    const s = this.shells.get(id);
    if (!s) throw new ApiFailure('NO_SHELL', `no open shell ${id}`);
    return s;
  }

  private flushInput(s: Shell): void {
    if (s.flush) clearTimeout(s.flush);
    s.flush = undefined;
    if (!s.line) return;
    this.audit.append({ runId: s.runId, kind: 'shell.input', node: s.node, data: { shellId: s.id, text: redact(s.line) } });
    s.line = '';
  }

  input(id: string, data: string): void {
    const s = this.get(id);
    s.ch.write(data);
    for (const ch of data) {
      if (ch === '\r' || ch === '\n') this.flushInput(s);
      else if (ch === '\x7f') s.line = s.line.slice(0, -1);
      else if (ch >= ' ') s.line += ch;
    }
    if (s.line && !s.flush) s.flush = setTimeout(() => this.flushInput(s), INPUT_FLUSH_MS);
  }

  resize(id: string, cols: number, rows: number): void {
    this.get(id).ch.setWindow(rows, cols, 0, 0);
  }

  ack(id: string, bytes: number): void {
    const s = this.get(id);
    s.unacked = Math.max(0, s.unacked - bytes);
    if (s.paused && s.unacked < LOW_WATER) {
      s.paused = false;
      s.ch.resume();
    }
  }

  close(id: string): void {
    this.get(id).ch.close();
  }

  dispose(): void {
    for (const s of this.shells.values()) s.ch.close();
  }
}
