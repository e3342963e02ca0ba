/**
 * Fault kinds on Kubernetes, as Chaos Mesh (chaos-mesh.org/v1alpha1) objects. A closed map, like the
 * SSH fault registry, and with the same names where the effect is the same (network-loss on a pod
 * is network-loss on a node), so a runbook reads the same whichever side a target is on.
 * Each kind: the Chaos Mesh kind and plural, a strict zod schema of its parameters (with intensity
 * presets), whether it is one-shot (nothing to revert: a killed pod stays killed), and the `spec`
 * fields it adds. Selector, mode/value and duration are added by chaos-object.ts for every kind.
 */
import { z } from 'zod';

export type ChaosKind = 'NetworkChaos' | 'StressChaos' | 'PodChaos' | 'IOChaos' | 'DNSChaos' | 'TimeChaos';

/** Chaos Mesh's CRD plurals (config/crd/bases/chaos-mesh.org_*.yaml): no shortNames, no trailing "es". */
export const PLURALS: Record<ChaosKind, string> = {
  NetworkChaos: 'networkchaos', StressChaos: 'stresschaos', PodChaos: 'podchaos', IOChaos: 'iochaos', DNSChaos: 'dnschaos', TimeChaos: 'timechaos',
};
export const CHAOS_GROUP = 'chaos-mesh.org';
export const CHAOS_VERSION = 'v1alpha1';

/** Chaos Mesh selection modes (pkg/selector/generic/mode.go). */
export const MODES = ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'] as const;

/** Fields every kind takes: how many of the selected pods Chaos Mesh picks. */
const common = {
  mode: z.enum(MODES).default('all'),
  /** A count (fixed) or a percentage (fixed-percent, random-max-percent), as Chaos Mesh wants it: text. */
  value: z.union([z.string().regex(/^\d{1,3}$/), z.number().int().min(0).max(1000)]).optional(),
};

const goDuration = z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, { error: 'a Go duration, e.g. 100ms, 1s, 2m' });
const pct = z.number().min(0).max(100);

/** One Kubernetes fault kind. */
export interface K8sFault<P = Record<string, unknown>> {
  id: string;
  title: string;
  chaosKind: ChaosKind;
  params: z.ZodType<P & { mode: (typeof MODES)[number]; value?: string | number }>;
  presets: Partial<Record<'low' | 'medium' | 'high', Record<string, unknown>>>;
  oneShot: boolean;
  /** The kind-specific part of `spec` (without selector, mode, value, duration). */
  spec(p: P): Record<string, unknown>;
}

function kind<S extends z.ZodRawShape>(f: Omit<K8sFault<z.output<z.ZodObject<S>>>, 'params'> & { shape: S }): K8sFault {
  const { shape, ...rest } = f;
  return { ...rest, params: z.strictObject({ ...shape, ...common }) } as unknown as K8sFault;
}

export const K8S_FAULTS: Record<string, K8sFault> = Object.fromEntries([
  kind({
    id: 'network-loss', title: 'Packet loss on pods', chaosKind: 'NetworkChaos', oneShot: false,
    shape: { percent: pct, correlation: pct.default(0) },
    presets: { low: { percent: 10 }, medium: { percent: 30 }, high: { percent: 60 } },
    spec: (p) => ({ action: 'loss', direction: 'to', loss: { loss: String(p.percent), correlation: String(p.correlation) } }),
  }),
  kind({
    id: 'network-partition', title: 'Network partition of pods', chaosKind: 'NetworkChaos', oneShot: false,
    shape: {}, presets: {},
    spec: () => ({ action: 'partition', direction: 'to' }),
  }),
  kind({
    id: 'network-bandwidth', title: 'Bandwidth limit on pods', chaosKind: 'NetworkChaos', oneShot: false,
    shape: { rate: z.string().regex(/^\d+(bps|kbps|mbps|gbps)$/, { error: 'a rate, e.g. 1mbps' }), limit: z.number().int().min(1).default(20_971_520), buffer: z.number().int().min(1).default(10_000) },
    presets: { low: { rate: '10mbps' }, medium: { rate: '1mbps' }, high: { rate: '100kbps' } },
    spec: (p) => ({ action: 'bandwidth', direction: 'to', bandwidth: { rate: p.rate, limit: p.limit, buffer: p.buffer } }),
  }),
  kind({
    id: 'network-latency', title: 'Network delay on pods', chaosKind: 'NetworkChaos', oneShot: false,
    shape: { latency: goDuration, jitter: goDuration.default('0ms'), correlation: pct.default(0) },
    presets: { low: { latency: '50ms' }, medium: { latency: '200ms' }, high: { latency: '1s' } },
    spec: (p) => ({ action: 'delay', direction: 'to', delay: { latency: p.latency, jitter: p.jitter, correlation: String(p.correlation) } }),
  }),
  kind({
    id: 'cpu-stress', title: 'CPU stress in pods', chaosKind: 'StressChaos', oneShot: false,
    shape: { workers: z.number().int().min(1).max(64), load: pct.default(100) },
    presets: { low: { workers: 1, load: 50 }, medium: { workers: 2 }, high: { workers: 4 } },
    spec: (p) => ({ stressors: { cpu: { workers: p.workers, load: p.load } } }),
  }),
  kind({
    id: 'memory-pressure', title: 'Memory pressure in pods', chaosKind: 'StressChaos', oneShot: false,
    shape: { workers: z.number().int().min(1).max(64).default(1), size: z.string().regex(/^\d+(B|KB|MB|GB|%)$/, { error: 'a size, e.g. 256MB or 50%' }) },
    presets: { low: { size: '128MB' }, medium: { size: '512MB' }, high: { size: '80%' } },
    spec: (p) => ({ stressors: { memory: { workers: p.workers, size: p.size } } }),
  }),
  kind({
    id: 'pod-kill', title: 'Kill pods (their controller replaces them)', chaosKind: 'PodChaos', oneShot: true,
    shape: { gracePeriod: z.number().int().min(0).max(3600).default(0) }, presets: {},
    spec: (p) => ({ action: 'pod-kill', gracePeriod: p.gracePeriod }),
  }),
  kind({
    id: 'container-kill', title: 'Kill containers (the kubelet restarts them)', chaosKind: 'PodChaos', oneShot: true,
    shape: { containerNames: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)).min(1) }, presets: {},
    spec: (p) => ({ action: 'container-kill', containerNames: p.containerNames }),
  }),
  kind({
    id: 'io-latency', title: 'I/O latency on a volume', chaosKind: 'IOChaos', oneShot: false,
    shape: { volumePath: z.string().regex(/^\/[^\x00-\x1f\x7f]*$/), delay: goDuration, percent: pct.default(100), path: z.string().optional() },
    presets: {},
    spec: (p) => ({ action: 'latency', volumePath: p.volumePath, delay: p.delay, percent: p.percent, ...(p.path !== undefined && { path: p.path }) }),
  }),
  kind({
    id: 'dns-failure', title: 'DNS errors for pods', chaosKind: 'DNSChaos', oneShot: false,
    shape: { patterns: z.array(z.string().min(1).max(253)).min(1).optional() }, presets: {},
    spec: (p) => ({ action: 'error', ...(p.patterns && { patterns: p.patterns }) }),
  }),
  kind({
    id: 'clock-skew', title: 'Clock offset in pods', chaosKind: 'TimeChaos', oneShot: false,
    shape: { timeOffset: z.string().regex(/^-?(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/, { error: 'an offset, e.g. -10m or 1h' }) }, presets: {},
    spec: (p) => ({ timeOffset: p.timeOffset }),
  }),
].map((f) => [f.id, f]));

/** The kind, or undefined. */
export function getK8sFault(id: string): K8sFault | undefined {
  return Object.hasOwn(K8S_FAULTS, id) ? K8S_FAULTS[id] : undefined;
}

export type ResolvedK8sParams = Record<string, unknown> & { mode: (typeof MODES)[number]; value?: string | number };

/** Preset overlaid with explicit params, checked: ok with the params, or the issues as text. */
export function resolveK8sParams(f: K8sFault, intensity: 'low' | 'medium' | 'high' | undefined, params: Record<string, unknown> | undefined): { ok: true; params: ResolvedK8sParams } | { ok: false; issues: string[] } {
  const preset = intensity ? (f.presets[intensity] ?? {}) : {};
  const r = f.params.safeParse({ ...preset, ...(params ?? {}) });
  if (r.success) return { ok: true, params: r.data as ResolvedK8sParams };
  return { ok: false, issues: r.error.issues.map((i) => `${i.path.length ? `parameter "${i.path.join('.')}": ` : ''}${i.message}`) };
}
