/**
 * Before the first inject: {host} is the address SSH resolved, and the probes must be steady.
 *
 * An inventory whose node is an ssh_config alias (`web1`, HostName 127.0.0.1) — the probe's {host}
 * must be 127.0.0.1 (it used to be `web1`: every sample failed with ENOTFOUND and the run still
 * exited 0). A probe that cannot see the service at baseline stops the run before anything is
 * injected: exit 4, the probe's last error and a hint, no fault row, no command sent (the pool's own
 * record of every exec), and the inject step never started. `gameday validate --inventory` warns
 * about such a template.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { loadInventory, probeHosts, type Inventory } from '../../src-main/inventory/index.js';
import { checkScenario } from '../../src-main/scenario/index.js';
import type { RunOptions } from '../../src-main/engine/run-session.js';
import { localRig, runbook, startHealthServer, type HealthServer, type LocalRig } from '../integration/helpers/engine-local.js';

let rig: LocalRig;
let http: HealthServer;
let inventory: Inventory;
let port: number;
beforeEach(async () => {
  rig = await localRig(1);
  http = await startHealthServer();
  port = Number(new URL(http.url).port);
  // web1 is an alias only ssh_config knows.
  writeFileSync(join(rig.dir, 'ssh_config'), `Host web1\n  HostName 127.0.0.1\n  Port ${rig.server.port}\n`);
  writeFileSync(
    join(rig.dir, 'alias-inventory.yaml'),
    ['version: 1', 'ssh:', `  config: ${join(rig.dir, 'ssh_config')}`, `  knownHosts: ${rig.server.knownHostsFile}`, 'defaults:', `  user: ${userInfo().username}`, `  identity: ${rig.server.clientKeyFile}`, '  env: lab', 'nodes:', '  - { name: web1, host: web1, tags: [local] }', ''].join('\n'),
  );
  inventory = loadInventory(join(rig.dir, 'alias-inventory.yaml'));
});
afterEach(async () => {
  await http.close();
  await rig.close();
});

/** Drive a session over the alias inventory (the rig's own is all 127.0.0.1). */
const drive = (yaml: string) => rig.drive(yaml, { inventory } as Partial<RunOptions>);

describe('{host} in probe templates', () => {
  it('is the address SSH resolved for an ssh_config alias, not the alias', async () => {
    const d = drive(
      runbook(
        `  - id: p
    title: P
    steps:
      - { id: up, kind: assert, probe: svc, expect: healthy, within: 5s }
`,
        `probes:\n  - { id: svc, kind: http, target: all, url: "http://{host}:${port}/health", interval: 100ms, timeout: 80ms }\n`,
      ),
    );
    const out = await d.session.run();
    expect(out).toMatchObject({ state: 'completed', exitCode: 0 });
    expect(http.requests).toBeGreaterThan(0); // the service itself saw the probe
    const probe = d.session.snapshot().probes.find((p) => p.id === 'svc')!;
    expect(probe.healthy).toEqual({ web1: true }); // the series is still named by the inventory name
  });

  it('validate warns when a node’s {host} does not resolve, naming the node and the address', async () => {
    const yaml = runbook(`  - id: p\n    title: P\n    steps:\n      - { id: w, kind: wait, duration: 1s }\n`, `probes:\n  - { id: svc, kind: http, target: all, url: "http://{host}:${port}/health", interval: 1s, timeout: 500ms }\n`);
    // Resolvable (HostName 127.0.0.1): no warning.
    expect(checkScenario(yaml, 'x.yaml', { inventory, probeHosts: await probeHosts(inventory) }).problems.filter((p) => p.path === 'probes[0].url')).toEqual([]);
    writeFileSync(join(rig.dir, 'ssh_config'), `Host web1\n  HostName web1.does-not-resolve.invalid\n`);
    const inv = loadInventory(join(rig.dir, 'alias-inventory.yaml'));
    const hosts = await probeHosts(inv);
    expect(hosts.get('web1')).toMatchObject({ host: 'web1.does-not-resolve.invalid', error: expect.any(String) });
    const r = checkScenario(yaml, 'x.yaml', { inventory: inv, probeHosts: hosts });
    const w = r.problems.filter((p) => p.path === 'probes[0].url');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ severity: 'warning' });
    expect(w[0]!.message).toContain('web1 → web1.does-not-resolve.invalid');
    expect(w[0]!.hint).toMatch(/\{host\} is the address SSH connects to/);
  });
});

describe('steady state before the first inject', () => {
  it('a probe that never sees the service at baseline stops the run: exit 4, nothing injected', async () => {
    const d = drive(
      runbook(
        `  - id: p
    title: P
    steps:
      - { id: cut, kind: inject, fault: dependency-block, target: all, params: { host: 127.0.0.1, port: 6432 } }
      - { id: undo, kind: revert, step: cut }
`,
        `steadyState: { samples: 3, within: 2s }\nprobes:\n  - { id: svc, kind: http, target: all, url: "http://{name}:${port}/health", interval: 100ms, timeout: 80ms }\n`,
      ),
    );
    const out = await d.session.run();
    expect(out.exitCode).toBe(4);
    expect(out.state).toBe('failed');
    const log = d.events.filter((e) => e.type === 'log' && e.level === 'error').map((e) => (e as { message: string }).message).join('\n');
    expect(log).toContain(`steady state not reached before the first inject: probe svc (web1, http://{name}:${port}/health)`);
    expect(log).toMatch(/last error: host name not found/); // the probe's own error
    expect(log).toMatch(/Nothing was injected/);
    expect(log).toMatch(/Hint: .*\{host\} is the address SSH resolved/);
    // The outcome (what `gameday run --json` prints) carries the same text.
    expect(out.failure).toBe(log);
    // Nothing was sent and nothing recorded as possibly in effect; the inject step never started.
    expect(rig.execs.filter((x) => /iptables|gameday-lease|watchdog/.test(x))).toEqual([]);
    expect(rig.audit.runFaults(rig.runId)).toEqual([]);
    expect(rig.auditKinds('step.started').map((e) => e.data.stepId)).toEqual([]);
    expect(rig.auditKinds('steady-state.failed')).toHaveLength(1);
    expect(d.session.view('cut').status).toBe('pending');
    expect(d.invalid).toEqual([]);
  });
});
