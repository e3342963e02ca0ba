// What the simulated firewall does to one packet: walks the iptables state the `iptables` simulator
// keeps (filter table), like the kernel walks its chains. Used by the lab's SSH/HTTP gates and its
// health model, so a rule injected over SSH has the effect the real rule would have.

/** iptables' statistic match stores a probability as a 31-bit fraction. */
export const PROB_SCALE = 0x80000000;
/** Chains deeper than this are a loop (the kernel limits jumps too). */
const MAX_DEPTH = 32;
const TERMINAL = new Set(['ACCEPT', 'DROP', 'REJECT']);
/** Targets that do nothing to the verdict (logging, marking). */
const NON_TERMINAL = new Set(['LOG', 'NFLOG', 'MARK', 'CONNMARK', 'NOTRACK']);

/** IPv4 dotted quad to a 32-bit unsigned number; NaN when not an address. */
export function ipNum(ip) {
  const p = String(ip).split('.');
  if (p.length !== 4) return Number.NaN;
  let n = 0;
  for (const x of p) {
    if (!/^\d{1,3}$/.test(x) || Number(x) > 255) return Number.NaN;
    n = n * 256 + Number(x);
  }
  return n;
}

export function numIp(n) {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Is `ip` inside `cidr` (a.b.c.d/len)? */
export function inCidr(ip, cidr) {
  const [net, lenS] = cidr.split('/');
  const len = lenS === undefined ? 32 : Number(lenS);
  const a = ipNum(ip);
  const b = ipNum(net);
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  const size = 2 ** (32 - len);
  return Math.floor(a / size) === Math.floor(b / size);
}

function portMatch(spec, port) {
  if (spec === undefined) return true;
  if (port === undefined) return false;
  const [lo, hi] = String(spec).split(':');
  const l = lo === '' ? 0 : Number(lo);
  const h = hi === undefined ? l : hi === '' ? 65535 : Number(hi);
  return port >= l && port <= h;
}

function ifMatch(spec, name) {
  if (spec === undefined) return true;
  if (name === undefined) return false;
  return spec.endsWith('+') ? name.startsWith(spec.slice(0, -1)) : spec === name;
}

/** Does rule r match packet pkt? `rand()` in [0,1) decides statistic matches. */
function matches(r, pkt, rand) {
  if (r.s && !inCidr(pkt.src, r.s)) return false;
  if (r.d && !inCidr(pkt.dst, r.d)) return false;
  if (!ifMatch(r.i, pkt.inIf) || !ifMatch(r.o, pkt.outIf)) return false;
  if (r.p && r.p !== 'all' && r.p !== pkt.proto) return false;
  for (const m of r.matches ?? []) {
    if ((m.m === 'tcp' || m.m === 'udp') && (m.m !== pkt.proto || !portMatch(m.sport, pkt.sport) || !portMatch(m.dport, pkt.dport))) return false;
    if (m.m === 'statistic' && !(rand() < m.prob / PROB_SCALE)) return false;
  }
  return true;
}

/**
 * Verdict of `hook` (INPUT | OUTPUT) for a packet { proto, src, dst, sport, dport, inIf, outIf }:
 * `{ verdict: 'ACCEPT'|'DROP'|'REJECT', rule?: '<chain>#<n>', random: boolean }`. `random` says a
 * statistic match decided it (a lost packet rather than a firewall wall).
 */
export function verdict(table, hook, pkt, rand = Math.random) {
  const chains = table?.chains ?? {};
  let random = false;
  const roll = () => {
    random = true;
    return rand();
  };
  const walk = (name, depth) => {
    const chain = chains[name];
    if (!chain || depth > MAX_DEPTH) return null;
    for (const [i, r] of chain.rules.entries()) {
      const before = random;
      if (!matches(r, pkt, roll)) {
        random = before;
        continue;
      }
      if (TERMINAL.has(r.j)) return { verdict: r.j, rule: `${name}#${i + 1}` };
      if (r.j === 'RETURN') return null;
      if (NON_TERMINAL.has(r.j) || !r.j) continue;
      const sub = walk(r.j, depth + 1);
      if (sub) return sub;
    }
    return null;
  };
  const hit = walk(hook, 0);
  if (hit) return { ...hit, random };
  return { verdict: chains[hook]?.policy ?? 'ACCEPT', random: false };
}
