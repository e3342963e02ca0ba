// Simulated iptables (filter table only), with the real tool's flags, output and exit codes for what
// the console uses: -N -X -F -A -I -D -C -S -L -Z -P, -w, -m comment/statistic/tcp/udp, REJECT.
// Outputs follow iptables v1.8.9 (nf_tables) as captured on Debian 12 (test/unit/simlab-tools.test.ts,
// and against the real tool: test/unit/simlab-iptables-restore.test.ts).
import { Exit, nodeConfig, nodeEnv, updateJson } from './env.mjs';
import { ipNum, numIp, PROB_SCALE } from './packet.mjs';
import { listRules, listTable } from './iptables-list.mjs';
import { badRule, bare, busy, fail, noChain, usage, validChainName } from './iptables-errors.mjs';
import { BUILTIN, PROTO_ID, refs, ruleSpec } from './iptables-rule.mjs';

const TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG']);
const PROTO_NUM = { 0: 'all', 1: 'icmp', 6: 'tcp', 17: 'udp' };
/** ICMP type names iptables accepts (the ones a fault could use), as type[/code]. */
const ICMP_TYPES = { 'echo-reply': '0', 'destination-unreachable': '3', 'network-unreachable': '3/0', 'host-unreachable': '3/1', 'protocol-unreachable': '3/2', 'port-unreachable': '3/3', 'fragmentation-needed': '3/4', 'echo-request': '8', 'time-exceeded': '11' };
const SERVICES = { ssh: 22, http: 80, https: 443, domain: 53, postgresql: 5432 };
/** Commands whose chain is a required argument: getopt takes the next word, whatever it is. */
const CHAIN_REQUIRED = 'AIDCNP';
const OPS = { '-A': 'A', '--append': 'A', '-I': 'I', '--insert': 'I', '-D': 'D', '--delete': 'D', '-C': 'C', '--check': 'C', '-N': 'N', '--new-chain': 'N', '--new': 'N', '-X': 'X', '--delete-chain': 'X', '-F': 'F', '--flush': 'F', '-S': 'S', '--list-rules': 'S', '-L': 'L', '--list': 'L', '-Z': 'Z', '--zero': 'Z', '-P': 'P', '--policy': 'P' };

export function emptyTable() {
  return { chains: Object.fromEntries(BUILTIN.map((c) => [c, { policy: 'ACCEPT', rules: [] }])) };
}

/** a.b.c.d[/len|/mask] → canonical network/len (host bits cleared, like iptables prints it). */
function cidr(v) {
  const [a, m] = v.split('/');
  const n = ipNum(a);
  if (Number.isNaN(n)) throw usage(`host/network \`${a}' not found`);
  let len = 32;
  if (m !== undefined) {
    if (/^\d+$/.test(m) && Number(m) <= 32) len = Number(m);
    else if (!Number.isNaN(ipNum(m))) len = ipNum(m).toString(2).replace(/0+$/, '').length;
    else throw usage(`invalid mask \`${m}' specified`);
  }
  const size = 2 ** (32 - len);
  return `${numIp(Math.floor(n / size) * size)}/${len}`;
}

function port(v) {
  const one = (p) => {
    if (p === '') return p;
    if (SERVICES[p] !== undefined) return String(SERVICES[p]);
    if (!/^\d+$/.test(p) || Number(p) > 65535) throw usage(`invalid port/service \`${p}' specified`);
    return String(Number(p));
  };
  return v.split(':').map(one).join(':');
}

/**
 * Parse argv into { op, chain, num, rule, policy, flags }. Throws Exit(2) on a usage error.
 * `restore` names the iptables-restore parsing a rule line: -t and -w are refused there.
 */
export function parseArgs(argv, { restore } = {}) {
  const out = { op: null, chain: undefined, num: undefined, policy: undefined, table: 'filter', numeric: false, verbose: false, exact: false };
  const r = { matches: [] };
  let ruleWords = 0;
  const need = (i, name) => {
    if (argv[i + 1] === undefined) throw usage(`option "${name}" requires an argument`);
    return argv[i + 1];
  };
  const protoMatch = (name) => {
    let m = r.matches.find((x) => x.m === r.p);
    if (!m) {
      if (r.p !== 'tcp' && r.p !== 'udp') throw usage(`unknown option "${name}"`);
      m = { m: r.p };
      r.matches.push(m);
    }
    return m;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (OPS[a]) {
      if (out.op) throw usage('Cannot use more than one command option');
      out.op = OPS[a];
      const next = argv[i + 1];
      if (CHAIN_REQUIRED.includes(out.op)) {
        if (next === undefined) throw usage(`option "${a}" requires an argument`);
        out.chain = next;
        i++;
        if (/^\d+$/.test(argv[i + 1] ?? '') && 'ID'.includes(out.op)) out.num = Number(argv[++i]);
        else if (out.op === 'P') {
          if (argv[i + 1] === undefined || argv[i + 1].startsWith('-')) throw usage('-P requires a chain and a policy');
          out.policy = argv[++i];
        }
      } else if (next !== undefined && !next.startsWith('-')) {
        out.chain = next;
        i++;
        if (/^\d+$/.test(argv[i + 1] ?? '') && out.op === 'L') out.num = Number(argv[++i]);
      }
      continue;
    }
    switch (a) {
      case '-w': case '--wait':
        if (restore) throw usage(`You cannot use \`-w' from ${restore}`);
        if (/^\d+$/.test(argv[i + 1] ?? '')) i++;
        break;
      case '-W': case '--wait-interval':
        if (restore) throw usage(`You cannot use \`-W' from ${restore}`);
        i++;
        break;
      case '-t': case '--table':
        if (restore) throw usage(`The -t option cannot be used in ${restore}.\n`);
        out.table = need(i, a);
        i++;
        break;
      case '-n': case '--numeric': out.numeric = true; break;
      case '-v': case '--verbose': out.verbose = true; break;
      case '-x': case '--exact': out.exact = true; break;
      case '--line-numbers': out.lines = true; break;
      case '-s': case '--source': r.s = cidr(need(i, a)); i++; ruleWords++; break;
      case '-d': case '--destination': r.d = cidr(need(i, a)); i++; ruleWords++; break;
      case '-i': case '--in-interface': r.i = need(i, a); i++; ruleWords++; break;
      case '-o': case '--out-interface': r.o = need(i, a); i++; ruleWords++; break;
      case '-p': case '--protocol': {
        const v = need(i, a).toLowerCase();
        i++;
        r.p = PROTO_NUM[v] ?? (PROTO_ID[v] !== undefined ? v : undefined);
        if (!r.p) throw usage(`unknown protocol "${v}" specified`);
        ruleWords++;
        break;
      }
      case '-m': case '--match': {
        const m = need(i, a);
        i++;
        if (m === 'comment') r.matches.push({ m: 'comment', comment: '' });
        else if (m === 'statistic') r.matches.push({ m: 'statistic', prob: 0 });
        else if (m === 'tcp' || m === 'udp' || m === 'icmp') {
          if (r.p !== m) throw usage(`Couldn't load match \`${m}': need -p ${m}`);
          if (!r.matches.some((x) => x.m === m)) r.matches.push({ m });
        } else throw usage(`Couldn't load match \`${m}':No such file or directory`);
        ruleWords++;
        break;
      }
      case '--comment': {
        const m = [...r.matches].reverse().find((x) => x.m === 'comment');
        if (!m) throw usage('unknown option "--comment"');
        m.comment = need(i, a);
        i++;
        break;
      }
      case '--mode': if (need(i, a) !== 'random') throw usage('Bad mode'); i++; break;
      case '--probability': {
        const m = [...r.matches].reverse().find((x) => x.m === 'statistic');
        if (!m) throw usage('unknown option "--probability"');
        const p = Number(need(i, a));
        i++;
        if (!(p >= 0 && p <= 1)) throw usage('probability must be between 0 and 1');
        m.prob = Math.round(p * PROB_SCALE);
        break;
      }
      case '--icmp-type': {
        if (r.p !== 'icmp') throw usage(`unknown option "${a}"`);
        const v = need(i, a);
        i++;
        const t = ICMP_TYPES[v] ?? (/^\d+(\/\d+)?$/.test(v) ? v : undefined);
        if (t === undefined) throw usage(`Invalid ICMP type \`${v}'`);
        let m = r.matches.find((x) => x.m === 'icmp');
        if (!m) r.matches.push((m = { m: 'icmp' }));
        m.type = t;
        break;
      }
      case '--sport': case '--source-port': protoMatch(a).sport = port(need(i, a)); i++; break;
      case '--dport': case '--destination-port': protoMatch(a).dport = port(need(i, a)); i++; break;
      case '-j': case '--jump': r.j = need(i, a); i++; ruleWords++; break;
      case '--reject-with': r.rejectWith = need(i, a); i++; break;
      default:
        throw a.startsWith('-') ? usage(`unknown option "${a}"`) : bare(`Bad argument \`${a}'`);
    }
  }
  if (!out.op) throw usage('no command specified');
  if (r.rejectWith && r.j !== 'REJECT') throw usage('unknown option "--reject-with"');
  if (out.op === 'N') validChainName(out.chain);
  out.rule = ruleWords > 0 || r.matches.length ? r : null;
  if (out.chain === 'INPUT' && r.o) throw usage("Can't use -o with INPUT\n");
  if (out.chain === 'OUTPUT' && r.i) throw usage("Can't use -i with OUTPUT\n");
  return out;
}

function chainOf(t, name) {
  const c = t.chains[name];
  if (!c) throw noChain();
  return c;
}

function checkRule(t, chain, r) {
  if (!r.j) return;
  if (!TARGETS.has(r.j) && !t.chains[r.j]) throw usage(`Chain '${r.j}' does not exist`);
}

/**
 * iptables-nft makes a built-in chain in the kernel only once it is used (a rule, a policy); until
 * then commands that need the kernel's chain find none. `made` marks a used one.
 */
export function made(t, chain) {
  if (BUILTIN.includes(chain)) t.chains[chain].made = true;
}

/** `-X INPUT`: iptables-nft deletes a built-in chain's kernel object when it is empty and ACCEPTs. */
function deleteBuiltin(c, name, onBusy) {
  if (c.rules.length) {
    if (!onBusy) throw busy(name);
    onBusy(busy(name));
  } else if (!c.made) throw noChain();
  else if (c.policy !== 'ACCEPT') throw fail('Directory not empty.');
  delete c.made;
  return '';
}

/**
 * Apply one parsed command to table t; returns stdout text. Throws Exit on failure. `onBusy`
 * (iptables-restore) takes the kernel's refusal to delete a chain still in use instead of a throw:
 * a batch is checked whole before the kernel sees it, so later lines are still checked.
 */
export function apply(t, o, onBusy) {
  const { op, chain, rule } = o;
  const needRule = () => {
    if (!rule) throw usage(`-${op} requires a rule specification`);
    checkRule(t, chain, rule);
    return rule;
  };
  switch (op) {
    case 'N':
      if (t.chains[chain]) throw fail('Chain already exists.');
      t.chains[chain] = { rules: [] };
      return '';
    case 'X': {
      if (chain && BUILTIN.includes(chain)) return deleteBuiltin(t.chains[chain], chain, onBusy);
      const names = chain ? [chain] : Object.keys(t.chains).filter((n) => !BUILTIN.includes(n));
      for (const n of names) {
        const c = chainOf(t, n);
        if (c.rules.length || refs(t, n)) {
          if (!onBusy) throw busy(n);
          onBusy(busy(n));
        }
        delete t.chains[n];
      }
      return '';
    }
    case 'F':
      for (const n of chain ? [chain] : Object.keys(t.chains)) chainOf(t, n).rules = [];
      return '';
    case 'Z':
      if (chain) chainOf(t, chain);
      return '';
    case 'P':
      if (!BUILTIN.includes(chain ?? '')) throw fail('Bad built-in chain name.');
      if (o.policy !== 'ACCEPT' && o.policy !== 'DROP') throw fail("Bad policy name. Run `dmesg' for more information.", 'Bad policy name.');
      t.chains[chain].policy = o.policy;
      made(t, chain);
      return '';
    case 'A':
      chainOf(t, chain).rules.push(needRule());
      made(t, chain);
      return '';
    case 'I': {
      const c = chainOf(t, chain);
      const at = (o.num ?? 1) - 1;
      if (at < 0 || at > c.rules.length) throw fail('Index of insertion too big.');
      c.rules.splice(at, 0, needRule());
      made(t, chain);
      return '';
    }
    case 'D': {
      const c = chainOf(t, chain);
      if (o.num !== undefined && !rule) {
        if (o.num < 1 || o.num > c.rules.length) throw BUILTIN.includes(chain) && !c.made ? noChain() : fail('Index of deletion too big.');
        c.rules.splice(o.num - 1, 1);
        return '';
      }
      const spec = ruleSpec(needRule());
      const at = c.rules.findIndex((x) => ruleSpec(x) === spec);
      if (at < 0) throw badRule();
      c.rules.splice(at, 1);
      return '';
    }
    case 'C': {
      const spec = ruleSpec(needRule());
      if (!chainOf(t, chain).rules.some((x) => ruleSpec(x) === spec)) throw badRule();
      return '';
    }
    case 'S':
      if (chain) chainOf(t, chain);
      return listRules(t, chain);
    case 'L':
      if (chain) chainOf(t, chain);
      return listTable(t, o, chain);
    default:
      throw usage('unknown command');
  }
}

/** The folder of this node's firewall state (under `unshare -n`, kernel probes: the throwaway namespace's). */
export function firewallState() {
  return process.env.GAMEDAY_SIM_NETNS || nodeEnv().state;
}

/** The state file of the filter table of `family` (4 or 6). */
export const tableFile = (family) => (family === 6 ? 'ip6tables' : 'iptables');

/** Matches the node is set to lack (node.json kernelMissing: xt_statistic, xt_comment) fail like a missing module. */
export function checkLoadable(o) {
  const missing = nodeConfig(nodeEnv().state).kernelMissing ?? [];
  for (const m of o.rule?.matches ?? []) if (missing.includes(`xt_${m.m}`)) throw usage(`Couldn't load match \`${m.m}':No such file or directory`);
}

/** The `iptables` / `ip6tables` entry point. IPv6 rules are kept apart and never evaluated. */
export function iptablesMain(argv, family = 4) {
  const o = parseArgs(argv);
  checkLoadable(o);
  if (o.table !== 'filter') throw new Exit(3, `iptables v1.8.9 (nf_tables): can't initialize iptables table \`${o.table}': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n`);
  const readOnly = 'SLC'.includes(o.op);
  return updateJson(firewallState(), tableFile(family), emptyTable, (t) => {
    const text = apply(t, o);
    return readOnly ? { save: false, text } : { text };
  }).text;
}
