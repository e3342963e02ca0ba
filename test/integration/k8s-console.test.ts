/**
 * The console service (what the UI and the bridge drive) with Kubernetes targets (#15): a run
 * started through `run.start` resolves and preflights the cluster, and the console's STOP
 * (`run.stop`) takes the Chaos Mesh fault back — checked against the test server's ground truth.
 * A runbook whose cluster preflight fails is refused with PREFLIGHT_FAILED, nothing created.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandName, CommandReq, CommandRes, RunSnapshot } from '../../src-main/api/index.js';
import { consoleServiceOptions, createConsoleService, type ConsoleService } from '../../src-main/console/index.js';
import { allowAll } from '../k8s/rbac.js';
import { startK8sTestServer, type K8sTestServer } from '../k8s/server.js';
import { waitUntil } from './helpers/engine-cli.js';
import { k8sRunbook, k8sWorkspace, labelledChaos } from './helpers/k8s-cli.js';

const WHO = { role: 'commander' as const, transport: 'bridge' as const };
let srv: K8sTestServer;
let service: ConsoleService;
let runbook = '';
const call = <K extends CommandName>(name: K, req: CommandReq<K>): Promise<CommandRes<K>> => service.handle(name, req, WHO);

beforeAll(async () => {
  srv = await startK8sTestServer({ timings: { injectDelayMs: 100, recoverDelayMs: 100, retryMs: 300 } });
  const w = k8sWorkspace(srv);
  const scenariosDir = join(w.dir, 'scenarios');
  mkdirSync(scenariosDir);
  const src = k8sRunbook(w, join(process.cwd(), 'test/integration/fixtures/k8s-loss.yaml'), { SERVICE_URL: srv.controls.serviceUrl('shop', 'checkout'), HOLD: '60s' });
  runbook = 'k8s-loss.yaml';
  copyFileSync(src, join(scenariosDir, runbook));
  service = createConsoleService(consoleServiceOptions({ workspace: w.ws, inventory: w.inventory, scenariosDir }));
});
afterAll(async () => {
  await service?.dispose();
  await srv?.dispose();
});

describe('console service with Kubernetes targets', () => {
  it('RBAC denied: run.start is refused with PREFLIGHT_FAILED naming the verb; nothing created', async () => {
    srv.controls.setRbac({ allow: [{}], deny: [{ verbs: ['patch'], resources: ['networkchaos'] }] });
    const creates = srv.controls.requests({ verb: 'create', resource: 'networkchaos' }).length;
    await expect(call('run.start', { file: runbook, commander: 'Ana' })).rejects.toMatchObject({ code: 'PREFLIGHT_FAILED', message: expect.stringContaining('patch networkchaos.chaos-mesh.org in namespace shop') });
    expect(srv.controls.requests({ verb: 'create', resource: 'networkchaos' }).length).toBe(creates);
    srv.controls.setRbac(allowAll());
  });

  it('run.start → the partition holds on every checkout pod → run.stop reverts it; one verdict per pod', async () => {
    const t0 = Date.now();
    await call('run.start', { file: runbook, commander: 'Ana' });
    // The inject needs a second person (network-partition is high risk): approve it when asked.
    const snap = async () => (await call('run.snapshot', {})) as RunSnapshot | null;
    for (let i = 0; i < 100; i++) {
      const s = await snap();
      if (s?.steps.find((x) => x.id === 'cut')?.status === 'awaiting-approval') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await call('run.approve', { stepId: 'cut', approver: 'Dee' });
    const open = () => srv.controls.truth().faults.filter((f) => f.from >= t0 && f.to === undefined);
    await waitUntil('the partition on all three pods (ground truth)', () => open().length === 3, 30_000);
    const report = await call('run.stop', { reason: 'test STOP' });
    expect(report.clean).toBe(true);
    expect(report.nodes.map((n) => n.status)).toEqual(['reverted', 'reverted', 'reverted']);
    expect(report.nodes.map((n) => n.node).sort()).toEqual(srv.controls.truth().faults.filter((f) => f.from >= t0).map((f) => f.pod).sort());
    expect(open()).toEqual([]);
    expect(labelledChaos(srv)).toEqual([]);
  });
});
