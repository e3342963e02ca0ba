/**
 * The real console on the embedded simulated lab, for e2e tests that need no root and no netns:
 * startSimLab (real SSH into simulated nodes), the ConsoleService marked simulated, behind the
 * real loopback bridge serving the built renderer — what `gameday console --sim` runs. A fresh
 * workspace per call, removed on close.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startBridge, type Bridge } from '../../../src-main/bridge/index.js';
import { consoleServiceOptions } from '../../../src-main/console/index.js';
import { createConsoleService, type ConsoleService } from '../../../src-main/console/console-service.js';
import { startSimLab, type SimLab } from '../../../src-main/lab/index.js';
import { RENDERER_DIR } from './console-server.js';

export interface SimConsole {
  sim: SimLab;
  service: ConsoleService;
  bridge: Bridge;
  workspace: string;
  close(): Promise<void>;
}

export async function startSimConsole(scenarios: string[]): Promise<SimConsole> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('the renderer is not built: run `npx electron-vite build` first');
  const workspace = mkdtempSync(join(tmpdir(), 'gd-e2e-sim-'));
  const scenariosDir = join(workspace, 'scenarios');
  mkdirSync(scenariosDir);
  for (const f of scenarios) copyFileSync(f, join(scenariosDir, basename(f)));
  const sim = await startSimLab({ dir: join(workspace, 'simlab') });
  const service = createConsoleService(consoleServiceOptions({ workspace, inventory: sim.inventoryPath, scenariosDir, simulated: true }));
  const bridge = await startBridge({ backend: service, rendererDir: RENDERER_DIR });
  return {
    sim,
    service,
    bridge,
    workspace,
    async close() {
      await bridge.close();
      await service.dispose();
      await sim.close();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}
