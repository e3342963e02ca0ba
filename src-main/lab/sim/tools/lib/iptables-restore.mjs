// Simulated iptables-restore / ip6tables-restore (filter table), as iptables v1.8.9 (nf_tables)
// behaves on Debian 12 (test/unit/simlab-iptables-restore.test.ts compares it with the real tool in a
// network namespace). Like the real one, a line is parsed when it is read (a usage error stops there,
// naming that line, exit 2); at COMMIT the block's commands run in order on a copy of the table
// (the cache checks: a missing rule or chain → "line N failed: …", exit 1), then the kernel's
// checks (a chain still in use → exit 4); the copy replaces the table only when all went through.
import { readFileSync, readSync } from 'node:fs';
import { Exit, updateJson } from './env.mjs';
import { getopt } from './getopt.mjs';
import { validChainName } from './iptables-errors.mjs';
import { apply, checkLoadable, emptyTable, firewallState, made, parseArgs, tableFile } from './iptables.mjs';
import { BUILTIN } from './iptables-rule.mjs';
import { splitRuleLine } from './iptables-words.mjs';

const VERSION = 'v1.8.9 (nf_tables)';
/** Tables iptables-nft knows; only filter is simulated (the others are refused below). */
const TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'];
const LONG = {
  counters: { key: 'c', arg: 0 },
  verbose: { key: 'v', arg: 0 },
  version: { key: 'V', arg: 0 },
  test: { key: 't', arg: 0 },
  help: { key: 'h', arg: 0 },
  noflush: { key: 'n', arg: 0 },
  modprobe: { key: 'M', arg: 1 },
  table: { key: 'T', arg: 1 },
  ipv4: { key: '4', arg: 0 },
  ipv6: { key: '6', arg: 0 },
  wait: { key: 'w', arg: 2 },
  'wait-interval': { key: 'W', arg: 2 },
};
const HELP = ['--counters ', '--verbose ', '--version', '--test ', '--help ', '--noflush ', '--table=<TABLE> ', '--modprobe=<command> ', '--ipv4 ', '--ipv6 '];
/** Commands that bring a table that does not exist yet into being (a flush or a failed check does not). */
const CREATES = new Set(['A', 'I', 'N', 'P', 'chain', 'policy']);

/** A usage error (exit 2) as iptables-restore words it: the line it stopped at, then the hint. */
function usageAt(prog, e, line) {
  return new Exit(2, `${e.bare ? '' : `${prog} ${VERSION}: `}${e.usage}\nError occurred at line: ${line}\nTry \`${prog} -h' or '${prog} --help' for more information.\n`);
}

function strerror(e) {
  return { ENOENT: 'No such file or directory', EACCES: 'Permission denied', ENOTDIR: 'Not a directory', EISDIR: 'Is a directory' }[e.code] ?? e.message;
}

/** All of stdin (a pipe may be non-blocking: wait for it rather than fail). */
function readStdin() {
  const chunks = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (e.code === 'EOF' || e.code === 'EBADF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One table line's command, parsed, with the line it came from. Throws a usage error naming line n. */
function parseLine(prog, text, n) {
  try {
    return parseWords(prog, text, n);
  } catch (e) {
    throw e.usage ? usageAt(prog, e, n) : e;
  }
}

function parseWords(prog, text, n) {
  if (text[0] === ':') {
    // strtok(" \t\n"): the chain, its policy, then counters the nft variant ignores.
    const [chain, policy] = text.slice(1).split(/[ \t\n]+/).filter(Boolean);
    if (!chain) throw usageAt(prog, { usage: `${prog}: line ${n} chain name invalid` }, n);
    validChainName(chain);
    if (!policy) throw usageAt(prog, { usage: `${prog}: line ${n} policy invalid` }, n);
    return BUILTIN.includes(chain) ? { op: 'policy', chain, policy, line: n } : { op: 'chain', chain, line: n };
  }
  let rest = text;
  if (rest[0] === '[') {
    // Counters before the rule ("[pkts:bytes] -A …"); the simulated table counts nothing.
    const end = rest.indexOf(']');
    if (end < 0) throw usageAt(prog, { usage: `Bad line ${n}: need ]\n` }, n);
    rest = rest.slice(end + 1);
  }
  const o = parseArgs(splitRuleLine(rest), { restore: prog });
  checkLoadable(o);
  return { op: o.op, o, line: n };
}

/**
 * Run one block's commands on a copy of `base` (`existed`: the table exists in the kernel). Returns
 * the new table and what -S/-L printed, or throws the first failure in the real tool's order: cache
 * checks in line order, then the kernel's.
 */
function commit(prog, base, existed, cmds, commitLine) {
  let t = structuredClone(base);
  let exists = existed;
  let kernel = null;
  let out = '';
  for (const c of cmds) {
    try {
      if (c.op === 'flush') t = emptyTable();
      else if (c.op === 'policy') {
        if (c.policy !== 'ACCEPT' && c.policy !== 'DROP') throw Object.assign(new Exit(1), { fail: 'Bad policy name.' });
        t.chains[c.chain].policy = c.policy;
        made(t, c.chain);
      } else if (c.op === 'chain') {
        // `:CHAIN` of a chain that exists (--noflush) empties it, as iptables-nft does.
        t.chains[c.chain] = { rules: [] };
      } else {
        const text = apply(t, c.o, (e) => (kernel ??= { e, line: c.line }));
        // Inside a restore, iptables-nft's -S lists only a table the kernel has; -L lists any.
        if (c.op === 'L' || (c.op === 'S' && exists)) out += text;
      }
      if (CREATES.has(c.op)) exists = true;
    } catch (e) {
      if (e.usage) throw usageAt(prog, e, commitLine); // found while the batch is built: at COMMIT
      if (e.fail) throw new Exit(1, `${prog}: line ${c.line} failed: ${e.fail}\n`, out);
      throw e;
    }
  }
  if (kernel) throw new Exit(kernel.e.code, `${prog} ${VERSION}: \nline ${kernel.line}: ${kernel.e.kernel}\n`, out);
  return { table: t, out };
}

/** `iptables-restore` / `ip6tables-restore [-n|--noflush] [-w [N]] [-T table] [-t] [-v] [FILE]`. */
export function iptablesRestoreMain(argv, family = 4) {
  const prog = family === 6 ? 'ip6tables-restore' : 'iptables-restore';
  const { opts, operands } = getopt(prog, argv, { short: 'bcvVthnM:T:wW', long: LONG, hint: `Try \`${prog} -h' for more information.`, nextWord: 'wW' });
  const f = { noflush: false, testing: false, verbose: false, table: undefined };
  let err = '';
  for (const x of opts) {
    if (x.key === 'V') return `${prog} ${VERSION}\n`;
    if (x.key === 'h') throw new Exit(0, `${err}Usage: ${prog} [-c] [-v] [-V] [-t] [-h] [-n] [-T table] [-M command] [-4] [-6] [file]\n${HELP.map((h) => `\t   [ ${h}]\n`).join('')}`);
    if (x.key === 'b') err += '-b/--binary option is not implemented\n';
    if (x.key === 'n') f.noflush = true;
    if (x.key === 't') f.testing = true;
    if (x.key === 'v') f.verbose = true;
    if (x.key === 'T') f.table = x.value;
  }
  if (operands.length > 1) throw new Exit(1, `${err}Unknown arguments found on commandline\n`);
  let text;
  try {
    text = operands.length ? readFileSync(operands[0], 'utf8') : readStdin();
  } catch (e) {
    throw new Exit(1, `${err}Can't open ${operands[0]}: ${strerror(e)}\n`);
  }
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let existed = true;
  const fresh = () => ((existed = false), emptyTable());
  const r = updateJson(firewallState(), tableFile(family), fresh, (table) => {
    let out = '';
    let dirty = false;
    let failure = null;
    try {
      let cur = null; // the table of the block being read; null outside a block
      let last = null; // the last *table line's table, even one -T skips
      let cmds = [];
      lines.forEach((text, i) => {
        const n = i + 1;
        if (text === '\n') return;
        if (text[0] === '#') {
          if (f.verbose) out += text;
          return;
        }
        if (cur && /^COMMIT\n?$/.test(text)) {
          if (!f.testing) {
            const c = commit(prog, table, existed, cmds, n);
            out += c.out;
            if (existed || cmds.some((x) => CREATES.has(x.op))) {
              table.chains = c.table.chains;
              dirty = existed = true;
            }
          }
          cur = null;
          return;
        }
        if (text[0] === '*' && !cur) {
          const name = text.slice(1).split(/[ \t\n]+/).filter(Boolean)[0];
          if (!name) throw usageAt(prog, { usage: `${prog}: line ${n} table name invalid` }, n);
          if (!TABLES.includes(name)) throw usageAt(prog, { usage: `${prog}: line ${n} table name '${name}' invalid` }, n);
          last = name;
          if (f.table !== undefined && f.table !== name) return;
          if (name !== 'filter') throw new Exit(1, `${prog}: line ${n}: table '${name}' is not simulated (a simulated node has only the filter table)\n`);
          cur = name;
          cmds = f.noflush ? [] : [{ op: 'flush', line: n }];
          return;
        }
        if (cur) return void cmds.push(parseLine(prog, text, n));
        // A line outside any block fails, unless -T skips the block it belongs to.
        if (f.table === undefined || last === null || last === f.table) throw new Exit(1, `${prog}: line ${n} failed\n`);
      });
      if (cur) throw new Exit(1, `${prog}: COMMIT expected at line ${lines.length + 1}\n`);
    } catch (e) {
      failure = e;
    }
    return { save: dirty, out, failure };
  });
  if (r.failure) {
    if (!(r.failure instanceof Exit)) throw r.failure;
    throw new Exit(r.failure.code, `${err}${r.failure.stderr}`, `${r.out}${r.failure.stdout ?? ''}`);
  }
  if (err) throw new Exit(0, err, r.out);
  return r.out;
}
