/**
 * What applying and recovering one Chaos Mesh record does in the test cluster (the role of
 * controllers/chaosimpl/* and chaos-daemon): NetworkChaos/StressChaos/IOChaos change the pod's
 * backend answers through the data plane, PodChaos deletes pods or flips their readiness,
 * DNSChaos/TimeChaos are recorded only (they do not change an HTTP answer). Recovering a record
 * whose pod is gone succeeds ("pretend the disappeared container has been recovered",
 * chaosimpl/stresschaos/impl.go; trafficcontrol/impl.go treats NotFound the same).
 */
import type { DataPlane, Effect } from './data-plane.js';
import { parseGoDuration } from './go-duration.js';
import type { Kubelet } from './kubelet.js';
import { findResource } from './resources.js';
import type { ObjectStore } from './store.js';
import { isObject, type Json, type JsonObject, type KObject } from './types.js';

const PODS = findResource('', 'v1', 'pods')!;

/** Tuning of effects (ms). */
export interface EffectTimings {
  /** Extra answer time per StressChaos CPU worker at 100% load (and once for a memory stressor). */
  stressMsPerWorker: number;
}

/** One record as the controller hands it to an effect. */
export interface RecordRef { id: string; selectorKey: string }

function ms(v: Json | undefined): number {
  if (typeof v !== 'string' || v === '') return 0;
  const d = parseGoDuration(v);
  return d instanceof Error ? 0 : Math.max(0, d);
}

function percent(v: Json | undefined): number {
  const n = Number.parseFloat(typeof v === 'string' ? v : String(v ?? 0));
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n / 100)) : 0;
}

/** Bytes per second of a tc rate ("1mbps" = bytes, "8mbit" = bits). */
function bytesPerSecond(rate: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit|tbit|bps|kbps|mbps|gbps|tbps)$/i.exec(rate.trim());
  if (!m) return 0;
  const unit = m[2]!.toLowerCase();
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[unit.replace(/(bit|bps)$/, '')] ?? 1;
  return (Number(m[1]) * scale) / (unit.endsWith('bit') ? 8 : 1);
}

/** The data-plane effects of a NetworkChaos on a source pod ('.' records). */
function networkEffects(spec: JsonObject): Effect[] {
  const action = String(spec.action);
  const out: Effect[] = [];
  const delay = isObject(spec.delay) ? spec.delay : undefined;
  const loss = isObject(spec.loss) ? spec.loss : undefined;
  const corrupt = isObject(spec.corrupt) ? spec.corrupt : undefined;
  if (action === 'partition') out.push({ kind: 'partition' });
  if ((action === 'delay' || action === 'netem') && delay) out.push({ kind: 'delay', ms: ms(delay.latency), jitterMs: ms(delay.jitter) });
  if ((action === 'loss' || action === 'netem') && loss) out.push({ kind: 'loss', fraction: percent(loss.loss) });
  // A corrupted packet is dropped by the receiver's checksum: to a client it is a loss.
  if ((action === 'corrupt' || action === 'netem') && corrupt) out.push({ kind: 'loss', fraction: percent(corrupt.corrupt) });
  if (action === 'bandwidth' && isObject(spec.bandwidth)) {
    // ~16 KiB answer (headers and body with slow start) at the limited rate.
    const bps = bytesPerSecond(String(spec.bandwidth.rate ?? ''));
    out.push({ kind: 'bandwidth', ms: bps > 0 ? Math.round((16384 / bps) * 1000) : 0 });
  }
  if (out.length === 0) out.push({ kind: 'marker', what: `network-${action}` });
  return out;
}

function stressEffects(spec: JsonObject, t: EffectTimings): Effect[] {
  const st = isObject(spec.stressors) ? spec.stressors : {};
  let extra = 0;
  if (isObject(st.cpu)) extra += Number(st.cpu.workers ?? 1) * (Number(st.cpu.load ?? 100) / 100) * t.stressMsPerWorker;
  if (isObject(st.memory)) extra += t.stressMsPerWorker;
  if (typeof spec.stressngStressors === 'string' && extra === 0) extra = t.stressMsPerWorker;
  return [{ kind: 'stress', ms: Math.round(extra) }];
}

/** Applies and recovers records of the six kinds. Errors are thrown as Error(message) like chaos-daemon's. */
export class ChaosEffects {
  constructor(private readonly store: ObjectStore, private readonly plane: DataPlane, private readonly kubelet: Kubelet, private readonly t: EffectTimings) {}

  private pod(rec: RecordRef): { key: string; pod: KObject | undefined; ns: string; name: string } {
    const [ns, name] = rec.id.split('/') as [string, string];
    return { key: `${ns}/${name}`, ns, name, pod: this.store.get(PODS, ns, name) };
  }

  private effectsFor(obj: KObject, rec: RecordRef): Effect[] {
    const spec = isObject(obj.spec) ? obj.spec : {};
    switch (obj.kind) {
      case 'NetworkChaos': return rec.selectorKey === '.' ? networkEffects(spec) : [{ kind: 'marker', what: `network-${String(spec.action)}-target` }];
      case 'StressChaos': return stressEffects(spec, this.t);
      case 'IOChaos':
        if (spec.action === 'latency') return [{ kind: 'io-delay', ms: ms(spec.delay) }];
        if (spec.action === 'fault') return [{ kind: 'io-fault' }];
        return [{ kind: 'marker', what: `io-${String(spec.action)}` }];
      case 'DNSChaos': return [{ kind: 'marker', what: `dns-${String(spec.action)}` }];
      case 'TimeChaos': return [{ kind: 'marker', what: `time-offset ${String(spec.timeOffset)}` }];
      default: return [];
    }
  }

  private source(obj: KObject): string {
    return `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`;
  }

  /** Injects one record; throws when the target cannot be reached. */
  apply(obj: KObject, rec: RecordRef): void {
    const { key, pod, ns, name } = this.pod(rec);
    if (!pod) throw new Error(`pods "${name}" not found`);
    const spec = isObject(obj.spec) ? obj.spec : {};
    if (obj.kind === 'PodChaos') {
      if (spec.action === 'pod-kill') {
        this.store.delete(PODS, ns, name, { gracePeriodSeconds: Number(spec.gracePeriod ?? 0) });
      } else if (spec.action === 'pod-failure') {
        if (!this.kubelet.failPod(pod, 'ImagePullBackOff')) throw new Error(`pods "${name}" not found`);
        this.plane.apply(key, `${obj.metadata.uid}/${rec.id}/0`, { kind: 'unavailable' }, this.source(obj), rec.id);
      } else if (!this.kubelet.restartContainer(pod)) throw new Error(`pods "${name}" not found`);
      return;
    }
    if (!this.plane.isServing(key)) throw new Error(`container not found: pod ${key} is not running`);
    this.effectsFor(obj, rec).forEach((e, i) => this.plane.apply(key, `${obj.metadata.uid}/${rec.id}/${i}`, e, this.source(obj), rec.id));
  }

  /** Recovers one record. A pod that is gone counts as recovered. */
  recover(obj: KObject, rec: RecordRef): void {
    const { key, pod } = this.pod(rec);
    if (obj.kind === 'PodChaos') {
      const spec = isObject(obj.spec) ? obj.spec : {};
      if (spec.action === 'pod-failure' && pod) {
        this.kubelet.recoverPod(pod);
        this.plane.recover(key, `${obj.metadata.uid}/${rec.id}/0`);
      }
      return;
    }
    if (!pod) return;
    this.effectsFor(obj, rec).forEach((_e, i) => this.plane.recover(key, `${obj.metadata.uid}/${rec.id}/${i}`));
  }

  /** Does recovering this record need a live pod (false = it trivially succeeds)? */
  podGone(rec: RecordRef): boolean {
    return this.pod(rec).pod === undefined;
  }
}
