/**
 * startSimLab: the embedded simulated fleet. Each node gets its own loopback address (127.x.y.z;
 * Linux routes all of 127/8 to lo), an SSH server on :2222 and an HTTP service on :8080 there,
 * behind its simulated firewall; a sandbox folder; simulated tools first on PATH. Where bubblewrap
 * is available every node is confined (sandbox/): its own namespaces and file view, never root on
 * the host. The console reaches it through the same SshPool/FaultManager path as real nodes, via
 * the inventory written into the workspace. Nothing here needs root or touches the host's network
 * configuration.
 */
import { randomBytes } from 'node:crypto';
import { realpathSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostKey, loadOrCreateKey, renderInventory, renderKnownHosts } from './files.js';
import { canBind, type Gate } from './gate.js';
import { loadGpuModel } from './gpu-metrics.js';
import { HealthModel } from './health.js';
import { startHttpNode } from './http-node.js';
import { bootNode, labIdOf, labLayout, sessionEnv, type SessionInfo } from './layout.js';
import { NodeView } from './node-view.js';
import { addressBase, between, checkNodes, DEFAULT_CPUS, DEFAULT_NODES, HTTP_PORT, nodeAddress, nodeTags, seededRandom, SSH_PORT } from './plan.js';
import { gpuSimBin, sharedDir, toolsDir } from './resources.js';
import { startRunners, type NodePlan } from './sandbox/confine.js';
import { startSshNode, type SshNode } from './ssh-node.js';
import { Supervisor, type SupervisedNode } from './supervisor.js';
import { DEFAULT_DISK } from './tools/lib/disk.mjs';
import { pidsWithEnvPrefix } from './tools/lib/procs.mjs';
import { SimLabError, type SimLab, type SimLabOptions, type SimNodeInfo } from './types.js';

/** Start on the preferred port; when another program holds it, take any free one (and say so). */
async function withFallback<T extends { port: number }>(start: (port: number) => Promise<T>, port: number, what: string, warnings: string[]): Promise<T> {
  try {
    return await start(port);
  } catch (e) {
    if (!(e instanceof SimLabError) || !/EADDRINUSE/.test(e.message)) throw e;
    const r = await start(0);
    warnings.push(`${what}: port ${port} is taken; using ${r.port}`);
    return r;
  }
}

/** Live processes any node of the lab in `dir` started (GAMEDAY_SIM_LAB in their environment), by host pid. */
export function labProcesses(dir: string): number[] {
  return pidsWithEnvPrefix('GAMEDAY_SIM_LAB', `${labIdOf(dir)}/`);
}

export async function startSimLab(opts: SimLabOptions): Promise<SimLab> {
  const specs = opts.nodes ?? DEFAULT_NODES;
  checkNodes(specs);
  const seed = opts.seed ?? 1;
  const lab = labLayout(opts.dir);
  const tools = toolsDir();
  const nodeBinary = process.execPath;
  const gpuBin = gpuSimBin();
  await loadGpuModel();
  const client = loadOrCreateKey(lab.clientKey, 'gameday-sim console');
  const warnings: string[] = [];
  const base = addressBase(realpathSync(opts.dir));
  const aliases = await canBind(`${base}.11`);
  if (!aliases) warnings.push(`this system cannot use loopback aliases like ${base}.11 (macOS routes only 127.0.0.1): every node is on 127.0.0.1 with its own ports, so runbook probes of http://{host}:8080 cannot reach them`);
  const labToken = randomBytes(6).toString('hex');
  // A previous run of this lab that was killed (kill -9, crash) left its nodes' processes: they are
  // this lab's own (their environment carries its id; older runs named its node folders), so they
  // go before the nodes reboot.
  for (const pid of [...labProcesses(opts.dir), ...pidsWithEnvPrefix('GAMEDAY_SIM_ROOT', `${lab.base}/nodes/`)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }

  const prepared = specs.map((spec, i) => {
    const host = aliases ? nodeAddress(base, spec, i) : '127.0.0.1';
    const layout = bootNode(lab, spec.name);
    const rand = seededRandom(seed, spec.name);
    const cpus = spec.cpus ?? DEFAULT_CPUS;
    const dataUsedKb = Math.round(DEFAULT_DISK.dataKb * between(rand, 0.3, 0.45));
    writeFileSync(`${layout.state}/node.json`, `${JSON.stringify({ name: spec.name, role: spec.role, cpus, kernelMissing: spec.kernelMissing ?? [], disk: { dataUsedKb } }, null, 1)}\n`);
    const token = `${labToken}-${spec.name}`;
    const gpu = spec.gpu ?? 'none';
    const session: Omit<SessionInfo, 'client' | 'sshPort'> = { name: spec.name, ip: host, gpu, token, labId: lab.id };
    const plan: NodePlan = {
      name: spec.name,
      layout,
      env: (sight) => {
        const e = sessionEnv(sight, { ...session, sshPort: 0, client: { ip: '127.0.0.1', port: 0 } });
        delete e.SSH_CONNECTION;
        return e;
      },
    };
    return { spec, host, layout, cpus, token, gpu, session, plan, rand, net: seededRandom(seed, `${spec.name}:net`) };
  });
  const labRunners = await startRunners(lab, prepared.map((p) => p.plan), { tools, shared: sharedDir(), nodeBinary, gpuSim: gpuBin ? dirname(gpuBin) : null, gpuBin });
  if (labRunners.reason) warnings.push(labRunners.reason);
  const nodesUp = prepared.map((p) => {
    const runner = labRunners.runners.get(p.spec.name)!;
    const view = new NodeView({ name: p.spec.name, role: p.spec.role, ip: p.host, cpus: p.cpus }, p.layout, runner.procs);
    return { ...p, runner, view, env: p.plan.env(runner.sight) };
  });
  const db = nodesUp.find((p) => p.spec.role === 'db')?.view ?? null;
  const dbPeer = nodesUp.find((p) => p.spec.role === 'api')?.view ?? null;
  const supervised: SupervisedNode[] = nodesUp.map((p) => ({ view: p.view, token: p.token, env: p.env, rand: p.rand, runner: p.runner, model: undefined as unknown as HealthModel }));
  const sup = new Supervisor(supervised);
  for (const [i, p] of nodesUp.entries()) {
    supervised[i]!.model = new HealthModel(p.view, { now: Date.now, rand: seededRandom(seed, `${p.spec.name}:health`), service: () => sup.service(supervised[i]!), db, dbPeer });
  }
  await sup.start();

  const ssh: SshNode[] = [];
  const http: Gate[] = [];
  const nodes: SimNodeInfo[] = [];
  const endpoints = new Set<string>();
  const hostPubs: string[] = [];
  const close = async () => {
    sup.stop();
    await Promise.all([...ssh.map((s) => s.close()), ...http.map((h) => h.close())]);
    await labRunners.dispose();
  };
  try {
    for (const [i, p] of nodesUp.entries()) {
      const key = hostKey(lab, p.spec.name);
      const s = await withFallback(
        (port) => startSshNode({
          runner: p.runner, unconfinedReason: labRunners.why, view: p.view, host: p.host, port, hostKey: key.private, clientKeyPub: client.public, rand: p.net,
          session: p.session,
          mayForward: (h, port2) => endpoints.has(`${h}:${port2}`),
          beforeExec: () => sup.refresh(p.spec.name),
        }),
        aliases ? SSH_PORT : 0, `${p.spec.name} ssh`, warnings,
      );
      ssh.push(s);
      const h = await withFallback((port) => startHttpNode({ host: p.host, port, view: p.view, model: supervised[i]!.model, service: () => sup.service(supervised[i]!), rand: p.net }), aliases ? HTTP_PORT : 0, `${p.spec.name} http`, warnings);
      http.push(h);
      endpoints.add(`${p.host}:${s.port}`);
      nodes.push({ name: p.spec.name, role: p.spec.role, tags: nodeTags(p.spec), gpu: p.gpu, host: p.host, sshPort: s.port, httpPort: h.port, rootDir: p.layout.root, stateDir: p.layout.state, confined: p.runner.confined });
      hostPubs.push(key.public);
    }
  } catch (e) {
    await close();
    throw e;
  }
  writeFileSync(lab.knownHosts, renderKnownHosts(nodes.map((n, i) => ({ host: n.host, port: n.sshPort, hostKeyPub: hostPubs[i]! }))));
  writeFileSync(lab.inventory, renderInventory(lab, nodes));
  let closed: Promise<void> | undefined;
  return {
    confined: labRunners.confined,
    inventoryPath: lab.inventory,
    knownHostsPath: lab.knownHosts,
    keyPath: lab.clientKey,
    nodes,
    warnings,
    close: () => (closed ??= close()),
  };
}
