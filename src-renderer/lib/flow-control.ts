/**
 * Shell flow control, renderer side. The engine pauses the SSH channel once more than ~100 kB are
 * un-acknowledged and resumes it below ~5 kB (the constants VS Code's terminal uses: large enough
 * for a full screen redraw, small enough that Ctrl+C is answered at once). The renderer's job is to
 * acknowledge what xterm has actually parsed — in the write callback — in ~5 kB chunks.
 */

/** Ack once this many bytes are written: matches the engine's low-water mark so it can resume. */
export const ACK_CHUNK_BYTES = 5_000;
/** Ack a smaller remainder after this idle time, so a quiet shell ends fully acknowledged. */
export const ACK_IDLE_MS = 50;

/** UTF-8 length of a string without allocating (the engine counts bytes, not UTF-16 units). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4; // a surrogate pair is one 4-byte code point
      i++;
    } else n += 3;
  }
  return n;
}

/** Batches acknowledgements of written output. */
export class AckBatcher {
  private pending = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly send: (bytes: number) => void) {}

  /** Call from xterm's write callback with the data just parsed. */
  written(data: string): void {
    this.pending += utf8Length(data);
    if (this.pending >= ACK_CHUNK_BYTES) return this.flush();
    if (!this.timer) this.timer = setTimeout(() => this.flush(), ACK_IDLE_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending === 0) return;
    const n = this.pending;
    this.pending = 0;
    this.send(n);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
