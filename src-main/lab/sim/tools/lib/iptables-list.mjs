// `iptables -S` and `iptables -L [-n] [-v] [-x]` output of the simulated iptables (see iptables.mjs).
import { BUILTIN, chainNames, PROTO_ID, refs, ruleSpec } from './iptables-rule.mjs';
import { PROB_SCALE } from './packet.mjs';

/** `-S [chain]`: policies first, then user chains, then every rule. */
export function listRules(t, only) {
  const names = only ? [only] : chainNames(t);
  const lines = [];
  for (const n of names) lines.push(BUILTIN.includes(n) ? `-P ${n} ${t.chains[n].policy}` : `-N ${n}`);
  for (const n of names) for (const r of t.chains[n].rules) lines.push(`-A ${n} ${ruleSpec(r)}`);
  return lines.map((l) => `${l}\n`).join('');
}

/** `-L [chain]`, with -n (numeric) and -v (counters, always 0 here: packets are not counted). */
export function listTable(t, o, only) {
  const names = only ? [only] : chainNames(t);
  const blocks = names.map((n) => {
    const c = t.chains[n];
    const head = BUILTIN.includes(n) ? `Chain ${n} (policy ${c.policy}${o.verbose ? ' 0 packets, 0 bytes' : ''})` : `Chain ${n} (${refs(t, n)} references)`;
    const cols = o.verbose ? '    pkts      bytes target     prot opt in     out     source               destination         ' : 'target     prot opt source               destination         ';
    const rows = c.rules.map((r) => {
      const any = o.numeric ? '0.0.0.0/0' : 'anywhere';
      const addr = (a) => (a ? a.replace(/\/32$/, '') : any);
      const prot = o.numeric ? String(PROTO_ID[r.p ?? 'all']) : (r.p ?? 'all');
      const extra = r.matches.map((m) => (m.m === 'comment' ? `/* ${m.comment} */` : m.m === 'statistic' ? `statistic mode random probability ${(m.prob / PROB_SCALE).toFixed(11)}` : m.m === 'icmp' ? `icmptype ${m.type.replace('/', ' code ')}` : [m.m, m.sport !== undefined ? `spt:${m.sport}` : '', m.dport !== undefined ? `dpt:${m.dport}` : ''].filter(Boolean).join(' ')));
      if (r.j === 'REJECT') extra.push(`reject-with ${r.rejectWith ?? 'icmp-port-unreachable'}`);
      const main = `${(r.j ?? '').padEnd(10)} ${prot.padEnd(4)} ${'--'.padEnd(3)} `;
      const io = o.verbose ? `${(r.i ?? '*').padEnd(6)} ${(r.o ?? '*').padEnd(7)} ` : '';
      const counters = o.verbose ? `${'0'.padStart(8)} ${'0'.padStart(8)} ` : '';
      return `${counters}${main}${io}${addr(r.s).padEnd(20)} ${addr(r.d).padEnd(20)} ${extra.join(' ')}`.replace(/\s+$/, extra.length ? '' : ' ');
    });
    return [head, cols, ...rows].join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
