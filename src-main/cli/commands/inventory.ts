import { FACTS_SCRIPT, parseFacts, type NodeFacts } from '../../preflight/index.js';
import type { SshError } from '../../ssh/index.js';
import { c, table } from '../output.js';
import { EXIT } from '../exit-codes.js';
import { load, type GlobalOpts } from '../context.js';
import { sayRoute, workspacePool } from '../new-pool.js';
import { SharedPool, type Routed } from '../../ssh/index.js';

/** `gameday inventory show [SELECTOR]`: the nodes as the inventory resolves them (no network). */
export function inventoryShow(selector: string | undefined, opts: GlobalOpts): number {
  const l = load(opts);
  const targets = l.select(selector ?? 'all');
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ file: l.file, nodes: targets.map((t) => ({ ...t.node, connect: { ...t.spec, jump: t.spec.jump?.map((j) => j.name) } })) }, null, 2)}\n`);
    return EXIT.OK;
  }
  process.stdout.write(`${c.dim(l.file)}\n`);
  const rows = targets.map(({ node, spec }) => [
    node.name,
    `${spec.user}@${spec.host}:${spec.port}`,
    spec.jump?.length ? spec.jump.map((j) => j.name).join(' → ') : '-',
    node.env,
    node.gpu,
    node.tags.join(','),
  ]);
  process.stdout.write(`${table(['NODE', 'ADDRESS', 'JUMP', 'ENV', 'GPU', 'TAGS'], rows)}\n`);
  return EXIT.OK;
}

interface CheckRow {
  node: string;
  reachable: boolean;
  auth?: string;
  hostKey?: string;
  facts?: NodeFacts;
  error?: ReturnType<SshError['toJSON']>;
  ms: number;
}

/**
 * `gameday inventory check [SELECTOR]`: connect to each node and report reachability, the auth
 * method used, the host-key status, root/sudo, OS and the tools faults need. Exit 1 when any node
 * is unreachable or has no way to become root.
 */
export async function inventoryCheck(selector: string | undefined, opts: GlobalOpts): Promise<number> {
  const l = load(opts);
  const targets = l.select(selector ?? 'all');
  const pool = workspacePool(l.poolOptions(), opts.workspace);
  try {
    const rows: CheckRow[] = await Promise.all(
      targets.map(async ({ node, spec }): Promise<CheckRow> => {
        const t0 = Date.now();
        try {
          // Through a live pool the command and the connection facts come back in one answer; on
          // connections of our own the connection is made first: the clock offset excludes the handshake.
          const own = pool instanceof SharedPool ? undefined : await pool.connect(spec);
          const r: Routed = pool instanceof SharedPool ? await pool.execRouted(spec, FACTS_SCRIPT, { timeoutMs: 15_000 }, true) : { sentAt: Date.now(), result: await pool.exec(spec, FACTS_SCRIPT, { timeoutMs: 15_000 }), conn: own && { authMethod: own.authMethod, hostKey: own.hostKey } };
          const facts = parseFacts(r.result.stdout, r.sentAt, Date.now());
          return { node: node.name, reachable: true, auth: r.conn?.authMethod, hostKey: r.conn?.hostKey, facts, ms: Date.now() - t0 };
        } catch (e) {
          return { node: node.name, reachable: false, error: (e as SshError).toJSON?.() ?? { code: 'UNREACHABLE', message: String(e) }, ms: Date.now() - t0 };
        }
      }),
    );
    sayRoute(pool, opts.json);
    if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else printCheck(rows);
    return rows.every((r) => r.reachable && r.facts?.privilege !== 'none') ? EXIT.OK : EXIT.FAILED;
  } finally {
    await pool.dispose();
  }
}

function printCheck(rows: CheckRow[]): void {
  const yes = c.green('✓');
  const no = c.red('✗');
  const tool = (f: NodeFacts, names: string[]) => names.filter((n) => f.tools[n]).join(',') || c.dim('-');
  const out = rows.map((r) => {
    if (!r.reachable || !r.facts) return [r.node, no, c.red(r.error?.code ?? '?'), '', '', '', '', ''];
    const f = r.facts;
    return [
      r.node,
      yes,
      (r.auth ?? '?').replace(/publickey .*\//, 'key '),
      r.hostKey === 'match' ? 'known' : (r.hostKey ?? '?'),
      f.privilege === 'none' ? c.red('no root') : f.privilege,
      f.os,
      tool(f, ['tc', 'iptables', 'nft', 'stress-ng', 'systemctl']),
      tool(f, ['rocm-smi', 'amd-smi', 'nvidia-smi']),
    ];
  });
  process.stdout.write(`${table(['NODE', 'UP', 'AUTH', 'HOSTKEY', 'ROOT', 'OS', 'TOOLS', 'GPU TOOLS'], out)}\n`);
  for (const r of rows) if (r.error) process.stdout.write(`${no} ${r.node}: ${r.error.message}${r.error.hint ? `\n    hint: ${r.error.hint}` : ''}\n`);
  const up = rows.filter((r) => r.reachable).length;
  process.stdout.write(`${up}/${rows.length} reachable\n`);
}
