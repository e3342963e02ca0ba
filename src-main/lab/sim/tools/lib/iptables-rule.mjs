// A simulated iptables rule as the real tool prints it, and the table facts both the tool
// (iptables.mjs) and its listings (iptables-list.mjs) need — apart, so neither imports the other.
import { PROB_SCALE } from './packet.mjs';

export const BUILTIN = ['INPUT', 'FORWARD', 'OUTPUT'];
export const PROTO_ID = { all: 0, icmp: 1, tcp: 6, udp: 17 };

/** xtables_save_string: bare when only [A-Za-z0-9_-] (not empty), else double-quoted with " \ ' escaped. */
function saveString(s) {
  return /^[A-Za-z0-9_-]+$/.test(s) ? s : `"${s.replace(/["\\']/g, '\\$&')}"`;
}

/** The rule as `iptables -S` prints it after `-A <chain>`; also the identity -C and -D compare. */
export function ruleSpec(r) {
  const w = [];
  if (r.s) w.push('-s', r.s);
  if (r.d) w.push('-d', r.d);
  if (r.i) w.push('-i', r.i);
  if (r.o) w.push('-o', r.o);
  if (r.p && r.p !== 'all') w.push('-p', r.p);
  for (const m of r.matches) {
    if (m.m === 'comment') w.push('-m', 'comment', '--comment', saveString(m.comment));
    else if (m.m === 'statistic') w.push('-m', 'statistic', '--mode', 'random', '--probability', (m.prob / PROB_SCALE).toFixed(11));
    else if (m.m === 'icmp') w.push('-m', 'icmp', '--icmp-type', m.type);
    else {
      w.push('-m', m.m);
      if (m.sport !== undefined) w.push('--sport', m.sport);
      if (m.dport !== undefined) w.push('--dport', m.dport);
    }
  }
  if (r.j) w.push('-j', r.j);
  if (r.j === 'REJECT') w.push('--reject-with', r.rejectWith ?? 'icmp-port-unreachable');
  return w.join(' ');
}

/** The table's chains as iptables-nft lists them: built-ins first, then user chains by name (strcmp). */
export function chainNames(t) {
  const user = Object.keys(t.chains).filter((n) => !BUILTIN.includes(n));
  user.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return [...BUILTIN.filter((n) => t.chains[n]), ...user];
}

export function refs(t, name) {
  return Object.values(t.chains).reduce((n, c) => n + c.rules.filter((r) => r.j === name).length, 0);
}
