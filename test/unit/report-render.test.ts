import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditStore } from '../../src-main/audit/index.js';
import { buildReportModel, escMd, renderHtml, renderJson, renderMarkdown, REPORT_SCHEMA_VERSION } from '../../src-main/report/index.js';
import { CHART_BUCKETS, MAX_SERIES_LINES, parseDetail, readProbe } from '../../src-main/report/samples.js';
import { toRow } from '../../src-main/probes/index.js';
import { buildFixture, HOSTILE, type Fixture } from './report-fixture.js';

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const a of open.splice(0)) a.close();
});
function hostileModel() {
  const f: Fixture = buildFixture({ hostile: true });
  open.push(f.audit);
  return buildReportModel(f.audit, f.runId);
}

/** Every attribute value of every tag in the page. */
function attributes(html: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) for (const m of tag.matchAll(/\s([a-zA-Z:_-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) out.push([m[1]!.toLowerCase(), m[3] ?? m[4] ?? m[5] ?? '']);
  return out;
}

describe('renderers escape what came from the audit', () => {
  it('HTML: no hostile markup survives, no script at all, no event handlers', () => {
    const html = renderHtml(hostileModel());
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<svg[^>]*onload/i);
    expect(html).not.toMatch(/<b>bold/);
    const attrs = attributes(html);
    expect(attrs.filter(([k]) => k.startsWith('on'))).toEqual([]);
    // The hostile texts are there, as text.
    expect(html).toContain('&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&lt;svg onload=alert(4)&gt;');
  });

  it('HTML: self-contained — no external URL, stylesheet, font or script is referenced', () => {
    const html = renderHtml(hostileModel());
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    for (const [k, v] of attributes(html)) {
      expect(k === 'src' || k === 'srcset' || k === 'action', `attribute ${k}="${v}"`).toBe(false);
      if (k.endsWith('href')) expect(v.startsWith('#'), `${k}="${v}"`).toBe(true);
      expect(/^(https?:|\/\/|javascript:|file:)/i.test(v.trim()), `${k}="${v}"`).toBe(false);
      for (const u of v.matchAll(/url\(([^)]*)\)/g)) expect(u[1]!.replace(/['"]/g, '').startsWith('#'), `${k}: ${u[0]}`).toBe(true);
    }
    for (const u of html.matchAll(/url\(([^)]*)\)/g)) expect(u[1]!.replace(/['"]/g, '').startsWith('#'), u[0]).toBe(true);
  });

  it('Markdown: no raw HTML and no links can be smuggled in', () => {
    const md = renderMarkdown(hostileModel());
    expect(md).not.toMatch(/<script/i);
    expect(md).not.toMatch(/<img/i);
    expect(md).not.toMatch(/<svg/i);
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/); // only as `\](`, which CommonMark shows as text
    expect(md).not.toMatch(/(?<!\\)\]\(/); // every ] before a ( is escaped: no link can form
    expect(md).toContain('&lt;script&gt;alert("note")&lt;/script&gt;');
    expect(md).toContain('see \\[docs\\](javascript:alert(1))');
    // A hostile value cannot break a table row either: pipes are escaped.
    expect(md).toContain('looks fine &lt;img src=x onerror=alert(2)&gt; \\| pipe');
  });

  it('escMd neutralises block starts, emphasis and newlines', () => {
    expect(escMd('# title\n- item')).toBe('\\# title - item');
    expect(escMd('1. x')).toBe('1\\. x');
    expect(escMd('18.5s')).toBe('18.5s');
    expect(escMd('*a* _b_ `c` ~d~ !e')).toBe('\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\!e');
  });
});

describe('HTML charts', () => {
  it('renders one inline SVG chart per probe with the fault bands and phase lines', () => {
    const m = hostileModel();
    const html = renderHtml(m);
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(m.charts.length);
    expect(m.charts.length).toBe(2);
    for (const svg of svgs) {
      expect(svg).toContain('cut: network-partition');
      expect(svg).toContain('stall: process-pause');
      expect(svg).toContain('Failure injection');
      // The fault band's fill (markArea), as echarts writes it.
      expect(svg).toMatch(/fill="rgba?\(245,\s*158,\s*11/);
    }
    // The hostile series name reaches the legend as text only.
    expect(svgs[1]).toContain('&lt;script&gt;');
  });

  it('downsamples a long series to min/max per bucket, keeping the extremes', () => {
    const a = AuditStore.open(join(mkdtempSync(join(tmpdir(), 'gd-report-ds-')), 'a.sqlite'));
    open.push(a);
    a.createRun({ id: 'r', title: 't' });
    const t0 = 1_700_000_000_000;
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ tMs: t0 + i * 100, value: i === 12_345 ? 999 : i === 777 ? -50 : 10, healthy: i !== 12_345, detail: JSON.stringify({ series: 'n1', latencyMs: 1 }) }));
    a.addSamples('r', 'p', rows);
    const d = readProbe(a, 'r', 'p', { t0, from: t0, to: t0 + 2_000_000, intervalMs: 100, valueLabel: 'v' });
    expect(d.lines).toHaveLength(1);
    expect(d.lines[0]!.points.length).toBeLessThanOrEqual(2 * CHART_BUCKETS + 2);
    const ys = d.lines[0]!.points.map((p) => p[1]);
    expect(Math.max(...ys)).toBe(999);
    expect(Math.min(...ys)).toBe(-50);
    expect(d.lines[0]!.points.find((p) => p[1] === 999)![0]).toBe(12_345 * 100);
    expect(d.availabilityPct).toBeCloseTo((100 * 19_999) / 20_000, 9);
    expect(Math.max(...d.unhealthyPct.map((p) => p[1]))).toBeGreaterThan(0);
  });

  it('draws many series as a min/mean/max envelope', () => {
    const a = AuditStore.open(join(mkdtempSync(join(tmpdir(), 'gd-report-env-')), 'a.sqlite'));
    open.push(a);
    a.createRun({ id: 'r', title: 't' });
    const t0 = 1_700_000_000_000;
    const n = MAX_SERIES_LINES + 4;
    for (let s = 0; s < n; s++) a.addSamples('r', 'p', Array.from({ length: 50 }, (_, i) => ({ tMs: t0 + i * 1000, value: s, healthy: true, detail: JSON.stringify({ series: `n${s}`, latencyMs: 1 }) })));
    const d = readProbe(a, 'r', 'p', { t0, from: t0, to: t0 + 50_000, intervalMs: 1000, valueLabel: 'v' });
    expect(d).toMatchObject({ mode: 'envelope', seriesCount: n });
    expect(d.lines.map((l) => l.name)).toEqual(['max', 'mean', 'min']);
    expect(d.lines[0]!.points[0]![1]).toBe(n - 1);
    expect(d.lines[1]!.points[0]![1]).toBeCloseTo((n - 1) / 2);
    expect(d.lines[2]!.points[0]![1]).toBe(0);
  });
});

describe('sample detail', () => {
  it('reads series and latency in place exactly as JSON.parse would, falling back on odd input', () => {
    const cases = [
      toRow({ probeId: 'p', series: 'node-01', t: 1, value: 1, healthy: true, latencyMs: 12.5 }).detail!,
      toRow({ probeId: 'p', series: 'a "quoted" \\ name', t: 1, value: null, healthy: false, latencyMs: 400, error: 'timeout "series":"x"' }).detail!,
      toRow({ probeId: 'p', series: 'n', t: 1, value: null, healthy: false, latencyMs: 3, error: 'x' }).detail!,
      '{"latencyMs":7,"series":"late"}',
      '{"series":"only"}',
      'not json',
    ];
    for (const d of cases) {
      let want = { series: 'default', latencyMs: 0 };
      try {
        const j = JSON.parse(d) as { series?: string; latencyMs?: number };
        want = { series: j.series ?? 'default', latencyMs: j.latencyMs ?? 0 };
      } catch {
        /* the fallback */
      }
      expect(parseDetail(d), d).toEqual(want);
    }
  });
});

describe('JSON', () => {
  it('round-trips the model with a schema version and stable top-level keys', () => {
    const m = hostileModel();
    const text = renderJson(m);
    const back = JSON.parse(text) as typeof m;
    expect(back).toEqual(m);
    expect(back.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(Object.keys(back)).toEqual(['schemaVersion', 'generatedAt', 'run', 'runbook', 'outcome', 'summary', 'slos', 'availability', 'impactText', 'windows', 'unattributed', 'faults', 'timeline', 'notes', 'approvals', 'actionItems', 'lessons', 'score', 'trend', 'charts', 'marks', 'integrity', 'clockNote']);
    expect(text).toContain(JSON.stringify(HOSTILE.note).slice(1, -1));
  });
});
