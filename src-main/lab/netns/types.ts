/**
 * Types shared by the netns lab: what `labUp` returns and saves as `<labdir>/lab.json`, and the one
 * error type every lab function throws for expected failures (not root, missing tool, bad options…).
 */

/** GPU vendor a node's simulators pretend to be (env GAMEDAY_LAB_GPU on the node). */
export type LabGpu = 'amd' | 'nvidia' | 'none';

/** Where a node sits: a plain node on the lab bridge, the bastion, or an inner node behind it. */
export type LabRole = 'node' | 'bastion' | 'inner';

/** One lab node: a network namespace with its own sshd and HTTP service. */
export interface LabNode {
  name: string;
  /** Network namespace name, `gd-<id>-<name>`. */
  ns: string;
  ip: string;
  sshPort: 22;
  httpPort: 8080;
  gpu: LabGpu;
  tags: string[];
  role: LabRole;
  /** True for inner nodes: reachable only through the bastion's sshd (ProxyJump). */
  behindBastion?: boolean;
}

/** A lab as `labUp` returns it and as `<labdir>/lab.json` stores it. */
export interface LabInfo {
  id: string;
  dir: string;
  /** `creating` until every node answers; a crash leaves `creating` behind for `labDown` to clean. */
  state: 'creating' | 'up';
  /** Main subnet, e.g. `10.251.3.0/24`. */
  subnet: string;
  /** Private subnet behind the bastion, e.g. `10.252.3.0/24` (only meaningful when there are inner nodes). */
  innerSubnet: string;
  hostIp: string;
  bridge: string;
  nodes: LabNode[];
  inventoryPath: string;
  knownHostsPath: string;
  keyPath: string;
  /** An ssh_config with a Host entry per node (and ProxyJump for inner nodes): `ssh -F <it> node01`. */
  sshConfigPath: string;
  /** Package root (see src-main/package) whose src-main/lab/gpu-sim/bin is on every node's PATH. */
  repoDir: string;
  createdAt: string;
  /** Wall time `labUp` took, filled when the lab is up. */
  bringUpMs?: number;
}

/** Options for `labUp`. */
export interface LabUpOptions {
  /** Plain nodes `node01..nodeNN` (1..MAX_NODES). */
  nodes: number;
  /** Lab id (exactly 5 of [a-z0-9]); random when omitted. */
  id?: string;
  /** Parent folder of the lab dir; default env GAMEDAY_LAB_DIR or /tmp/gameday-labs. */
  baseDir?: string;
  /** Add a `bastion` node (implied when `inner` > 0). */
  bastion?: boolean;
  /** Inner nodes `inner01..` on a private subnet reachable only through the bastion. */
  inner?: number;
}

/** Health of one node as `labStatus` sees it. */
export interface LabNodeStatus {
  name: string;
  ip: string;
  nsExists: boolean;
  sshdRunning: boolean;
  httpRunning: boolean;
}

/** What `labStatus`/`listLabs` report for one lab (or for namespaces left by a lab with no lab.json). */
export interface LabStatus {
  id: string;
  dir: string | null;
  /** `orphan`: namespaces `gd-<id>-*` exist but no lab.json was found. */
  state: 'creating' | 'up' | 'degraded' | 'orphan';
  subnet: string | null;
  nodes: LabNodeStatus[];
  /** Namespaces `gd-<id>-*` present on the host. */
  namespaces: string[];
}

/** Codes for expected lab failures; each comes with a hint saying what to do. */
export type LabErrorCode =
  | 'NOT_ROOT'
  | 'MISSING_TOOL'
  | 'BAD_OPTIONS'
  | 'NO_SUBNET'
  | 'COMMAND_FAILED'
  | 'NOT_FOUND'
  | 'TIMEOUT'
  | 'LOCKED';

/** An expected lab failure: a code, a plain message and a hint. */
export class LabError extends Error {
  override readonly name = 'LabError';
  constructor(
    readonly code: LabErrorCode,
    message: string,
    readonly hint: string = '',
  ) {
    super(hint ? `${message} (${hint})` : message);
  }
}
