/**
 * Shared pieces of the GPU fault modules: parameter schemas, vendor and tool resolution, and the
 * skeleton of every node-side GPU script (tool choice, device list, state file, small helpers).
 *
 * Tool choice. `tool` is rocm-smi | amd-smi | nvidia-smi | auto. The vendor comes from the tool, or
 * for `auto` from the inventory (ctx.node.gpu). On AMD, `auto` is decided on the node at run time:
 * rocm-smi when it is on PATH, else amd-smi (a fault can ask for the other order). No `sudo` is
 * written here: the module declares `requires.root` and the SSH layer adds `sudo -n` when needed.
 */
import { z } from 'zod';
import { Shell, sh, shq } from '../shell/index.js';
import { SCRIPT_EXIT as EXIT } from './script-exit.js';
import { GD_PY } from './gpu-node-json.js';
import { assertCtx } from './ids.js';
import { lines, script } from './shell-lib.js';
import type { FaultContext } from './types.js';

/**
 * Highest GPU index accepted. The largest nodes hold 8 GPUs, 64 with MI300 CPX partitions
 * (8 OAMs x 8 XCDs), so 63 admits every real index and still rejects typos like 100.
 */
export const MAX_GPU_INDEX = 63;
export const gpuIndex = z.number().int('GPU index must be a whole number').min(0).max(MAX_GPU_INDEX, `GPU index must be 0-${MAX_GPU_INDEX}`);
/** One GPU by index, or every GPU the tool lists. */
export const deviceSchema = z.union([gpuIndex, z.literal('all')]);
export const amdToolSchema = z.enum(['rocm-smi', 'amd-smi', 'auto']);
export const anyToolSchema = z.enum(['rocm-smi', 'amd-smi', 'nvidia-smi', 'auto']);

export type ToolParam = z.infer<typeof anyToolSchema>;
export type Device = z.infer<typeof deviceSchema>;
export type Vendor = 'amd' | 'nvidia';
export type ScriptPurpose = 'inject' | 'verify' | 'revert' | 'observe';

/** Vendor a tool drives; `auto` (and `none`: no vendor tool, e.g. debugfs or dcgmi) follows the inventory. */
export function vendorOf(tool: ToolParam | 'none', ctx: FaultContext): Vendor | null {
  if (tool === 'nvidia-smi') return 'nvidia';
  if (tool === 'rocm-smi' || tool === 'amd-smi') return 'amd';
  return ctx.node.gpu === 'none' ? null : ctx.node.gpu;
}

/** Guard shared by every GPU fault: the node has a GPU, of the tool's vendor, that this fault supports. */
export function vendorGuard(tool: ToolParam | 'none', ctx: FaultContext, supported: Vendor[]): string | null {
  const v = vendorOf(tool, ctx);
  if (ctx.node.gpu === 'none' || v === null) return `node ${ctx.node.name} has no GPU in the inventory (gpu: none)`;
  if (v !== ctx.node.gpu) return `tool ${tool} drives ${v} GPUs but node ${ctx.node.name} is listed with gpu: ${ctx.node.gpu}`;
  if (!supported.includes(v)) return `this fault has no ${v} implementation (supported: ${supported.join(', ')})`;
  return null;
}

/** Helpers every GPU script carries. Constant text; parameters reach them only as quoted arguments. */
const HELPERS = `set -u
gd_die() { printf 'gameday: %s\\n' "$1" >&2; exit "\${2:-1}"; }
gd_say() { printf 'gameday: %s\\n' "$1"; }
gd_have() { command -v "$1" >/dev/null 2>&1; }
gd_isnum() { case $1 in ''|.*|*.*.*|*[!0-9.]*) return 1 ;; esac; }
gd_near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
gd_le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
gd_int() { awk -v a="$1" 'BEGIN { printf "%d\\n", a }'; }`;

function toolChoice(vendor: Vendor, tool: ToolParam, prefer: 'rocm-smi' | 'amd-smi'): Shell {
  if (vendor === 'nvidia') {
    return Shell.raw(`GD_TOOL=nvidia-smi\ngd_have nvidia-smi || gd_die 'nvidia-smi is not on PATH' ${EXIT.UNSUPPORTED}`);
  }
  const pick = tool === 'auto' ? [prefer, prefer === 'rocm-smi' ? 'amd-smi' : 'rocm-smi'] : [tool];
  const chain = pick.map((t, i) => `${i === 0 ? 'if' : 'elif'} gd_have ${shq(t)}; then GD_TOOL=${shq(t)}`).join('; ');
  return Shell.raw(`${chain}; else gd_die ${shq(`no ${pick.join(' or ')} on PATH`)} ${EXIT.UNSUPPORTED}; fi
gd_have python3 || gd_die 'python3 is missing (rocm-smi and amd-smi are python3 programs)' ${EXIT.UNSUPPORTED}
GD_PY=${Shell.argv(GD_PY).text}
gd_py() { python3 -c "$GD_PY" "$@"; }`);
}

function deviceList(device: Device): Shell {
  if (device !== 'all') return sh`GD_DEVS=${device}`;
  return Shell.raw(`case $GD_TOOL in
  rocm-smi) GD_DEVS=$(rocm-smi --showid --json | gd_py cards) ;;
  amd-smi) GD_DEVS=$(amd-smi list --json | gd_py gpus) ;;
  nvidia-smi) GD_DEVS=$(nvidia-smi --query-gpu=index --format=csv,noheader,nounits) ;;
esac
[ -n "$GD_DEVS" ] || gd_die "$GD_TOOL lists no GPU on this node" ${EXIT.UNSUPPORTED}
for d in $GD_DEVS; do case $d in *[!0-9]*) gd_die "unexpected GPU index from $GD_TOOL: $d" ;; esac; done`);
}

export interface GpuScriptSpec {
  ctx: FaultContext;
  /** `none`: the fault drives no SMI tool (debugfs, dcgmi); no GD_TOOL, no device list. */
  tool: ToolParam | 'none';
  supported: Vendor[];
  purpose: ScriptPurpose;
  /** Sets GD_DEVS (space-separated indices) when given. */
  device?: Device;
  /** For tool auto on AMD: which tool to try first (default rocm-smi, per the fault contract). */
  amdPrefer?: 'rocm-smi' | 'amd-smi';
  /** Locate (find) or create the run directory: sets GD_RUN and GD_STATE (this fault's state file). */
  runDir?: 'find' | 'create';
  body: Shell;
}

/**
 * One node-side script: helpers, tool choice ($GD_TOOL), device list ($GD_DEVS), run directory
 * ($GD_RUN, $GD_STATE), then the body. On a node this fault cannot drive, inject/verify/observe
 * fail with exit 4 and revert succeeds (nothing can have been injected there).
 */
export function gpuScript(spec: GpuScriptSpec): Shell {
  assertCtx(spec.ctx);
  const reason = vendorGuard(spec.tool, spec.ctx, spec.supported);
  const vendor = vendorOf(spec.tool, spec.ctx);
  if (reason !== null || vendor === null) {
    const msg = reason ?? 'no GPU';
    return spec.purpose === 'revert'
      ? sh`printf 'gameday: nothing to revert: %s\\n' ${msg}; exit 0`
      : sh`printf 'gameday: %s\\n' ${msg} >&2; exit ${EXIT.UNSUPPORTED}`;
  }
  const parts: Shell[] = [Shell.raw(HELPERS)];
  if (spec.tool !== 'none') {
    parts.push(toolChoice(vendor, spec.tool, spec.amdPrefer ?? 'rocm-smi'));
    if (spec.device !== undefined) parts.push(deviceList(spec.device));
  }
  if (spec.runDir) {
    const id = `${spec.ctx.runId}`;
    parts.push(
      spec.runDir === 'create'
        ? sh`gd_rundir ${id} 1 || gd_die "no writable run directory under /run/gameday or /tmp/gameday" ${EXIT.NO_RUN_DIR}`
        : sh`gd_rundir ${id} 0 || true`,
      sh`GD_STATE="$GD_RUN"/${`${spec.ctx.faultId}.gpu.state`}`,
    );
  }
  parts.push(spec.body);
  return spec.runDir ? script(['gd_rundir'], ...parts) : lines(...parts);
}

/** The whole revert of a one-shot fault: there is nothing to undo, and saying so is the clean outcome. */
export const ONE_SHOT_REVERT = Shell.raw("printf 'gameday: one-shot: nothing to revert\\n'; exit 0");
