// Simulated tc: qdisc add/del/show, class add/show, filter add/show (u32), -s and -j output, on the
// node's simulated interfaces (lo, eth0). Enough of iproute2's grammar for the shaping faults
// (htb root + pass-through class + tbf/netem leaf + u32 filters) and preflight's kernel probes.
// `shaping()` tells the lab what a packet leaving through the tree suffers.
import { Exit, nodeConfig, nodeEnv, updateJson } from './env.mjs';
import { inCidr } from './packet.mjs';

/** The kernel's default root qdisc per simulated interface (handle 0: = "not ours"). */
const DEFAULT_ROOT = {
  lo: { kind: 'noqueue', text: '' },
  eth0: { kind: 'fq_codel', text: 'limit 10240p flows 1024 quantum 1514 target 5ms interval 100ms memory_limit 32Mb ecn drop_batch 64' },
};
const KINDS = new Set(['htb', 'tbf', 'netem', 'prio', 'pfifo', 'sfq', 'fq_codel']);
const RATE_UNITS = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, tbit: 1e12, bps: 8, kbps: 8e3, mbps: 8e6, gbps: 8e9 };
const PROTO = { 6: 'tcp', 17: 'udp' };

export function emptyTc() {
  return { devs: { lo: { qdiscs: [], classes: [], filters: [] }, eth0: { qdiscs: [], classes: [], filters: [] } } };
}

const err = (msg, code = 2) => new Exit(code, `${msg}\n`);

/** "800kbit" → bits per second. */
export function parseRate(s) {
  const m = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(s ?? '');
  const unit = (m?.[2] || 'bit').toLowerCase();
  if (!m || RATE_UNITS[unit] === undefined) throw err(`Illegal "rate"`, 1);
  return Number(m[1]) * RATE_UNITS[unit];
}

function fmtRate(bps) {
  for (const [u, f] of [['Tbit', 1e12], ['Gbit', 1e9], ['Mbit', 1e6], ['Kbit', 1e3]]) if (bps >= f && bps % f === 0) return `${bps / f}${u}`;
  return `${bps}bit`;
}

/** "200ms" / "1s" / "50us" → milliseconds. */
export function parseTime(s) {
  const m = /^(\d+(?:\.\d+)?)(s|sec|ms|msec|us|usec)?$/.exec(s ?? '');
  if (!m) throw err(`Illegal "time"`, 1);
  const f = { s: 1000, sec: 1000, ms: 1, msec: 1, us: 0.001, usec: 0.001 }[m[2] ?? 'us'];
  return Number(m[1]) * f;
}

const major = (h) => String(h).replace(/:.*$/, '');

/** Option text of a qdisc as `tc qdisc show` prints it. */
function qdiscText(q, dev) {
  const a = q.args;
  const opt = (k) => (a.indexOf(k) >= 0 ? a[a.indexOf(k) + 1] : undefined);
  if (q.kind === 'htb') {
    const def = opt('default') ?? '0';
    return `r2q 10 default ${def === '0' ? '0' : `0x${def}`} direct_packets_stat 0 direct_qlen ${opt('direct_qlen') ?? 1000}`;
  }
  // iproute2 ends a tbf line with a space.
  if (q.kind === 'tbf') return `rate ${fmtRate(parseRate(opt('rate')))} burst ${opt('burst')}b lat ${opt('latency')} `;
  if (q.kind === 'netem') {
    const d = a.indexOf('delay');
    const parts = ['limit 1000'];
    if (d >= 0) parts.push(`delay ${a[d + 1]}${a[d + 2] && /^\d/.test(a[d + 2]) ? `  ${a[d + 2]}` : ''}`);
    for (const k of ['loss', 'corrupt', 'duplicate']) if (opt(k)) parts.push(`${k} ${opt(k)}`);
    return parts.join(' ');
  }
  void dev;
  return a.join(' ');
}

function devState(t, dev) {
  const d = t.devs[dev];
  if (!d) throw err(`Cannot find device "${dev}"`, 1);
  return d;
}

function rootOf(d) {
  return d.qdiscs.find((q) => q.parent === 'root');
}

function showQdiscs(t, o) {
  const devs = o.dev ? [o.dev] : Object.keys(t.devs);
  const out = [];
  const json = [];
  for (const dev of devs) {
    const d = devState(t, dev);
    const list = d.qdiscs.length ? d.qdiscs : [{ kind: DEFAULT_ROOT[dev]?.kind ?? 'noqueue', handle: '0:', parent: 'root', args: [], dflt: DEFAULT_ROOT[dev]?.text ?? '' }];
    for (const q of list) {
      if (o.rootOnly && q.parent !== 'root') continue;
      const where = q.parent === 'root' ? `root refcnt ${d.classes.length ? 3 : 2}` : `parent ${q.parent}`;
      const text = q.dflt ?? qdiscText(q, dev);
      out.push(`qdisc ${q.kind} ${q.handle} ${o.dev ? '' : `dev ${dev} `}${where} ${text}`.replace(/ $/, ' '));
      if (o.stats) out.push(' Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) ', ' backlog 0b 0p requeues 0');
      json.push({ kind: q.kind, handle: q.handle, dev, ...(q.parent === 'root' ? { root: true, refcnt: 2 } : { parent: q.parent }), options: {} });
    }
  }
  if (o.json) return `${JSON.stringify(json)}\n`;
  return out.length ? `${out.join('\n')}\n` : '';
}

/** Parse `tc` argv: global flags, object (qdisc|class|filter), verb, then the rest. */
function parse(argv) {
  const o = { stats: false, json: false };
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    if (argv[i] === '-s' || argv[i] === '-stats') o.stats = true;
    else if (argv[i] === '-j' || argv[i] === '-json') o.json = true;
    else if (argv[i] === '-p' || argv[i] === '-pretty') continue;
    else throw err(`Option "${argv[i]}" is unknown, try "tc -help".`, 1);
  }
  o.obj = argv[i++];
  o.verb = argv[i++] ?? 'show';
  o.rest = argv.slice(i);
  const take = (k) => {
    const at = o.rest.indexOf(k);
    if (at < 0) return undefined;
    const v = o.rest[at + 1];
    o.rest.splice(at, 2);
    return v;
  };
  o.dev = take('dev');
  if (o.rest[0] === 'root') {
    o.rest.shift();
    o.root = true;
  }
  o.parent = take('parent');
  o.handle = take('handle');
  o.classid = take('classid');
  return o;
}

function missing(kind) {
  const cfg = nodeConfig(nodeEnv().state);
  return (cfg.kernelMissing ?? []).includes(kind);
}

function qdiscAdd(t, o) {
  const d = devState(t, o.dev);
  const [kind, ...args] = o.rest;
  if (!KINDS.has(kind) || missing(`sch_${kind}`)) throw err('Error: Specified qdisc kind is unknown.');
  if (o.root) {
    if (rootOf(d)) throw err('Error: NLM_F_REPLACE needed to override.');
    d.qdiscs.push({ kind, handle: o.handle ?? '8001:', parent: 'root', args });
    return '';
  }
  const cls = d.classes.find((c) => c.classid === o.parent);
  if (!o.parent || !cls) throw err('Error: Failed to find qdisc with specified classid.');
  if (d.qdiscs.some((q) => q.parent === o.parent || q.handle === o.handle)) throw err('Error: Exclusivity flag on, cannot modify.');
  d.qdiscs.push({ kind, handle: o.handle ?? '8002:', parent: o.parent, args });
  return '';
}

function run(t, o) {
  if (o.obj === 'qdisc' && (o.verb === 'show' || o.verb === 'list' || o.verb === 'ls')) return showQdiscs(t, { ...o, rootOnly: o.root });
  if (o.obj === 'qdisc' && o.verb === 'add') return qdiscAdd(t, o);
  if (o.obj === 'qdisc' && (o.verb === 'del' || o.verb === 'delete')) {
    const d = devState(t, o.dev);
    if (!o.root || !rootOf(d)) throw err('Error: Cannot delete qdisc with handle of zero.');
    d.qdiscs = [];
    d.classes = [];
    d.filters = [];
    return '';
  }
  if (o.obj === 'class' && o.verb === 'add') {
    const d = devState(t, o.dev);
    const root = rootOf(d);
    if (!root || root.kind !== 'htb' || major(o.parent) !== major(root.handle)) throw err('Error: Failed to find specified qdisc.');
    if (o.rest[0] !== 'htb') throw err('Error: Qdisc class ops are not the same as the parent qdisc.');
    d.classes.push({ kind: 'htb', classid: o.classid, parent: o.parent, args: o.rest.slice(1) });
    return '';
  }
  if (o.obj === 'class' && o.verb === 'show') {
    const d = devState(t, o.dev);
    const htb = d.classes.map((c) => {
      const leaf = d.qdiscs.find((q) => q.parent === c.classid);
      const rate = fmtRate(parseRate(c.args[c.args.indexOf('rate') + 1]));
      return `class htb ${c.classid} root ${leaf ? `leaf ${leaf.handle} ` : ''}prio 0 rate ${rate} ceil ${rate} burst 0b cburst 0b \n`;
    });
    // A tbf qdisc shows one pseudo-class <handle>1.
    const tbf = d.qdiscs.filter((q) => q.kind === 'tbf').map((q) => `class tbf ${q.handle}1 parent ${q.handle} \n`);
    return [...htb, ...tbf].join('');
  }
  if (o.obj === 'filter' && o.verb === 'add') {
    const d = devState(t, o.dev);
    if (!rootOf(d) || major(o.parent) !== major(rootOf(d).handle)) throw err('Error: Parent Qdisc doesn\'t exists.');
    if (missing('cls_u32')) throw err('Error: Specified filter kind is unknown.');
    const prio = Number(o.rest[o.rest.indexOf('prio') + 1] ?? 0);
    const flowid = o.rest[o.rest.indexOf('flowid') + 1];
    const match = {};
    for (let i = 0; i < o.rest.length; i++) if (o.rest[i] === 'match') { match[o.rest[i + 2]] = o.rest[i + 3]; i += 3; }
    d.filters.push({ prio, flowid, match, protocol: o.rest[o.rest.indexOf('protocol') + 1] });
    return '';
  }
  if (o.obj === 'filter' && o.verb === 'show') {
    const d = devState(t, o.dev);
    return d.filters.map((f) => `filter parent ${major(rootOf(d)?.handle ?? '0')}: protocol ${f.protocol} pref ${f.prio} u32 chain 0 flowid ${f.flowid} ${JSON.stringify(f.match)}\n`).join('');
  }
  throw err(`Command "${o.verb ?? ''}" is unknown, try "tc ${o.obj ?? ''} help".`, 1);
}

export function tcMain(argv) {
  const o = parse(argv);
  const readOnly = o.verb === 'show' || o.verb === 'list' || o.verb === 'ls';
  if (!readOnly && !o.dev) throw err('Error: Device name is required', 1);
  // Under `unshare -n` (kernel probes): a fresh namespace with only lo, kept for that command.
  const scratch = process.env.GAMEDAY_SIM_NETNS;
  const fresh = scratch ? () => ({ devs: { lo: { qdiscs: [], classes: [], filters: [] } } }) : emptyTc;
  return updateJson(scratch || nodeEnv().state, 'tc', fresh, (t) => {
    const text = run(t, o);
    return readOnly ? { save: false, text } : { text };
  }).text;
}

/**
 * What a packet leaving `dev` suffers: `{ delayMs, jitterMs, rateBps, latencyMs, corruptPct }` of
 * the leaf it is classified into, or null when it goes unshaped (no tree, or HTB's direct queue).
 */
export function shaping(t, dev, pkt) {
  const d = t?.devs?.[dev];
  const root = d && d.qdiscs.find((q) => q.parent === 'root');
  if (!root) return null;
  let leaf = root;
  if (root.kind === 'htb') {
    let flow;
    for (const f of [...d.filters].sort((a, b) => a.prio - b.prio)) {
      const m = f.match;
      if (m.dst && !inCidr(pkt.dst, m.dst)) continue;
      if (m.protocol && PROTO[Number(m.protocol)] !== pkt.proto) continue;
      if (m.sport && Number(m.sport) !== pkt.sport) continue;
      if (m.dport && Number(m.dport) !== pkt.dport) continue;
      flow = f.flowid;
      break;
    }
    const def = root.args[root.args.indexOf('default') + 1] ?? '0';
    const classid = flow ?? `${major(root.handle)}:${def}`;
    leaf = d.qdiscs.find((q) => q.parent === classid);
    if (!leaf) return null;
  }
  const a = leaf.args;
  const opt = (k) => (a.indexOf(k) >= 0 ? a[a.indexOf(k) + 1] : undefined);
  const out = { delayMs: 0, jitterMs: 0, rateBps: 0, latencyMs: 0, corruptPct: 0 };
  if (leaf.kind === 'tbf') {
    out.rateBps = parseRate(opt('rate'));
    out.latencyMs = parseTime(opt('latency') ?? '0ms');
  }
  if (leaf.kind === 'netem') {
    const i = a.indexOf('delay');
    if (i >= 0) {
      out.delayMs = parseTime(a[i + 1]);
      if (a[i + 2] && /^\d/.test(a[i + 2])) out.jitterMs = parseTime(a[i + 2]);
    }
    const c = opt('corrupt') ?? opt('loss');
    if (c) out.corruptPct = Number(String(c).replace('%', ''));
  }
  return out;
}
