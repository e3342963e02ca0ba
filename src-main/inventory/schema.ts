/**
 * The inventory file format (version 1) as one zod schema. Every object is strict: a misspelt field
 * is an error, not silently ignored, because a typo in `env: prod` or `jump:` changes what a game
 * day touches. Values that reach ssh or a shell (names, hosts, users) are restricted to characters
 * that can never be read as options or shell syntax.
 */
import { z } from 'zod';
import { kubernetesSectionSchema, type KubernetesSettings } from './k8s-settings.js';

/** Node, group and tag names: what selectors can spell unambiguously (no `,`, `:`, `!`, `*`). */
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Long enough for FQDN-like names, short enough to keep tables and audit lines readable. */
const MAX_NAME = 64;
/** Host names, IPv4, IPv6 (with %zone). No leading `-`, so a host can never become an ssh option. */
const HOST_RE = /^[A-Za-z0-9_.:%][A-Za-z0-9_.:%-]*$/;
/** DNS limit for a full host name. */
const MAX_HOST = 253;
/** POSIX portable user names (plus the trailing `$` of machine accounts). */
const USER_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*\$?$/;
/** Linux caps user names at 32; leave room for directory services. */
const MAX_USER = 64;
/** Paths: any printable text; control characters (newlines) would corrupt audit lines and prompts. */
const PATH_RE = /^[^\x00-\x1f\x7f]+$/;

export const ENVS = ['lab', 'staging', 'prod'] as const;
export const GPUS = ['amd', 'nvidia', 'none'] as const;

export const nameSchema = z.string().max(MAX_NAME, { error: `names are at most ${MAX_NAME} characters` })
  .regex(NAME_RE, { error: 'a name starts with a letter or digit and holds only letters, digits, ".", "_" and "-"' });
const hostSchema = z.string().max(MAX_HOST, { error: `host names are at most ${MAX_HOST} characters` })
  .regex(HOST_RE, { error: 'a host is a DNS name, an IP address or an ssh_config alias (no spaces, no leading "-")' });
const userSchema = z.string().max(MAX_USER, { error: `user names are at most ${MAX_USER} characters` })
  .regex(USER_RE, { error: 'a user name holds only letters, digits, ".", "_" and "-"' });
const portSchema = z.number({ error: 'a port is a number' }).int({ error: 'a port is a whole number' })
  .min(1, { error: 'port must be 1-65535' }).max(65_535, { error: 'port must be 1-65535' });
const pathSchema = z.string().min(1, { error: 'empty path' }).regex(PATH_RE, { error: 'paths cannot hold control characters' });
const pathList = z.union([pathSchema, z.array(pathSchema).min(1, { error: 'give at least one path' })], { error: 'expected a path or a list of paths' });
/** A jump hop: a node name or `user@host:port`; which one is checked after parsing (needs all names). */
const hopSchema = z.string().min(1).regex(/^[^\s,\x00-\x1f\x7f]+$/, { error: 'a jump hop has no spaces or commas; use a list for several hops' });
const envSchema = z.enum(ENVS, { error: `env must be one of ${ENVS.join(', ')}` });
const gpuSchema = z.enum(GPUS, { error: `gpu must be one of ${GPUS.join(', ')}` });
const tagsSchema = z.array(nameSchema, { error: 'tags is a list, e.g. [api, replica]' });

/** A whole number in [min, max], with a message that names the field. */
const intIn = (what: string, min: number, max: number) => z.number({ error: `${what} is a whole number` })
  .int({ error: `${what} is a whole number` }).min(min, { error: `${what} must be ${min}-${max}` }).max(max, { error: `${what} must be ${min}-${max}` });

const seconds = (what: string) => z.number({ error: `${what} is a number of seconds` }).positive({ error: `${what} must be > 0` })
  .max(3600, { error: `${what} is at most 3600 seconds` });

export const sshSectionSchema = z.strictObject({
  /** `false` disables merging ~/.ssh/config. */
  config: z.union([pathSchema, z.literal(false)], { error: 'config is a path or false' }).optional(),
  knownHosts: pathList.optional(),
  trustOnFirstUse: z.boolean({ error: 'trustOnFirstUse is true or false' }).default(false),
  // OpenSSH's MaxSessions defaults to 10 sessions per connection; 8 leaves room for the lease renewer.
  maxSessionsPerNode: intIn('maxSessionsPerNode', 1, 64).default(8),
  // sshd starts dropping unauthenticated connections above MaxStartups' first number (10).
  maxConcurrentHandshakes: intIn('maxConcurrentHandshakes', 1, 256).default(8),
  connectTimeout: seconds('connectTimeout').optional(),
  keepaliveInterval: intIn('keepaliveInterval (0 disables)', 0, 3600).optional(),
  keepaliveCountMax: intIn('keepaliveCountMax', 1, 100).optional(),
});

/** Fields a node may set; `defaults` takes the same ones except identity of a node's own. */
const nodeFields = {
  port: portSchema.optional(),
  user: userSchema.optional(),
  identity: pathList.optional(),
  env: envSchema.optional(),
  gpu: gpuSchema.optional(),
  tags: tagsSchema.optional(),
};

export const defaultsSchema = z.strictObject(nodeFields);

export const nodeSchema = z.strictObject({
  name: nameSchema,
  host: hostSchema,
  jump: z.union([hopSchema, z.array(hopSchema).min(1)], { error: 'jump is a node name, "user@host:port", or a list of them' }).optional(),
  ...nodeFields,
});

const selectorList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1, { error: 'a group needs at least one selector' })],
  { error: 'a group is a list of selectors, e.g. [node01, "tag:api"]' });

export const inventorySchema = z.strictObject({
  version: z.literal(1, { error: 'version must be 1' }),
  ssh: sshSectionSchema.optional(),
  defaults: defaultsSchema.optional(),
  nodes: z.array(nodeSchema, { error: 'nodes is a list' }),
  groups: z.record(z.string(), selectorList, { error: 'groups maps a group name to a list of selectors' }).optional(),
  /** A Kubernetes cluster driven through Chaos Mesh (inventory/k8s-settings.ts). */
  kubernetes: kubernetesSectionSchema.optional(),
}).refine((d) => d.nodes.length > 0 || d.kubernetes !== undefined, { message: 'an inventory needs at least one node (or a kubernetes: section and nodes: [])', path: ['nodes'] });

/** The document as written (what imports produce and stringifyInventory writes). */
export type InventoryDoc = z.input<typeof inventorySchema>;
/** The document after schema defaults. */
export type InventoryParsed = z.output<typeof inventorySchema>;
export type NodeDoc = z.input<typeof nodeSchema>;
export type Env = (typeof ENVS)[number];
export type Gpu = (typeof GPUS)[number];

/** One node after defaults, with paths made absolute. Port/user stay unset when the file leaves them to ssh_config. */
export interface InventoryNode {
  name: string;
  host: string;
  port?: number;
  user?: string;
  identityFiles: string[];
  /** Hops, first hop first: node names or `user@host:port` specs. */
  jump: string[];
  tags: string[];
  env: Env;
  gpu: Gpu;
}

/** Connection settings for the whole inventory, paths absolute. */
export interface InventorySsh {
  /** Absolute ssh_config path, or false when merging is disabled. */
  config: string | false;
  knownHosts: string[];
  trustOnFirstUse: boolean;
  maxSessionsPerNode: number;
  maxConcurrentHandshakes: number;
  connectTimeout?: number;
  keepaliveInterval?: number;
  keepaliveCountMax?: number;
}

/** A loaded, validated inventory. */
export interface Inventory {
  file: string;
  dir: string;
  ssh: InventorySsh;
  nodes: InventoryNode[];
  /** Group name → selector terms. */
  groups: Record<string, string[]>;
  /** The `kubernetes:` section, when the inventory has one. */
  kubernetes?: KubernetesSettings;
  /** Set when the file was not a gameday inventory (read.ts): what it was and what was left out of it. */
  source?: { format: 'ansible-ini' | 'ansible-yaml'; warnings: string[] };
}
