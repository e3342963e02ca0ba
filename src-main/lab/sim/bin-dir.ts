/**
 * The simulated nodes' bin/ folder (first on every session's PATH): one tiny sh wrapper per
 * simulated tool, the GPU simulators, and the three shims that keep a node confined:
 *
 * - `sh`: every shell a node starts (`sh -c`, `sh FILE`, `setsid sh`, the console's `/bin/sh -c`
 *   after path mapping) first sources prelude.sh, which defines `kill` as a function calling the
 *   node-confined kill. `kill` is a shell builtin, so PATH alone could never intercept it; a function
 *   can (POSIX: functions are found before regular builtins).
 * - `sudo`: sessions already "are" root; it just runs the command (never the real sudo).
 * - `kill`/`pkill`/`killall`: signal only processes carrying this node's token (tools/lib/procs.mjs).
 *
 * libexec/ holds stand-in processes: `stress-ng`, the node services and a confined node's `init` are
 * the real `sleep` under another name (so /proc/<pid>/comm reads "stress-ng", "postgres" ...).
 * etc/ holds what a confined node sees as /etc/passwd, /etc/group and /etc/hosts.
 *
 * Wrappers name the tools by the paths the nodes see (a LabSight): host paths for unconfined nodes,
 * the fixed /opt/gameday/... paths inside sandboxes.
 */
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argv as shArgv, shq } from '../../shell/index.js';
import { REFUSED, TOOL_NAMES } from './tools/tools.mjs';
import { systemBinary } from './resources.js';
import type { LabLayout } from './layout.js';
import type { LabSight } from './node-runner.js';
import { SimLabError } from './types.js';

/** Names the node services run under (comm), per role; see supervisor.ts. */
export const SERVICE_COMM = { api: 'api-server', db: 'postgres', gpu: 'trainer', bastion: 'sshd-proxy' } as const;
const GPU_TOOLS = ['rocm-smi', 'amd-smi', 'nvidia-smi', 'dcgmi', 'gpu-sim-ctl'];

const PRELUDE = `# Sourced by every shell of a simulated node (see src-main/lab/sim/bin-dir.ts).
# kill: signal 0 and listing stay the builtin; real signals go to the node-confined kill.
kill() {
  case \${1-} in
    -0|-l|-L) command kill "$@"; return ;;
    -s) if [ "\${2-}" = 0 ]; then command kill "$@"; return; fi ;;
  esac
  "$GAMEDAY_SIM_BIN/kill" "$@"
}
`;

/** sh shim: every form of `sh` the fault scripts use runs the prelude first. */
const SH_SHIM = `#!/bin/sh
# Simulated node shell: real /bin/sh with the node's prelude sourced first.
gd_sim_o=
while [ $# -gt 0 ]; do
  case $1 in
    -c|-[a-zA-Z]*c) case $1 in -c) ;; *) gd_sim_o="$gd_sim_o \${1%c}" ;; esac
        shift; gd_sim_c=$1; shift
        exec /bin/sh $gd_sim_o -c ". \\"\\$GAMEDAY_SIM_PRELUDE\\"
$gd_sim_c" "$@" ;;
    -i) ENV=$GAMEDAY_SIM_PRELUDE; export ENV; exec /bin/sh $gd_sim_o "$@" ;;
    -s) shift; { cat "$GAMEDAY_SIM_PRELUDE"; cat; } | exec /bin/sh $gd_sim_o -s "$@" ;;
    --) shift; break ;;
    -[a-zA-Z]*|+[a-zA-Z]*) gd_sim_o="$gd_sim_o $1"; shift ;;
    *) break ;;
  esac
done
if [ $# -eq 0 ]; then
  if [ -t 0 ]; then ENV=$GAMEDAY_SIM_PRELUDE; export ENV; exec /bin/sh $gd_sim_o -i; fi
  { cat "$GAMEDAY_SIM_PRELUDE"; cat; } | exec /bin/sh $gd_sim_o -s
fi
exec /bin/sh $gd_sim_o -c '. "$GAMEDAY_SIM_PRELUDE"; case $0 in */*) . "$0" ;; *) . "./$0" ;; esac' "$@"
`;

/** sudo shim: options dropped, command run as is (the session already has simulated root). */
const SUDO_SHIM = `#!/bin/sh
# Simulated node: sessions already have (simulated) root; never the host's real sudo.
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; break ;;
    -u|-g|-p|-C|-h|-U|-r|-t|-T|-D|-R) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || exit 0
exec "$@"
`;

function write(file: string, text: string): void {
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/** A node's own users, groups and hosts: root and nobody, nothing of the host's accounts. */
const ETC: Record<string, string> = {
  passwd: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
  group: 'root:x:0:\nnogroup:x:65534:\n',
  hosts: '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n',
};

function link(target: string, path: string): void {
  rmSync(path, { force: true });
  symlinkSync(target, path);
}

/**
 * (Re)create bin/, libexec/, etc/ and prelude.sh for a lab. `seen` are the paths as the nodes see
 * them; `hostGpuBin` is where the GPU simulators are on this machine (null: not shipped).
 */
export function writeBinDir(lab: LabLayout, seen: LabSight, hostGpuBin: string | null): { gpuTools: boolean } {
  const { node, tools } = seen;
  rmSync(lab.bin, { recursive: true, force: true });
  mkdirSync(lab.bin, { recursive: true, mode: 0o755 });
  mkdirSync(lab.libexec, { recursive: true, mode: 0o755 });
  mkdirSync(lab.etc, { recursive: true, mode: 0o755 });
  for (const [f, text] of Object.entries(ETC)) writeFileSync(join(lab.etc, f), text);
  writeFileSync(lab.prelude, PRELUDE);
  // Readable by a node running as nobody (console as root) whatever the umask is.
  for (const d of [lab.sim, lab.bin, lab.libexec, lab.etc]) chmodSync(d, 0o755);
  for (const f of [lab.prelude, ...Object.keys(ETC).map((e) => join(lab.etc, e))]) chmodSync(f, 0o644);
  const cli = join(tools, 'cli.mjs');
  const wrap = (tool: string) => `#!/bin/sh\nexec ${shArgv(node, cli, tool)} "$@"\n`;
  for (const t of [...TOOL_NAMES, ...REFUSED]) write(join(lab.bin, t), wrap(t));
  if (!systemBinary('setsid')) write(join(lab.bin, 'setsid'), wrap('setsid'));
  write(join(lab.bin, 'sh'), SH_SHIM);
  write(join(lab.bin, 'sudo'), SUDO_SHIM);
  // stress-ng: record what it stands for, then become a sleeping "stress-ng" until its --timeout or a kill.
  write(join(lab.bin, 'stress-ng'), `#!/bin/sh\ngd_sim_s=$(${shArgv(node, cli, 'stress-ng-record')} "$$" "$@") || exit $?\nexec ${shq(join(seen.libexec, 'stress-ng'))} "$gd_sim_s"\n`);
  const sleep = systemBinary('sleep');
  if (!sleep) throw new SimLabError('NO_TOOLS', 'no sleep binary in /usr/bin or /bin');
  for (const name of ['stress-ng', 'init', ...Object.values(SERVICE_COMM)]) link(sleep, join(lab.libexec, name));
  const gpu = seen.gpuBin;
  if (gpu && hostGpuBin) for (const t of GPU_TOOLS) if (existsSync(join(hostGpuBin, t))) write(join(lab.bin, t), `#!/bin/sh\nexec ${shArgv(node, join(gpu, t))} "$@"\n`);
  return { gpuTools: gpu !== null && hostGpuBin !== null };
}
