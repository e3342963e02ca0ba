// Small helpers shared by the simulators: a subset of Python's argparse (rocm-smi and amd-smi are
// argparse programs, so errors and nargs behave like argparse), Python-style json.dumps, and exit.

/** Thrown by parse(): `message` is argparse's text after "prog: error: ". */
export class ArgError extends Error {}

/**
 * Parse argv against option specs: { names: ['-d', '--device'], dest, kind } where kind is
 * flag | one | int1 | plus | intplus (argparse store_true, nargs=None, type=int nargs=1, nargs='+',
 * type=int nargs='+'). Long options accept `--opt=value`. Unknown options are collected, like
 * argparse's "unrecognized arguments".
 */
export function parse(argv, specs) {
  const byName = new Map();
  for (const s of specs) for (const n of s.names) byName.set(n, s);
  const out = {};
  const unknown = [];
  const isOpt = (a) => a !== undefined && a.startsWith('-') && !/^-\d/.test(a);
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let attached;
    if (a.startsWith('--') && a.includes('=')) {
      attached = a.slice(a.indexOf('=') + 1);
      a = a.slice(0, a.indexOf('='));
    }
    const s = byName.get(a);
    if (!s) {
      unknown.push(argv[i]);
      continue;
    }
    const label = s.names.join('/');
    const toInt = (v) => {
      if (!/^-?\d+$/.test(v)) throw new ArgError(`argument ${label}: invalid int value: '${v}'`);
      return Number(v);
    };
    if (s.kind === 'flag') {
      out[s.dest] = true;
    } else if (s.kind === 'one' || s.kind === 'int1') {
      const v = attached ?? (isOpt(argv[i + 1]) ? undefined : argv[++i]);
      if (v === undefined) throw new ArgError(`argument ${label}: expected one argument`);
      out[s.dest] = s.kind === 'int1' ? toInt(v) : v;
    } else {
      const vals = attached !== undefined ? [attached] : [];
      while (attached === undefined && i + 1 < argv.length && !isOpt(argv[i + 1])) vals.push(argv[++i]);
      if (vals.length === 0) throw new ArgError(`argument ${label}: expected at least one argument`);
      out[s.dest] = s.kind === 'intplus' ? vals.map(toInt) : vals;
    }
  }
  return { args: out, unknown };
}

/** Python's json.dumps(obj) (separators ', ' and ': '), or with indent like json.dumps(obj, indent=4). */
export function pyDumps(v, indent, level = 0) {
  const nl = indent ? `\n${' '.repeat(indent * (level + 1))}` : '';
  const end = indent ? `\n${' '.repeat(indent * level)}` : '';
  const sep = indent ? ',' : ', ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((x) => nl + pyDumps(x, indent, level + 1)).join(sep)}${end}]`;
  }
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    return `{${keys.map((k) => `${nl}${JSON.stringify(k)}: ${pyDumps(v[k], indent, level + 1)}`).join(sep)}${end}}`;
  }
  if (typeof v === 'number' && Number.isInteger(v) === false) return String(v);
  return JSON.stringify(v);
}

/** Python's str() of a float: 36 -> "36.0", 36.5 -> "36.5". */
export function pyFloat(x) {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** Exit after stdout/stderr have drained (process.exit can cut piped output short). */
export function finish(code, out = '', err = '') {
  if (err) process.stderr.write(err);
  if (out) process.stdout.write(out, () => process.exit(code));
  else process.exit(code);
}

/** True when the caller is root: the real tools' set/reset paths need it. */
export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
