/** Terminal output helpers: colour only on a TTY and never when NO_COLOR is set (no-color.org). */
const useColor = (stream: NodeJS.WriteStream) => stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

const paint = (code: string) => (s: string) => (useColor(process.stdout) ? `\x1b[${code}m${s}\x1b[0m` : s);
export const c = {
  red: paint('31'),
  green: paint('32'),
  yellow: paint('33'),
  dim: paint('2'),
  bold: paint('1'),
  cyan: paint('36'),
};

/** A stable colour per node name, so interleaved output stays readable. */
export function nodeColor(name: string): (s: string) => string {
  const palette = [c.cyan, c.green, c.yellow, paint('35'), paint('34'), paint('96'), paint('92')];
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[h % palette.length]!;
}

const ANSI = /\x1b\[[0-9;]*m/g;
const width = (s: string) => [...s.replace(ANSI, '')].length;

/** Render rows as an aligned text table. */
export function table(headers: string[], rows: string[][]): string {
  const w = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((cell, i) => cell + ' '.repeat(Math.max(0, w[i]! - width(cell)))).join('  ').trimEnd();
  return [c.bold(line(headers)), ...rows.map(line)].join('\n');
}

/** Splits a byte stream into complete lines per node (never splits a UTF-8 character). */
export class LineSplitter {
  private buf = Buffer.alloc(0);
  constructor(private readonly emit: (line: string) => void) {}
  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    let i: number;
    while ((i = this.buf.indexOf(10)) >= 0) {
      this.emit(this.buf.subarray(0, i).toString('utf8'));
      this.buf = this.buf.subarray(i + 1);
    }
  }
  flush(): void {
    if (this.buf.length) this.emit(this.buf.toString('utf8'));
    this.buf = Buffer.alloc(0);
  }
}
