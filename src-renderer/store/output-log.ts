/**
 * Streamed command output (exec.output) for the terminal panel. Like probe samples it is kept out of
 * React state: the xterm panel subscribes and writes new chunks as they come; a late panel replays
 * what is buffered.
 */

/** Characters of output kept for replay: enough for a game day's commands, bounded for a long run. */
export const MAX_OUTPUT_CHARS = 2_000_000;

export interface OutputChunk {
  node: string;
  stepId?: string;
  stream: 'stdout' | 'stderr' | 'info';
  data: string;
  /** When it arrived, on the engine's clock (epoch ms): each line of the panel says when. */
  at?: number;
}

export class OutputLog {
  private chunks: OutputChunk[] = [];
  private chars = 0;
  private readonly listeners = new Set<(c: OutputChunk) => void>();
  private readonly watchers = new Set<() => void>();
  /** Chunks ever appended since the last clear (the buffer itself is bounded). */
  count = 0;

  append(c: OutputChunk): void {
    this.chunks.push(c);
    this.chars += c.data.length;
    this.count++;
    while (this.chars > MAX_OUTPUT_CHARS && this.chunks.length > 1) this.chars -= this.chunks.shift()!.data.length;
    for (const fn of this.listeners) fn(c);
    for (const fn of this.watchers) fn();
  }

  /** Called after every append and clear (for "is there any output?" views). */
  watch(fn: () => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  all(): readonly OutputChunk[] {
    return this.chunks;
  }

  clear(): void {
    this.chunks = [];
    this.chars = 0;
    this.count = 0;
    for (const fn of this.watchers) fn();
  }

  subscribe(fn: (c: OutputChunk) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/** Routes shell.output / shell.closed to the one terminal that opened that shell. */
export class ShellRouter {
  private readonly sinks = new Map<string, { data(d: string): void; closed(reason?: string): void }>();

  attach(shellId: string, sink: { data(d: string): void; closed(reason?: string): void }): () => void {
    this.sinks.set(shellId, sink);
    return () => this.sinks.delete(shellId);
  }

  output(shellId: string, data: string): void {
    this.sinks.get(shellId)?.data(data);
  }

  closed(shellId: string, reason?: string): void {
    this.sinks.get(shellId)?.closed(reason);
    this.sinks.delete(shellId);
  }
}
