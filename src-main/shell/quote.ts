/**
 * POSIX sh quoting. Every argument that reaches a remote shell goes through here; no caller
 * concatenates untrusted text into a command line.
 *
 * The rule is the one every POSIX shell honours: inside single quotes nothing is special, and a
 * single quote itself is written as '\'' (close, escaped quote, reopen). Arguments made only of
 * characters that are never special (the SAFE set) are left bare so commands stay readable in the
 * audit trail.
 */

/** Characters that are never special to a POSIX shell in any position (`-` only matters to the program). */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote one argument for POSIX sh. NUL bytes cannot be passed through argv at all, so they are refused. */
export function shq(arg: string | number): string {
  const s = String(arg);
  if (s.includes('\0')) throw new TypeError('argument contains a NUL byte, which no shell argument can carry');
  if (s.length > 0 && SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Build one shell command line from argv; every element is quoted. */
export function argv(...args: Array<string | number>): string {
  if (args.length === 0) throw new TypeError('empty argv');
  return args.map(shq).join(' ');
}

/**
 * A command already assembled from quoted parts. `Shell` values are the only thing the SSH layer
 * executes, so a plain string can never be sent by mistake: it must pass through `argv`, `sh` or
 * `raw` (the last one is for trusted, constant script text only, e.g. our own resources/ scripts).
 */
export class Shell {
  private constructor(readonly text: string) {}
  /** Trusted text: constants written in this repository, never user input. */
  static raw(text: string): Shell {
    return new Shell(text);
  }
  static argv(...args: Array<string | number>): Shell {
    return new Shell(argv(...args));
  }
  /** Join commands with a shell operator (`&&`, `;`, `||`, `|`). */
  static join(op: '&&' | ';' | '||' | '|', ...parts: Shell[]): Shell {
    return new Shell(parts.map((p) => p.text).join(` ${op} `));
  }
  toString(): string {
    return this.text;
  }
}

/**
 * Tagged template: literal parts are trusted, every interpolated value is quoted.
 * `sh\`tc qdisc del dev ${iface} root\`` → `tc qdisc del dev 'eth0;rm -rf /' root`.
 * A `Shell` interpolated inside is inserted as is (already safe); arrays become quoted words.
 */
export function sh(strings: TemplateStringsArray, ...values: Array<string | number | Shell | Array<string | number>>): Shell {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    if (v instanceof Shell) out += v.text;
    else if (Array.isArray(v)) out += v.map(shq).join(' ');
    else out += shq(v);
    out += strings[i + 1] ?? '';
  });
  return Shell.raw(out);
}
