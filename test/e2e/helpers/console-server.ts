/**
 * The real console for e2e tests: the ConsoleService (the engine the desktop app and `gameday
 * console` run) against the netns lab's inventory, behind the real loopback bridge serving the
 * built renderer. A fresh workspace (audit file, reports) per call.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startBridge, type Bridge } from '../../../src-main/bridge/index.js';
import { consoleServiceOptions } from '../../../src-main/console/index.js';
import { createConsoleService, type ConsoleService } from '../../../src-main/console/console-service.js';
import type { LabInfo } from '../../../src-main/lab/index.js';

export const RENDERER_DIR = join(process.cwd(), 'out', 'renderer');
export const E2E_FIXTURES = join(process.cwd(), 'test', 'e2e', 'fixtures');

export interface TestConsole {
  service: ConsoleService;
  bridge: Bridge;
  workspace: string;
  scenariosDir: string;
  close(): Promise<void>;
}

export async function startTestConsole(lab: LabInfo, scenarios: string[]): Promise<TestConsole> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('the renderer is not built: run `npx electron-vite build` first');
  const workspace = mkdtempSync(join(tmpdir(), 'gd-e2e-ws-'));
  const scenariosDir = join(workspace, 'scenarios');
  mkdirSync(scenariosDir);
  for (const f of scenarios) copyFileSync(f, join(scenariosDir, basename(f)));
  const service = createConsoleService(consoleServiceOptions({ workspace, inventory: lab.inventoryPath, scenariosDir }));
  const bridge = await startBridge({ backend: service, rendererDir: RENDERER_DIR });
  return {
    service,
    bridge,
    workspace,
    scenariosDir,
    async close() {
      await bridge.close();
      await service.dispose();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}
