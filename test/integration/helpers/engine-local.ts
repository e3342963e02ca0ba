/**
 * A local rig for driving RunSession without root or a lab: the in-process ssh2 server
 * (test/helpers/ssh-server.ts, commands really run in /bin/sh here), an inventory of nodes that all
 * point at it, an AuditStore on a temp file, a pool whose beforeExec hook counts every command, and
 * a tiny HTTP health endpoint on 127.0.0.1:0 whose answer a test flips. Every event a session emits
 * is collected and checked against the API contract (engineEventSchema).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { AuditStore, auditExecHooks } from '../../../src-main/audit/index.js';
import { engineEventSchema, type EngineEvent } from '../../../src-main/api/index.js';
import { RunSession, type RunOptions } from '../../../src-main/engine/run-session.js';
import { loadInventory, type Inventory } from '../../../src-main/inventory/index.js';
import { parseScenario } from '../../../src-main/scenario/index.js';
import { SshPool } from '../../../src-main/ssh/index.js';
import { startTestServer, type TestServer } from '../../helpers/ssh-server.js';

/** A health endpoint whose state the test controls: `healthy = false` makes /health answer 503. */
export interface HealthServer {
  url: string;
  healthy: boolean;
  requests: number;
  close(): Promise<void>;
}

export async function startHealthServer(): Promise<HealthServer> {
  const state = { healthy: true, requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    const ok = state.healthy;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/health`,
    get healthy() {
      return state.healthy;
    },
    set healthy(v: boolean) {
      state.healthy = v;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** One session under test with everything it emitted. */
export interface Driven {
  session: RunSession;
  events: EngineEvent[];
  /** Events that failed engineEventSchema, with zod's message: a passing test has none. */
  invalid: Array<{ event: unknown; error: string }>;
  /** `run.state` events in order. */
  states(): string[];
  /** Resolves when `pred` holds for an emitted event (checked on every event, and on the ones already seen). */
  until(pred: (e: EngineEvent) => boolean, timeoutMs?: number): Promise<EngineEvent>;
}

export interface LocalRig {
  server: TestServer;
  dir: string;
  inventory: Inventory;
  audit: AuditStore;
  pool: SshPool;
  /** Every command the pool was asked to send, as `node: text`. */
  execs: string[];
  runId: string;
  /** A RunSession over `yaml` (parsed like a file on disk); events are collected and validated. */
  drive(yaml: string, o?: Partial<Omit<RunOptions, 'scenario' | 'inventory' | 'pool' | 'audit'>>): Driven;
  /** Audit rows of this rig's run (optionally of one kind, GLOB pattern). */
  auditKinds(kind?: string): Array<{ kind: string; actor: string | null; node: string | null; data: Record<string, unknown>; ts: string }>;
  close(): Promise<void>;
}

/** Default wait for `until`: generous, the machine is shared with other test runs. */
const UNTIL_MS = 10_000;
let seq = 0;

/**
 * startTestServer, retried: ssh2's generateKeyPairSync('ed25519') yields a key its own parseKey
 * rejects ("Malformed OpenSSH public key") about 1 time in 256 (mscdex/ssh2#1513: it strips a
 * leading zero byte of the public key), and the server makes two keys per start.
 */
async function startServer(): Promise<TestServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTestServer();
    } catch (e) {
      if (attempt >= 5 || !/Malformed OpenSSH public key/.test((e as Error).message)) throw e;
    }
  }
}

/** Nodes `n1..nN` all reached through the local ssh2 server. */
export async function localRig(nodes = 2): Promise<LocalRig> {
  const server = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'gd-engine-'));
  const invFile = join(dir, 'inventory.yaml');
  const names = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
  writeFileSync(
    invFile,
    [
      'version: 1',
      'ssh:',
      '  config: false',
      `  knownHosts: ${server.knownHostsFile}`,
      'defaults:',
      `  user: ${userInfo().username}`,
      `  port: ${server.port}`,
      `  identity: ${server.clientKeyFile}`,
      '  env: lab',
      'nodes:',
      ...names.map((n) => `  - { name: ${n}, host: 127.0.0.1, tags: [local] }`),
      '',
    ].join('\n'),
  );
  const inventory = loadInventory(invFile);
  const audit = AuditStore.open(join(dir, 'audit.sqlite'));
  const runId = `unit-${process.pid}-${++seq}`;
  const execs: string[] = [];
  const hooks = auditExecHooks(audit, { runId, actor: 'test' });
  const pool = new SshPool({
    beforeExec: (spec, cmd, opts) => {
      execs.push(`${spec.name}: ${cmd.text}`);
      return hooks.beforeExec!(spec, cmd, opts);
    },
    afterExec: hooks.afterExec,
  });
  const rig: LocalRig = {
    server,
    dir,
    inventory,
    audit,
    pool,
    execs,
    runId,
    drive(yaml, o = {}) {
      const { scenario } = parseScenario(yaml, join(dir, 'runbook.yaml'));
      const session = new RunSession({ scenario, scenarioFile: join(dir, 'runbook.yaml'), inventory, pool, audit, runId, commander: 'Ana', ...o });
      const events: EngineEvent[] = [];
      const invalid: Driven['invalid'] = [];
      const waiters = new Set<(e: EngineEvent) => void>();
      session.on('event', (e) => {
        const r = engineEventSchema.safeParse(e);
        if (!r.success) invalid.push({ event: e, error: r.error.message });
        events.push(e);
        for (const w of [...waiters]) w(e);
      });
      return {
        session,
        events,
        invalid,
        states: () => events.flatMap((e) => (e.type === 'run.state' ? [e.state] : [])),
        until(pred, timeoutMs = UNTIL_MS) {
          const seen = events.find(pred);
          if (seen) return Promise.resolve(seen);
          return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
              waiters.delete(w);
              reject(new Error(`no matching event within ${timeoutMs} ms; last: ${JSON.stringify(events.slice(-3))}`));
            }, timeoutMs);
            const w = (e: EngineEvent) => {
              if (!pred(e)) return;
              clearTimeout(timer);
              waiters.delete(w);
              resolve(e);
            };
            waiters.add(w);
          });
        },
      };
    },
    auditKinds(kind) {
      return audit.events({ runId, kind }).map((e) => ({ kind: e.kind, actor: e.actor, node: e.node, ts: e.ts, data: JSON.parse(e.data) as Record<string, unknown> }));
    },
    async close() {
      await pool.dispose();
      audit.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** The runbook head every unit runbook shares: one target over all local nodes. */
export function runbook(body: string, head = ''): string {
  return `version: 1
title: Engine unit runbook
hypothesis: The engine does what the runbook says.
environment: lab
leaseTtl: 30s
targets:
  all: { selector: "tag:local", maxNodes: 5 }
roles: { commander: Ana, observer: [Dee] }
${head}phases:
${body}`;
}
