/**
 * The netns lab: N network namespaces on a Linux bridge, each a real SSH node (OpenSSH sshd, an HTTP
 * service, GPU simulators on PATH), optionally a bastion with inner nodes behind it. Integration tests,
 * benchmarks and `gameday lab up|down|status` use it. Needs root.
 *
 * Bring-up: one `ip -batch` creates every namespace, the bridge and the veths; a second one inside
 * the bastion builds the inner subnet; then node-up.sh runs for every node concurrently
 * (address, host key, sshd, HTTP service, wait until both listen). Host-side planning runs under a
 * host-wide lock so two labs started at once get different subnets.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../package/index.js';
import { labAssetIn } from '../assets.js';
import { assertRoot, assertTools, mapLimit, run } from './exec.js';
import { assertPlainPath, renderInventory, renderKnownHosts, renderSshConfig, renderSshdConfig, stateDir } from './files.js';
import { ensurePrivsepDir, ensureUsers, installSudoers, withHostLock } from './host.js';
import {
  bridgeName, HOST_OCTET, INNER_NET, MAIN_NET, nodeDir, normalizeOptions, nsPrefix, pickOctet, planNodes, usedOctets, vethName,
} from './plan.js';
import { labDown } from './down.js';
import { namespacesWithPrefix, saveLab, savedLabs } from './store.js';
import { LabError, type LabInfo, type LabUpOptions } from './types.js';

/**
 * Node bring-up scripts run at once. Each is mostly fork/exec plus one Node start (~0.1 s of CPU);
 * 8 keeps both cores busy without a 60-deep run queue slowing every sshd's start.
 */
const NODE_CONCURRENCY = 8;
/** Seconds node-up.sh waits for sshd and the HTTP service to listen (a loaded 2-core box needs a few). */
const NODE_WAIT_S = 60;
/** Host-side TCP check of each node's sshd: total time and retry gap. */
const HOST_CHECK_MS = 10_000;
const HOST_CHECK_RETRY_MS = 50;

/** Third octets in use: host routes and addresses, plus labs saved on disk (a lab mid-creation has no route yet). */
async function takenOctets(baseDir: string): Promise<Set<number>> {
  const routes = await run('ip', ['-4', '-o', 'route', 'show', 'table', 'all']);
  const addrs = await run('ip', ['-4', '-o', 'addr', 'show']);
  const saved = [...savedLabs(baseDir), ...savedLabs()].map((l) => `${l.subnet} ${l.innerSubnet}`).join('\n');
  return usedOctets(`${routes.stdout}\n${addrs.stdout}\n${saved}`);
}

/** Namespaces, bridge and veths on the host, and the bastion's private bridge with the inner nodes' veths. */
async function createNetwork(info: LabInfo): Promise<void> {
  const hostLines: string[] = info.nodes.map((n) => `netns add ${n.ns}`);
  hostLines.push(`link add ${info.bridge} type bridge`, `link set ${info.bridge} up`, `addr add ${info.hostIp}/24 dev ${info.bridge}`);
  info.nodes.forEach((n, i) => {
    if (n.behindBastion) return;
    const veth = vethName(info.id, n, i);
    hostLines.push(`link add ${veth} type veth peer name eth0 netns ${n.ns}`, `link set ${veth} master ${info.bridge} up`);
  });
  const inner = info.nodes.filter((n) => n.behindBastion);
  if (inner.length > 0) {
    // No route to the inner subnet on the host would send those packets out the default route; an
    // `unreachable` route makes the host fail them locally instead ("No route to host").
    hostLines.push(`route add unreachable ${info.innerSubnet}`);
  }
  await run('ip', ['-batch', '-'], { input: `${hostLines.join('\n')}\n` });
  if (inner.length === 0) return;

  const bastion = info.nodes.find((n) => n.role === 'bastion');
  if (!bastion) throw new LabError('BAD_OPTIONS', 'inner nodes need a bastion');
  const gw = `${info.innerSubnet.replace(/\.0\/24$/, '')}.${HOST_OCTET}`;
  // Names here live inside the bastion's namespace, so they need no lab id.
  const lines = ['link add ibr0 type bridge', 'link set ibr0 up', `addr add ${gw}/24 dev ibr0`];
  inner.forEach((n, k) => lines.push(`link add in${k + 1} type veth peer name eth0 netns ${n.ns}`, `link set in${k + 1} master ibr0 up`));
  await run('ip', ['-n', bastion.ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

/** Lab key, authorized_keys, node folders and sshd configs. */
async function writeLabFiles(info: LabInfo): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `gameday-lab-${info.id}`, '-f', info.keyPath]);
  chmodSync(info.keyPath, 0o600);
  // Read by sshd as the logging-in user (gdlab, gdnosudo too), hence world-readable.
  writeFileSync(join(info.dir, 'authorized_keys'), readFileSync(`${info.keyPath}.pub`), { mode: 0o644 });
  // Mount point of every node's private data tmpfs (see node-up.sh); the host side stays an empty dir.
  mkdirSync('/var/lib/gameday-lab/data', { recursive: true });
  for (const n of info.nodes) {
    const dir = nodeDir(info.dir, n.name);
    mkdirSync(stateDir(info.dir, n.name), { recursive: true });
    chmodSync(dir, 0o755);
    // Simulators run as whichever user logged in (gdlab without sudo too), like /tmp: sticky, writable.
    chmodSync(stateDir(info.dir, n.name), 0o1777);
    // The node's own home (HOME in every session); shared by the lab users, so sticky like /tmp.
    mkdirSync(join(dir, 'home'), { recursive: true, mode: 0o1777 });
    chmodSync(join(dir, 'home'), 0o1777);
    writeFileSync(join(dir, 'sshd_config'), renderSshdConfig(info, n));
  }
}

async function startNodes(info: LabInfo): Promise<void> {
  const script = labAssetIn(info.repoDir, 'netns', 'node-up.sh');
  const httpSvc = labAssetIn(info.repoDir, 'netns', 'http-service.mjs');
  await mapLimit(info.nodes, NODE_CONCURRENCY, (n) =>
    run('bash', [script], {
      timeoutMs: (NODE_WAIT_S + 30) * 1000,
      env: {
        ...process.env,
        GD_NS: n.ns, GD_NAME: n.name, GD_IP: n.ip, GD_DIR: nodeDir(info.dir, n.name),
        GD_NODE_BIN: process.execPath, GD_HTTP_SVC: httpSvc, GD_WAIT_S: String(NODE_WAIT_S),
      },
    }),
  );
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = connect({ host, port });
    const done = (ok: boolean) => { sock.destroy(); res(ok); };
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
    sock.setTimeout(1000, () => done(false));
  });
}

/** From the host, every node on the bridge must accept TCP on port 22 (proves the bridge path too). */
async function checkFromHost(info: LabInfo): Promise<void> {
  const deadline = Date.now() + HOST_CHECK_MS;
  await Promise.all(info.nodes.filter((n) => !n.behindBastion).map(async (n) => {
    while (!(await tcpOpen(n.ip, n.sshPort))) {
      if (Date.now() > deadline) throw new LabError('TIMEOUT', `${n.name} (${n.ip}:22) does not accept TCP from the host`);
      await new Promise((r) => setTimeout(r, HOST_CHECK_RETRY_MS));
    }
  }));
}

function writeClientFiles(info: LabInfo): void {
  const entries = info.nodes.map((n) => ({ ip: n.ip, hostKeyPub: readFileSync(join(nodeDir(info.dir, n.name), 'ssh_host_ed25519_key.pub'), 'utf8') }));
  writeFileSync(info.knownHostsPath, renderKnownHosts(entries), { mode: 0o644 });
  writeFileSync(info.inventoryPath, renderInventory(info));
  writeFileSync(info.sshConfigPath, renderSshConfig(info));
}

/** Bring a lab up and return it once every sshd and HTTP service answers. On failure the partial lab is removed. */
export async function labUp(opts: LabUpOptions): Promise<LabInfo> {
  const started = performance.now();
  assertRoot();
  assertTools();
  const o = normalizeOptions(opts);
  const repoDir = packageRoot();
  const baseDir = resolve(o.baseDir);
  assertPlainPath('lab base dir', baseDir);
  assertPlainPath('repository dir', repoDir);
  const dir = join(baseDir, o.id);
  if (existsSync(dir) || (await namespacesWithPrefix(nsPrefix(o.id))).length > 0) {
    throw new LabError('BAD_OPTIONS', `lab ${o.id} already exists`, `take it down first: gameday lab down ${o.id}`);
  }

  const info = await withHostLock(async () => {
    await ensureUsers();
    ensurePrivsepDir();
    await installSudoers(repoDir);
    const octet = pickOctet(await takenOctets(baseDir));
    const lab: LabInfo = {
      id: o.id, dir, state: 'creating',
      subnet: `${MAIN_NET}.${octet}.0/24`, innerSubnet: `${INNER_NET}.${octet}.0/24`,
      hostIp: `${MAIN_NET}.${octet}.${HOST_OCTET}`, bridge: bridgeName(o.id),
      nodes: planNodes(o.id, octet, o.nodes, o.bastion, o.inner),
      inventoryPath: join(dir, 'inventory.yaml'), knownHostsPath: join(dir, 'known_hosts'),
      keyPath: join(dir, 'id_ed25519'), sshConfigPath: join(dir, 'ssh_config'),
      repoDir, createdAt: new Date().toISOString(),
    };
    mkdirSync(dir, { recursive: true });
    chmodSync(baseDir, 0o755);
    chmodSync(dir, 0o755);
    // Saved before anything is created, so a crash from here on leaves enough for labDown.
    saveLab(lab);
    try {
      await createNetwork(lab);
    } catch (err) {
      await labDown(lab).catch(() => undefined);
      throw err;
    }
    return lab;
  });

  try {
    await writeLabFiles(info);
    await startNodes(info);
    await checkFromHost(info);
    writeClientFiles(info);
    info.state = 'up';
    info.bringUpMs = Math.round(performance.now() - started);
    saveLab(info);
    return info;
  } catch (err) {
    await labDown(info).catch(() => undefined);
    throw err;
  }
}
