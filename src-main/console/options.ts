import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../package/index.js';
import { reportService, type PdfPrinter } from '../report/index.js';
import type { ConsoleServiceOptions } from './console-service.js';
import { findInventory } from './inventory-choice.js';
import { auditFile, newRunId, workspaceDir } from './workspace.js';

/**
 * Options for the console service, shared by `gameday console` and the Electron app so both run
 * the same engine the same way. `inventory` falls back like every other command (flag, env,
 * ./inventory.yaml, the one lab that is up); none is fine — the UI says so.
 */
export function consoleServiceOptions(o: { workspace?: string; inventory?: string; scenariosDir?: string; pdfPrinter?: PdfPrinter; simulated?: boolean }): ConsoleServiceOptions {
  const root = packageRoot();
  const ws = workspaceDir(o.workspace);
  let inventory: string | undefined;
  try {
    inventory = findInventory({ inventory: o.inventory, workspace: o.workspace });
  } catch (e) {
    if (o.inventory) throw e;
  }
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return { workspace: ws, auditFile: auditFile(ws), inventory, scenariosDir: resolve(o.scenariosDir ?? join(root, 'scenarios')), version, newRunId: () => newRunId(), reports: reportService(o.pdfPrinter), simulated: o.simulated };
}
