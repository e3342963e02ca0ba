import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AuditStore } from '../../audit/index.js';
import { buildReportModel, findRun, renderHtml, renderJson, renderMarkdown, renderPdf, ReportError } from '../../report/index.js';
import { CliError, EXIT } from '../exit-codes.js';
import { c } from '../output.js';
import { auditFile, workspaceDir } from '../workspace.js';

const FORMATS = ['md', 'html', 'json', 'pdf'] as const;
type Format = (typeof FORMATS)[number];
/** PDF needs a browser and takes a second or two, so it is opt-in (`--format pdf` or `all`). */
const DEFAULT_FORMATS: Format[] = ['md', 'html', 'json'];

function parseFormats(spec: string | undefined): Format[] {
  if (!spec) return DEFAULT_FORMATS;
  const out = new Set<Format>();
  for (const w of spec.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (w === 'all') FORMATS.forEach((f) => out.add(f));
    else if (w === 'markdown') out.add('md');
    else if ((FORMATS as readonly string[]).includes(w)) out.add(w as Format);
    else throw new CliError(`unknown report format "${w}"`, EXIT.INVALID_INPUT, `use one or more of ${FORMATS.join(', ')} (comma-separated), or all`);
  }
  return FORMATS.filter((f) => out.has(f));
}

/**
 * `gameday report [runId] --format md|html|pdf|json|all -o DIR`: the post-mortem of a run (the latest
 * when no id is given), built from the audit alone, written as DIR/<runId>.<ext> (DIR: the
 * workspace's reports folder by default); prints every path it wrote.
 */
export async function reportCommand(runId: string | undefined, o: { workspace?: string; format?: string; output?: string; json?: boolean; exact?: boolean }): Promise<number> {
  const formats = parseFormats(o.format);
  const audit = AuditStore.open(auditFile(workspaceDir(o.workspace)));
  try {
    let id: string;
    try {
      id = findRun(audit, runId).id;
    } catch (e) {
      if (e instanceof ReportError) throw new CliError(e.message, EXIT.INVALID_INPUT, e.hint);
      throw e;
    }
    const model = buildReportModel(audit, id, { exact: Boolean(o.exact) });
    // Never the current folder by surprise: the workspace's reports folder (the console's too) unless -o says otherwise.
    const dir = o.output ? resolve(o.output) : join(workspaceDir(o.workspace), 'reports');
    mkdirSync(dir, { recursive: true });
    const files: Partial<Record<Format, string>> = {};
    const write = (f: Format, content: string | Uint8Array) => {
      const path = join(dir, `${id}.${f}`);
      writeFileSync(path, content);
      files[f] = path;
      if (!o.json) process.stdout.write(`${path}\n`);
    };
    const html = formats.includes('html') || formats.includes('pdf') ? renderHtml(model) : '';
    if (formats.includes('md')) write('md', renderMarkdown(model));
    if (formats.includes('html')) write('html', html);
    if (formats.includes('json')) write('json', renderJson(model));
    if (formats.includes('pdf')) {
      try {
        write('pdf', await renderPdf(html));
      } catch (e) {
        throw new CliError(`could not print the PDF: ${(e as Error).message.split('\n')[0]}`, EXIT.FAILED, 'install chromium (apt-get install chromium) or point $GAMEDAY_CHROMIUM at a Chromium binary; the other formats were written');
      }
    }
    if (o.json) process.stdout.write(`${JSON.stringify({ runId: id, outcome: model.outcome, score: model.score.value, files })}\n`);
    else process.stdout.write(`${c.dim(`${model.outcome}, resilience score ${model.score.value}/100, ${model.actionItems.length} action item(s); ${model.integrity.text}`)}\n`);
    return EXIT.OK;
  } finally {
    audit.close();
  }
}
