import { afterAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportCommand } from '../../src-main/cli/commands/report.js';
import { CliError } from '../../src-main/cli/exit-codes.js';
import { buildReportModel, renderHtml, renderMarkdown, renderPdf, REPORT_SCHEMA_VERSION } from '../../src-main/report/index.js';
import { buildFixture } from './report-fixture.js';

// The sample report a person looks at: a realistic (not hostile) game day.
const f = buildFixture();
afterAll(() => f.audit.close());
const OUT = join(process.cwd(), 'test-results');

describe('PDF through Chromium', () => {
  it('prints an A4 PDF whose text holds the title and the SLO table', async () => {
    const m = buildReportModel(f.audit, f.runId);
    const html = renderHtml(m);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'report-sample.html'), html);
    writeFileSync(join(OUT, 'report-sample.md'), renderMarkdown(m));
    const pdf = await renderPdf(html);
    const file = join(OUT, 'report-sample.pdf');
    writeFileSync(file, pdf);
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(info).toMatch(/Page size:.*\(A4\)/);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Database replica failover under partition');
    expect(text).toMatch(/SLO\s+Target\s+Measured\s+Verdict/);
    expect(text).toMatch(/availability:api-health\s+≥ 99\.00%\s+73\.57%\s+FAIL/);
    expect(text).toContain('tamper-evident');
    expect(text).toMatch(/page 1 of \d+/);
  }, 60_000);

  it('uses an injected printer instead of Chromium (Electron printToPDF)', async () => {
    const printer = vi.fn(async (html: string) => new TextEncoder().encode(`PDF of ${html.length} chars`));
    const out = await renderPdf('<p>x</p>', printer);
    expect(printer).toHaveBeenCalledWith('<p>x</p>');
    expect(new TextDecoder().decode(out)).toBe('PDF of 8 chars');
  });
});

describe('gameday report', () => {
  const capture = async (fn: () => Promise<number>) => {
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
    try {
      return { code: await fn(), out: chunks.join('') };
    } finally {
      spy.mockRestore();
    }
  };

  it('writes md, html and json of the latest run by default and prints their paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-report-cli-'));
    const { code, out } = await capture(() => reportCommand(undefined, { workspace: f.dir, output: dir }));
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([`${f.runId}.html`, `${f.runId}.json`, `${f.runId}.md`]);
    for (const ext of ['md', 'html', 'json']) expect(out).toContain(join(dir, `${f.runId}.${ext}`));
    expect(JSON.parse(readFileSync(join(dir, `${f.runId}.json`), 'utf8'))).toMatchObject({ schemaVersion: REPORT_SCHEMA_VERSION, run: { id: f.runId } });
  });

  it('writes one format for a named run, with --json output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-report-cli-'));
    const { code, out } = await capture(() => reportCommand(f.earlierRunId, { workspace: f.dir, output: dir, format: 'md', json: true }));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ runId: f.earlierRunId, outcome: 'passed', files: { md: join(dir, `${f.earlierRunId}.md`) } });
    expect(existsSync(join(dir, `${f.earlierRunId}.html`))).toBe(false);
  });

  it('refuses an unknown format or run with a hint', async () => {
    await expect(reportCommand(undefined, { workspace: f.dir, format: 'docx' })).rejects.toBeInstanceOf(CliError);
    await expect(reportCommand('run-nope', { workspace: f.dir, output: mkdtempSync(join(tmpdir(), 'gd-report-cli-')) })).rejects.toMatchObject({ message: 'no run run-nope in the audit', hint: expect.stringContaining(f.runId) });
  });
});
