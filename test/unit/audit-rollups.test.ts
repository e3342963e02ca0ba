/**
 * Rollups (audit/rollup.ts) against the raw samples they summarise: the same figures from both
 * paths on the same stored run — counts, availability and chart extremes exactly, p95 within the
 * histogram's ±0.5 % — including out-of-order and late samples, an unaligned run start, and a store
 * that was never closed (a crash), where the reader must fall back to raw rows for open buckets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditStore, HIST_REL_ERROR, ROLLUP_MS, scanProbe, scanStats } from '../../src-main/audit/index.js';
import { histBin, histPercentile, histValue, HIST_BINS } from '../../src-main/audit/rollup.js';
import { evaluateSlos, memorySamples, runSamples } from '../../src-main/engine/slo-eval.js';
import { measureStoredImpact } from '../../src-main/probes/stored-impact.js';
import { attributeImpact, toRow, type Sample } from '../../src-main/probes/index.js';
import { readProbe } from '../../src-main/report/samples.js';

const dirs: string[] = [];
const stores: AuditStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store(): { audit: AuditStore; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gd-rollup-'));
  dirs.push(dir);
  const file = join(dir, 'a.sqlite');
  const audit = AuditStore.open(file);
  stores.push(audit);
  return { audit, file };
}

/** A deterministic pseudo-random stream (no Math.random in tests). */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const T0 = 1_700_000_003_217; // not on a rollup boundary

/**
 * `seconds` of 1 Hz samples for `series` series, flushed once a second like the batcher, with some
 * samples of each flush arriving a flush late (slow probes) and an outage in the middle.
 */
function record(audit: AuditStore, runId: string, probeId: string, series: number, seconds: number): Sample[] {
  const r = rng(series * 7919 + seconds);
  const all: Sample[] = [];
  let carry: Sample[] = [];
  for (let s = 0; s < seconds; s++) {
    const flush: Sample[] = [...carry];
    carry = [];
    for (let k = 0; k < series; k++) {
      const down = s >= seconds / 2 && s < seconds / 2 + 37 && k === 0;
      const smp: Sample = { probeId, series: `n${k}`, t: T0 + s * 1000 + k * 3.5, value: down ? null : Math.round(r() * 1000) / 10, healthy: !down && r() > 0.01, latencyMs: 0.05 + r() * r() * 900 };
      all.push(smp);
      (r() < 0.1 ? carry : flush).push(smp);
    }
    audit.addSampleBatches(runId, [[probeId, flush.map(toRow)]]);
  }
  audit.addSampleBatches(runId, [[probeId, carry.map(toRow)]]);
  return all;
}

function exactP95(samples: Sample[], from: number, to: number): number {
  const lat = samples.filter((s) => s.t >= from && s.t < to).map((s) => s.latencyMs).sort((a, b) => a - b);
  return lat[Math.ceil(0.95 * lat.length) - 1]!;
}

describe('latency histogram', () => {
  it('puts every value in a bin whose middle is within ±0.5 % of it', () => {
    for (const v of [0.011, 0.5, 1, 12.5, 99.99, 1000, 30_000, 123_456]) {
      const mid = histValue(histBin(v));
      expect(Math.abs(mid - v) / v).toBeLessThanOrEqual(HIST_REL_ERROR + 1e-12);
    }
    expect(histBin(0)).toBe(0);
    expect(histBin(-3)).toBe(0);
    expect(histBin(1e12)).toBe(HIST_BINS - 1);
  });

  it('reads the nearest-rank percentile', () => {
    const h = new Uint32Array(HIST_BINS);
    for (let i = 1; i <= 100; i++) h[histBin(i)]!++;
    expect(Math.abs(histPercentile(h, 95)! - 95) / 95).toBeLessThanOrEqual(HIST_REL_ERROR);
    expect(histPercentile(new Uint32Array(HIST_BINS), 95)).toBeNull();
  });
});

describe('rollups vs raw samples', () => {
  for (const series of [1, 3, 20]) {
    it(`${series} series: the same availability, counts and extremes; p95 within ±0.5 %`, () => {
      const { audit } = store();
      audit.createRun({ id: 'r', title: 't' });
      const samples = record(audit, 'r', 'p', series, 600);
      audit.endRun('r', 'completed');
      const from = T0;
      const to = T0 + 600_000 - 1234;
      const rolled = readProbe(audit, 'r', 'p', { t0: T0, from, to, intervalMs: 1000, valueLabel: 'v', rawLimit: 0 });
      const exact = readProbe(audit, 'r', 'p', { t0: T0, from, to, intervalMs: 1000, valueLabel: 'v', exact: true });
      const scan = scanProbe(audit, 'r', 'p', { from, to, rawLimit: 0 });
      expect(scan.exact).toBe(false);
      expect(scan.rollups.length).toBeGreaterThan(0);
      // Most of the run comes from rollups, only the ragged edges raw.
      expect(scan.raw.length).toBeLessThan(samples.length / 10);
      expect(rolled.samples).toBe(samples.length);
      expect(rolled.availabilityPct).toBe(exact.availabilityPct);
      expect(rolled.seriesCount).toBe(series);
      expect(rolled.mode).toBe(exact.mode);
      expect(rolled.latencyApprox).toBe(true);
      expect(exact.latencyApprox).toBeUndefined();
      expect(exact.latencyP95Ms).toBe(exactP95(samples, from, to));
      expect(Math.abs(rolled.latencyP95Ms! - exact.latencyP95Ms!) / exact.latencyP95Ms!).toBeLessThanOrEqual(HIST_REL_ERROR + 1e-9);
      expect(rolled.bucketMs % ROLLUP_MS).toBe(0);
      const ys = (c: typeof rolled) => c.lines.flatMap((l) => l.points.map((p) => p[1]));
      expect(Math.max(...ys(rolled))).toBe(Math.max(...ys(exact)));
      expect(Math.min(...ys(rolled))).toBe(Math.min(...ys(exact)));
      // The max keeps its instant.
      const maxAt = (c: typeof rolled) => c.lines.flatMap((l) => l.points).find((p) => p[1] === Math.max(...ys(c)))![0];
      if (exact.mode === 'series') expect(maxAt(rolled)).toBe(maxAt(exact));
      const unhealthy = (c: typeof rolled) => c.unhealthyPct.reduce((n, p) => n + (p[1] > 0 ? 1 : 0), 0);
      expect(unhealthy(rolled)).toBeGreaterThan(0);
      if (series > 1) expect(rolled.lines.map((l) => l.name)).toEqual(exact.lines.map((l) => l.name));
    });
  }

  it('a store that was never closed (crash): open buckets are read raw, counts stay exact', () => {
    const { audit, file } = store();
    audit.createRun({ id: 'r', title: 't' });
    const samples = record(audit, 'r', 'p', 4, 300);
    // A second reader while the writer still holds open buckets in memory, as after kill -9.
    const reader = AuditStore.open(file);
    stores.push(reader);
    const to = T0 + 400_000;
    const scan = scanProbe(reader, 'r', 'p', { from: T0, to, rawLimit: 0 });
    expect(scan.exact).toBe(false);
    expect(scanStats(scan, T0, to).total).toBe(samples.length);
    expect(scanStats(scan, T0, to).healthy).toBe(samples.filter((s) => s.healthy).length);
    expect(reader.rollupMark('r', 'p')!.coveredUntil).toBeLessThan(T0 + 300_000);
  });

  it('a sample arriving after its bucket closed is counted once', () => {
    const { audit } = store();
    audit.createRun({ id: 'r', title: 't' });
    const samples = record(audit, 'r', 'p', 2, 120);
    const late: Sample = { probeId: 'p', series: 'n0', t: T0 + 5_000.25, value: 12345, healthy: false, latencyMs: 3 };
    audit.addSampleBatches('r', [['p', [toRow(late)]]]);
    audit.endRun('r', 'completed');
    const to = T0 + 200_000;
    const st = scanStats(scanProbe(audit, 'r', 'p', { from: T0, to, rawLimit: 0 }), T0, to);
    expect(st.total).toBe(samples.length + 1);
    expect(st.healthy).toBe(samples.filter((s) => s.healthy).length);
    const c = readProbe(audit, 'r', 'p', { t0: T0, from: T0, to, intervalMs: 1000, valueLabel: 'v', rawLimit: 0 });
    expect(Math.max(...c.lines.flatMap((l) => l.points.map((p) => p[1])))).toBe(12345);
  });
});

describe('end-of-run SLO verdicts from the audit', () => {
  it('give the same results as from every sample in memory', () => {
    const { audit } = store();
    audit.createRun({ id: 'r', title: 't' });
    const samples = [...record(audit, 'r', 'api', 3, 400), ...record(audit, 'r', 'db', 12, 400)];
    audit.endRun('r', 'completed');
    const common = {
      slos: { recoveryTimeMs: { target: 60_000, from: 'revert' as const }, detectionTimeMs: { target: 10_000 }, availability: { probe: 'db', target: 99.5 }, errorRate: { probe: 'api', target: 2 } },
      env: 'lab' as const,
      primaryProbe: 'api',
      intervalOf: () => 1000,
      healthyAfterOf: () => 3,
      windows: [{ id: 'cut', activeAt: T0 + 199_000, endAt: T0 + 240_000 }],
      startAt: T0,
      endAt: T0 + 399_500,
    };
    const fromAudit = evaluateSlos({ ...common, samples: runSamples(audit, 'r') });
    const inMemory = evaluateSlos({ ...common, samples: memorySamples(samples) });
    expect(fromAudit.results).toEqual(inMemory.results);
    expect(fromAudit.impact).toEqual(inMemory.impact);
    expect(fromAudit.impact!.faults[0]!.detectedAt).toBeDefined();
  });
});

describe('impact from the audit reads only what decides it', () => {
  // [name, outage start (s), outage length (s), self-heal], windows: cut 100..300 s, second 450..470 s
  const cases: Array<[string, number, number]> = [
    ['outage in the middle of a long window', 150, 40],
    ['outage running into the end of the run', 560, 60],
    ['no outage at all', -1, 0],
    ['outage with no fault behind it (unattributed)', 350, 8],
    ['outage right after a revert, recovering across the next inject', 295, 160],
  ];
  for (const [name, outageAt, outageS] of cases) {
    it(`${name}: same figures as attributing every sample`, () => {
      const { audit } = store();
      audit.createRun({ id: 'r', title: 't' });
      const all: Sample[] = [];
      for (let s = 0; s < 600; s++) {
        const rows: Sample[] = [];
        for (let k = 0; k < 3; k++) {
          // Series n1 flaps once during the outage (healthy for one sample): a relapse must be counted.
          const down = outageAt >= 0 && s >= outageAt + k && s < outageAt + outageS && !(k === 1 && s === outageAt + 10);
          rows.push({ probeId: 'p', series: `n${k}`, t: T0 + s * 1000 + k, value: 1, healthy: !down, latencyMs: 1 });
        }
        all.push(...rows);
        audit.addSampleBatches('r', [['p', rows.map(toRow)]]);
      }
      const windows = [
        { id: 'cut', activeAt: T0 + 100_000, endAt: T0 + 300_000, endKind: 'revert' as const },
        { id: 'next', activeAt: T0 + 450_000, endAt: T0 + 470_000, endKind: 'revert' as const },
      ];
      const opts = { healthyAfter: 3, intervalMs: 1000 };
      let read = 0;
      const between = audit.samplesBetween.bind(audit);
      audit.samplesBetween = (...a: Parameters<typeof between>) => {
        const rows = between(...a);
        read += rows.length;
        return rows;
      };
      const stored = measureStoredImpact(audit, 'r', { probeId: 'p', windows, opts, from: T0, to: T0 + 599_500 }, { rawLimit: 0 });
      const memory = attributeImpact('p', all, windows, { ...opts, observedUntil: T0 + 599_500 });
      expect(stored).toEqual(memory);
      // 1800 samples in all; long healthy stretches are never read.
      expect(read).toBeLessThan(all.length * 0.6);
      if (outageAt === 150) expect(stored.faults[0]!.relapses).toBeGreaterThan(0);
      if (outageAt === 350) expect(stored.unattributed).toHaveLength(1);
    });
  }
});
