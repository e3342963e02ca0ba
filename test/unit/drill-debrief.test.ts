/**
 * The debrief of a long run reads the audit's rollups, not every sample: the same series, each
 * small enough for one message, with the spike and the outage still in them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditStore, RAW_LIMIT, scanProbe } from '../../src-main/audit/index.js';
import { buildDebrief, DEBRIEF_POINTS } from '../../src-main/report/debrief.js';
import { toRow, type Sample } from '../../src-main/probes/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('debrief of a long run', () => {
  it('comes from the rollups with every series, the spike and the outage', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-debrief-'));
    dirs.push(dir);
    const audit = AuditStore.open(join(dir, 'a.sqlite'));
    audit.createRun({ id: 'r', title: 'long' });
    const t0 = Date.now();
    const seconds = Math.ceil(RAW_LIMIT / 3) + 2000;
    for (let s0 = 0; s0 < seconds; s0 += 100) {
      const rows: Sample[] = [];
      for (let s = s0; s < Math.min(seconds, s0 + 100); s++) {
        for (let k = 0; k < 3; k++) rows.push({ probeId: 'api', series: `n${k}`, t: t0 + s * 1000, value: s === 20_000 && k === 1 ? 9999 : 10, healthy: !(k === 2 && s >= 30_000 && s < 30_060), latencyMs: 1 });
      }
      audit.addSampleBatches('r', [['api', rows.map(toRow)]]);
    }
    audit.endRun('r', 'completed');
    expect(scanProbe(audit, 'r', 'api', { from: t0, to: t0 + seconds * 1000 }).exact).toBe(false);
    const d = buildDebrief(audit, 'r');
    const api = d.probes.find((p) => p.probeId === 'api')!;
    expect(api.series.map((s) => s.name).sort()).toEqual(['n0', 'n1', 'n2']);
    for (const s of api.series) expect(s.points.length).toBeLessThanOrEqual(DEBRIEF_POINTS + 1);
    expect(Math.max(...api.series.find((s) => s.name === 'n1')!.points.map((p) => p[1] ?? 0))).toBe(9999);
    expect(api.series.find((s) => s.name === 'n2')!.points.some((p) => p[2] === 0)).toBe(true);
    expect(api.series.find((s) => s.name === 'n0')!.points.every((p) => p[2] === 1)).toBe(true);
    audit.close();
  });
});
