// GNU getopt_long as far as the xtables save/restore tools use it, with glibc's messages: operands
// may come anywhere (permutation), short options cluster (`-nv`, `-tfilter`), long options take
// `--name=value` or the next word and may be shortened to a unique prefix, `--` ends the options.
import { Exit } from './env.mjs';

/**
 * Parse argv. `short` is getopt's option string ("bcvt:" : a colon marks an argument); `long` maps
 * each long name to { key, arg: 0 | 1 | 2 } (2: optional, only as `--name=value`). Keys in
 * `nextWord` given without a value take the next word when it does not start with - or ! (what
 * xtables' `xs_has_arg` does for -w/-W). Returns { opts: {key, value}[], operands: string[] }.
 * A bad option throws Exit(1) with glibc's message followed by `hint`.
 */
export function getopt(prog, argv, { short, long, hint, nextWord = '' }) {
  const bad = (msg) => new Exit(1, `${prog}: ${msg}\n${hint}\n`);
  const opts = [];
  const operands = [];
  const push = (key, value, i) => {
    const w = argv[i + 1];
    if (value === undefined && nextWord.includes(key) && w !== undefined && w[0] !== '-' && w[0] !== '!') {
      opts.push({ key, value: w });
      return i + 1;
    }
    opts.push({ key, value });
    return i;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const exact = long[name] ? [name] : Object.keys(long).filter((n) => n.startsWith(name));
      if (exact.length === 0) throw bad(`unrecognized option '${a}'`);
      if (exact.length > 1) throw bad(`option '${a}' is ambiguous; possibilities:${exact.map((n) => ` '--${n}'`).join('')}`);
      const { key, arg } = long[exact[0]];
      if (eq >= 0 && arg === 0) throw bad(`option '--${exact[0]}' doesn't allow an argument`);
      if (arg === 1 && eq < 0) {
        if (argv[i + 1] === undefined) throw bad(`option '--${exact[0]}' requires an argument`);
        opts.push({ key, value: argv[++i] });
      } else i = push(key, eq >= 0 ? a.slice(eq + 1) : undefined, i);
      continue;
    }
    if (a.length < 2 || a[0] !== '-') {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      const at = short.indexOf(c);
      if (at < 0 || c === ':') throw bad(`invalid option -- '${c}'`);
      if (short[at + 1] !== ':') {
        if (j + 1 === a.length) i = push(c, undefined, i);
        else opts.push({ key: c, value: undefined });
        continue;
      }
      if (j + 1 < a.length) opts.push({ key: c, value: a.slice(j + 1) });
      else if (argv[i + 1] === undefined) throw bad(`option requires an argument -- '${c}'`);
      else opts.push({ key: c, value: argv[++i] });
      break;
    }
  }
  return { opts, operands };
}
