/**
 * Public types of the embedded simulated lab: a fleet of simulated nodes reached over real SSH on
 * loopback, each with its own simulated tools, HTTP service and (for GPU nodes) simulated GPUs.
 */

/** What a node does in the simulated system; decides its service and how its /health behaves. */
export type SimRole = 'api' | 'db' | 'gpu' | 'bastion';

/** One simulated node to create. */
export interface SimNodeSpec {
  /** Inventory name ([A-Za-z0-9][A-Za-z0-9._-]*). */
  name: string;
  role: SimRole;
  /** Inventory tags; `lab` and `simulated` are always added. */
  tags?: string[];
  gpu?: 'amd' | 'nvidia' | 'none';
  /**
   * Kernel features this node pretends to lack (preflight's probes then say "no", and tc refuses the
   * qdisc), e.g. ['sch_netem'], to show what a preflight warning looks like.
   */
  kernelMissing?: string[];
  /** Simulated CPU count (stress-ng --cpu 0 means all of them). */
  cpus?: number;
}

/** A running simulated node. */
export interface SimNodeInfo {
  name: string;
  role: SimRole;
  tags: string[];
  gpu: 'amd' | 'nvidia' | 'none';
  /** Loopback address of the node (127.x.y.z on Linux; 127.0.0.1 where only that works). */
  host: string;
  sshPort: number;
  /** 8080 unless that port was taken (then the runbooks' {host}:8080 probes cannot reach it). */
  httpPort: number;
  /** The node's sandbox (its /run/gameday, data disk, home ...). */
  rootDir: string;
  /** The node's simulated-tool state files (iptables.json, tc.json, ...). */
  stateDir: string;
  /** Do its commands run in its own sandbox (bubblewrap), or unconfined (the fallback)? */
  confined: boolean;
}

export interface SimLabOptions {
  /** Workspace folder: keys, known_hosts, inventory.yaml and node sandboxes live here. */
  dir: string;
  /** Seed of every random choice (latency jitter, loss, failover time); default 1. */
  seed?: number;
  /** Nodes to simulate; default: the netns lab's layout (node01-05 + bastion), so shipped runbooks run. */
  nodes?: SimNodeSpec[];
}

export interface SimLab {
  /**
   * Are the nodes confined (bubblewrap: own namespaces and file view, never root on the host)? When
   * not, `warnings` says why, interactive shells are refused and commands run unconfined.
   */
  confined: boolean;
  inventoryPath: string;
  knownHostsPath: string;
  keyPath: string;
  nodes: SimNodeInfo[];
  /** Warnings worth showing (e.g. loopback aliases unavailable: one address, distinct ports). */
  warnings: string[];
  /** Stop servers, services and every process the simulated nodes started. Idempotent. */
  close(): Promise<void>;
}

export type SimLabErrorCode = 'BAD_DIR' | 'BAD_NODES' | 'NO_TOOLS' | 'LISTEN';

/** A typed failure to start the lab, with a hint for the person reading it. */
export class SimLabError extends Error {
  override readonly name = 'SimLabError';
  constructor(
    readonly code: SimLabErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Paths as the node's own processes see them. */
export interface NodeSight {
  /** The node's "/" for the mapped paths (layout.ts SANDBOXED): its sandbox folder, or / when confined. */
  root: string;
  state: string;
  home: string;
  tmp: string;
  bin: string;
  libexec: string;
  prelude: string;
  tools: string;
  /** The Node binary that runs the simulated tools. */
  node: string;
  /** Folder of the GPU simulators' commands, when shipped. */
  gpuBin: string | null;
}
