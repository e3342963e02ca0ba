import { Shell } from '../shell/index.js';

/** Tools the console may drive on a node; `inventory check` and preflight report each. */
export const NODE_TOOLS = ['tc', 'iptables', 'nft', 'stress-ng', 'rocm-smi', 'amd-smi', 'nvidia-smi', 'systemctl', 'timeout', 'setsid', 'pkill', 'sudo'] as const;

/**
 * One read-only exec that gathers what `inventory check` reports. Trusted constant text: it takes no
 * input. Each line is `key=value`. Tools are looked up with the sbin directories added, because a
 * non-root login PATH often lacks them while `sudo` would find them.
 */
export const FACTS_SCRIPT = Shell.raw(
  [
    'PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"',
    'echo "uid=$(id -u)"',
    'echo "user=$(id -un)"',
    'if [ "$(id -u)" = 0 ]; then echo privilege=root; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then echo privilege=sudo; else echo privilege=none; fi',
    'if [ -r /etc/os-release ]; then . /etc/os-release; echo "os=${PRETTY_NAME:-$ID}"; else echo "os=$(uname -s)"; fi',
    'echo "kernel=$(uname -r)"',
    'echo "hostname=$(hostname 2>/dev/null || uname -n)"',
    `for t in ${NODE_TOOLS.join(' ')}; do p=$(command -v "$t" 2>/dev/null) || p=; echo "tool.$t=$p"; done`,
    'if [ -d /run/systemd/system ]; then echo init=systemd; else echo init=other; fi',
    'echo "time=$(date +%s.%N)"',
  ].join('\n'),
);

export interface NodeFacts {
  uid: number;
  user: string;
  privilege: 'root' | 'sudo' | 'none';
  os: string;
  kernel: string;
  hostname: string;
  tools: Record<string, string | null>;
  systemd: boolean;
  /** Node clock minus console clock, seconds (positive: node ahead). Round trip halved as the error bound. */
  clockOffsetSec: number;
}

/** Parse FACTS_SCRIPT output; `sentAt`/`receivedAt` are console epoch ms around the exec. */
export function parseFacts(stdout: string, sentAt: number, receivedAt: number): NodeFacts {
  const kv = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1));
  }
  const tools: Record<string, string | null> = {};
  for (const t of NODE_TOOLS) tools[t] = kv.get(`tool.${t}`) || null;
  const priv = kv.get('privilege');
  const nodeTime = Number(kv.get('time'));
  const mid = (sentAt + receivedAt) / 2000;
  return {
    uid: Number(kv.get('uid') ?? -1),
    user: kv.get('user') ?? '?',
    privilege: priv === 'root' || priv === 'sudo' ? priv : 'none',
    os: kv.get('os') ?? '?',
    kernel: kv.get('kernel') ?? '?',
    hostname: kv.get('hostname') ?? '?',
    tools,
    systemd: kv.get('init') === 'systemd',
    clockOffsetSec: Number.isFinite(nodeTime) ? nodeTime - mid : Number.NaN,
  };
}
