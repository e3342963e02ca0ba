// The simulated iptables' failures, worded as iptables v1.8.9 (nf_tables) words them. Each carries
// what iptables-restore needs to word it its own way (iptables-restore.mjs): `usage` (exit 2;
// restore: "Error occurred at line: N"), `fail` (exit 1; restore: "line N failed: <fail>") and
// `kernel` (exit 4, raised when the kernel applies the change; restore: "line N: <kernel>").
import { Exit } from './env.mjs';

const VERSION = 'iptables v1.8.9 (nf_tables)';
const TRY = "Try `iptables -h' or 'iptables --help' for more information.\n";
/** xtables chain names are at most 28 characters. */
const MAX_CHAIN = 28;
/** Names a chain may not take: the standard verdicts and the target extensions Debian 12 ships. */
const TARGET_NAMES = new Set(['ACCEPT', 'DROP', 'QUEUE', 'RETURN', 'AUDIT', 'CHECKSUM', 'CLASSIFY', 'CLUSTERIP', 'CONNMARK', 'CONNSECMARK', 'CT', 'DNAT', 'DSCP', 'ECN', 'HMARK', 'IDLETIMER', 'LED', 'LOG', 'MARK', 'MASQUERADE', 'NETMAP', 'NFLOG', 'NFQUEUE', 'NOTRACK', 'RATEEST', 'REDIRECT', 'REJECT', 'SECMARK', 'SET', 'SNAT', 'SYNPROXY', 'TCPMSS', 'TCPOPTSTRIP', 'TEE', 'TOS', 'TPROXY', 'TRACE', 'TTL', 'ULOG']);

/** A usage error (exit 2): `iptables v1.8.9 (nf_tables): <msg>` and the help hint. */
export const usage = (msg) => Object.assign(new Exit(2, `${VERSION}: ${msg}\n${TRY}`), { usage: msg });
/** A usage error the real tool prints without its name and version. */
export const bare = (msg) => Object.assign(new Exit(2, `${msg}\n${TRY}`), { usage: msg, bare: true });
/** A refused change (exit 1): `iptables: <msg>`; iptables-restore says `restoreMsg`. */
export const fail = (msg, restoreMsg = msg) => Object.assign(new Exit(1, `iptables: ${msg}\n`), { fail: restoreMsg });
export const noChain = () => fail('No chain/target/match by that name.');
export const badRule = () => fail('Bad rule (does a matching rule exist in that chain?).');
/** The kernel refuses to delete a chain that still has rules or is jumped to (exit 4). */
export const busy = (name) => {
  const what = `CHAIN_DEL failed (Device or resource busy): chain ${name}`;
  return Object.assign(new Exit(4, `${VERSION}:  ${what}\n`), { kernel: what });
};

/** assert_valid_chain_name: what `-N` and iptables-restore's `:CHAIN` lines accept. */
export function validChainName(name) {
  if (name.length > MAX_CHAIN) throw usage(`chain name \`${name}' too long (must be under ${MAX_CHAIN + 1} chars)`);
  if (name[0] === '-' || name[0] === '!') throw usage(`chain name not allowed to start with \`${name[0]}'`);
  if (TARGET_NAMES.has(name)) throw usage('chain name may not clash with target name');
  if (/\s/.test(name)) throw usage(`Invalid chain name \`${name}'`);
}
