/**
 * GPU probe: over SSH, run the fault layer's GPU observe script (it picks rocm-smi / amd-smi /
 * nvidia-smi on the node and prints a marker naming the tool), parse with its parsers, and take one
 * metric. value = that metric on `device`, or the maximum over the node's GPUs (the hottest/most
 * loaded card is what an abort condition or RTO check cares about).
 */
import { observeScript, parseObserveOutput, type GpuSample } from '../faults/index.js';
import type { FaultContext } from '../faults/index.js';
import type { Shell } from '../shell/index.js';
import { nowMs } from './clock.js';
import type { ProbeSsh } from './command.js';
import { timeoutMessage } from './net-errors.js';
import { checkBounds, EXCERPT_CHARS, failed, sampleAt, type Probe } from './probe.js';
import type { GpuProbeSpec, ProbeNode, ProbeTarget, Sample } from './types.js';

/** Probes read; they inject nothing, so these ids only satisfy the fault builders' id checks. */
const OBSERVE_IDS = { runId: 'probe', faultId: 'probe' } as const;

/** The metric from parsed GPUs: one device's, or the max over all GPUs that report it. */
export function pickGpuMetric(gpus: GpuSample[], metric: GpuProbeSpec['metric'], device?: number): number | null {
  const vals = gpus.filter((g) => device === undefined || g.gpu === device).map((g) => g[metric]).filter((v): v is number => v !== null && Number.isFinite(v));
  return vals.length ? Math.max(...vals) : null;
}

function contextFor(node: ProbeNode): FaultContext {
  // leaseTtlSec / maxDurationSec are unused by observe (no lease, nothing to bound); 1 keeps them valid.
  return { ...OBSERVE_IDS, node: { name: node.name, host: node.host, gpu: node.gpu ?? 'none' }, leaseTtlSec: 1, maxDurationSec: 1 };
}

export function createGpuProbe(spec: GpuProbeSpec, ssh: ProbeSsh): Probe {
  const scripts = new Map<string, Shell>();

  async function run(target: ProbeTarget, signal: AbortSignal): Promise<Sample> {
    const t = nowMs();
    const node = target.node;
    if (!node?.ssh) return failed(spec.id, target, t, `probe ${spec.id}: series ${target.series} has no SSH node to read GPUs on`, 0);
    let script = scripts.get(node.name);
    if (!script) scripts.set(node.name, (script = observeScript(contextFor(node), spec.tool ?? 'auto', spec.device ?? 'all')));
    try {
      const r = await ssh.exec(node.ssh, script, { timeoutMs: spec.timeoutMs, signal });
      const latencyMs = nowMs() - t;
      if (r.timedOut || signal.aborted) return failed(spec.id, target, t, timeoutMessage(spec.timeoutMs), latencyMs);
      if (r.code !== 0) return failed(spec.id, target, t, `GPU observe exit ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, EXCERPT_CHARS)}`, latencyMs);
      const parsed = parseObserveOutput(r.stdout);
      if (!parsed.tool || parsed.gpus.length === 0) return failed(spec.id, target, t, `no GPU readings in the output of ${parsed.tool ?? 'the GPU tool'}`, latencyMs);
      const value = pickGpuMetric(parsed.gpus, spec.metric, spec.device);
      if (value === null) return failed(spec.id, target, t, `${parsed.tool} reports no ${spec.metric}${spec.device !== undefined ? ` for GPU ${spec.device}` : ''}`, latencyMs);
      const problem = checkBounds(value, spec.expect);
      return sampleAt(spec.id, target, t, { value, healthy: problem === null, latencyMs, ...(problem ? { error: `${spec.metric} ${problem}` } : {}) });
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (signal.aborted) return failed(spec.id, target, t, timeoutMessage(spec.timeoutMs));
      return failed(spec.id, target, t, `SSH ${err.code ?? 'error'}: ${err.message ?? String(e)}`);
    }
  }
  return { id: spec.id, run, dispose: () => scripts.clear() };
}
