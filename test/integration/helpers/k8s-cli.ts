/**
 * Driving `gameday` against the Kubernetes test server (test/k8s) as a user does: an inventory with
 * a kubernetes: section pointing at the server's kubeconfig, a runbook copied with the Service's
 * loopback address filled in, and the real CLI bundle in a child process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { K8sTestServer } from '../../k8s/server.js';
import { BIN, type CliProc, type CliResult } from './engine-cli.js';

export interface K8sWs {
  dir: string;
  ws: string;
  inventory: string;
}

/** A workspace and an inventory for the test server; `extra` merges into the inventory (SSH nodes). */
export function k8sWorkspace(srv: K8sTestServer, extra: Record<string, unknown> = { nodes: [] }, waitSeconds = 8): K8sWs {
  const dir = mkdtempSync(join(tmpdir(), 'gd-k8s-'));
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(inventory, stringify({ version: 1, ...extra, kubernetes: { kubeconfig: srv.kubeconfigPath, context: srv.contextName, namespace: 'shop', waitSeconds } }));
  return { dir, ws: join(dir, 'ws'), inventory };
}

/** Copy a runbook with `SERVICE_URL`, `HOLD`, … replaced (every key must occur: a no-op edit is a test bug). */
export function k8sRunbook(w: K8sWs, src: string, subs: Record<string, string>): string {
  let text = readFileSync(src, 'utf8');
  for (const [k, v] of Object.entries(subs)) {
    if (!text.includes(k)) throw new Error(`${src} has no ${k}`);
    text = text.split(k).join(v);
  }
  const out = join(w.dir, `rb-${Math.random().toString(36).slice(2, 8)}.yaml`);
  writeFileSync(out, text);
  return out;
}

export function startGameday(w: K8sWs, args: string[]): CliProc {
  const child = spawn('node', [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', GAMEDAY_INVENTORY: w.inventory, GAMEDAY_WORKSPACE: w.ws } });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
  return { child, done };
}

export function gameday(w: K8sWs, args: string[]): Promise<CliResult> {
  return startGameday(w, args).done;
}

/** Chaos objects this console labelled, straight from the server's store (not through our client). */
export function labelledChaos(srv: K8sTestServer): Array<{ kind: string; name: string; deleting: boolean; records: Array<{ id: string; phase: string }> }> {
  const kinds = ['NetworkChaos', 'StressChaos', 'PodChaos', 'IOChaos', 'DNSChaos', 'TimeChaos'];
  return kinds.flatMap((k) => srv.controls.list('chaos-mesh.org/v1alpha1', k))
    .filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'gameday-console')
    .map((o) => ({
      kind: o.kind, name: `${o.metadata.namespace}/${o.metadata.name}`, deleting: Boolean(o.metadata.deletionTimestamp),
      records: ((o as { status?: { experiment?: { containerRecords?: Array<{ id: string; phase: string }> } } }).status?.experiment?.containerRecords ?? []).map((r) => ({ id: r.id, phase: r.phase })),
    }));
}
