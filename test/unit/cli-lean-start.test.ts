/**
 * The emergency path of the CLI loads only what it uses: `gameday stop` and `gameday --help` must
 * not pull in the fault engine, the audit (better-sqlite3), SSH (ssh2), schemas (zod), the report,
 * charts (echarts) or the UI server. Checked on the real esbuild bundle (code-split), by recording
 * every module Node loads (an ESM loader hook) and reading which sources each loaded chunk holds.
 * A positive control (`gameday faults`) shows the detector does see a heavy module when one loads.
 * No timing here: speed lives in `npm run bench`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { loadInventory, sharedSelector } from '../../src-main/inventory/index.js';
import { sharePool, type ConnectSpec, type FanOutOptions, type SshPool } from '../../src-main/ssh/index.js';

const REPO = process.cwd();
const OUT = join(REPO, 'out', `cli-lean-test-${process.pid}`);
const tmp = mkdtempSync(join(tmpdir(), 'gd-lean-'));
const HOOK = join(tmp, 'hook.mjs');

/** Records every URL Node's ESM loader loads (CommonJS packages show as their entry file). */
const HOOK_SRC = `import { register } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (m) => seen.push(m)); port1.unref();
register('data:text/javascript,' + encodeURIComponent('let p; export function initialize(d) { p = d.port } export async function load(u, c, n) { p.postMessage(u); return n(u, c) }'), import.meta.url, { data: { port: port2 }, transferList: [port2] });
process.on('exit', () => writeFileSync(process.env.GD_LOADED, seen.join('\\n')));
`;

interface Loaded {
  packages: string[];
  sources: string[];
  out: string;
}

function load(args: string[]): Loaded {
  const list = join(tmp, `loaded-${args.join('-').replace(/[^a-z-]/g, '')}.txt`);
  const r = spawnSync(process.execPath, ['--import', HOOK, join(OUT, 'gameday.mjs'), ...args], { env: { ...process.env, GD_LOADED: list, NO_COLOR: '1' }, encoding: 'utf8' });
  return loadedFrom(list, r.stdout + r.stderr);
}

/** The same, without blocking this process (a shared pool served from here must keep answering). */
function loadAsync(args: string[], env: Record<string, string> = {}): Promise<Loaded & { status: number | null }> {
  const list = join(tmp, `loaded-async-${Math.random().toString(36).slice(2)}.txt`);
  return new Promise((res) => {
    const p = spawn(process.execPath, ['--import', HOOK, join(OUT, 'gameday.mjs'), ...args], { env: { ...process.env, GD_LOADED: list, NO_COLOR: '1', ...env } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (status) => res({ ...loadedFrom(list, out), status }));
  });
}

function loadedFrom(list: string, out: string): Loaded {
  const urls = readFileSync(list, 'utf8').split('\n').filter(Boolean);
  const packages = [...new Set(urls.map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1]).filter((p): p is string => !!p))].sort();
  const sources = new Set<string>();
  for (const u of urls) {
    if (!u.startsWith(`file://${OUT}/`)) continue;
    for (const m of readFileSync(new URL(u), 'utf8').matchAll(/^\/\/ (src-main\/\S+\.ts)$/gm)) sources.add(m[1]!);
  }
  return { packages, sources: [...sources].sort(), out };
}

const HEAVY_PACKAGES = ['echarts', 'zod', 'better-sqlite3', 'ssh2', 'yaml', 'ws', 'playwright-core', '@kubernetes/client-node'];
const HEAVY_SOURCES = /^src-main\/(report|bridge|audit\/(?!errors\.ts)|faults|engine\/(fault-manager|stop-controller|run-session)|ssh\/pool|inventory|scenario|simlab)\b/;

beforeAll(() => {
  writeFileSync(HOOK, HOOK_SRC);
  execFileSync(process.execPath, [join(REPO, 'resources/build-cli.mjs')], { env: { ...process.env, GAMEDAY_CLI_OUTDIR: OUT } });
}, 60_000);
afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('the emergency CLI path is lean', () => {
  it('`gameday stop` loads no heavy package and no engine, audit, SSH or report module', () => {
    const ws = join(tmp, 'ws');
    const l = load(['stop', '--workspace', ws]);
    expect(l.out).toContain('no run is active');
    expect(l.packages.filter((p) => HEAVY_PACKAGES.includes(p))).toEqual([]);
    expect(l.sources.filter((s) => HEAVY_SOURCES.test(s))).toEqual([]);
    // It does load what it needs to reach a run: the control socket client.
    expect(l.sources).toContain('src-main/engine/control-socket.ts');
  });

  it('`gameday --help` loads no heavy package and no command module', () => {
    const l = load(['--help']);
    expect(l.out).toContain('Usage: gameday');
    expect(l.packages.filter((p) => HEAVY_PACKAGES.includes(p))).toEqual([]);
    expect(l.sources.filter((s) => HEAVY_SOURCES.test(s) || s.startsWith('src-main/cli/commands/'))).toEqual([]);
  });

  it('the detector sees heavy modules when a command does load them (`gameday faults`)', () => {
    const l = load(['faults']);
    expect(l.packages).toContain('zod');
    expect(l.sources.some((s) => s.startsWith('src-main/faults/'))).toBe(true);
  });

  it.each(['exec', 'inject', 'cleanup'])('`gameday %s` statically reaches no report, chart, UI-server or bridge module', (cmd) => {
    // Its chunk and every chunk it imports statically (lazy imports inside it stay lazy).
    const start = readdirSync(join(OUT, 'chunks')).find((f) => f.startsWith(`${cmd}-`) && f.endsWith('.mjs'));
    expect(start, `no chunk for ${cmd}`).toBeDefined();
    const seen = new Set<string>();
    const packages = new Set<string>();
    const sources = new Set<string>();
    const walk = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\/\/ (src-main\/\S+\.ts)$/gm)) sources.add(m[1]!);
      for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+"([^"]+)"|^import\s+"([^"]+)"/gms)) {
        const d = (m[1] ?? m[2])!;
        if (d.startsWith('.')) walk(join(dirname(file), d));
        else if (!d.startsWith('node:')) packages.add(d);
      }
    };
    walk(join(OUT, 'chunks', start!));
    expect([...packages].filter((p) => ['echarts', 'ws', 'playwright-core'].includes(p))).toEqual([]);
    // drill/ no longer reaches report/ (issue 13); its small clock/hint/score modules come with the one
    // run launcher that inject shares with run, so only report/ and bridge/ are refused here.
    expect([...sources].filter((x) => /^src-main\/(report|bridge)\//.test(x))).toEqual([]);
    expect([...sources].filter((x) => /^src-main\/drill\//.test(x) && !/\/(hints|rehearsal|score|controller|commands-used)\.ts$/.test(x))).toEqual([]);
    expect(sources.has(`src-main/cli/commands/${cmd}.ts`)).toBe(true);
  });
});

describe('`gameday exec` through a live console reads no inventory', () => {
  it('sends the raw selector to the live pool: no yaml, zod or ssh2, no inventory module; the console selected the nodes', async () => {
    const ws = join(tmp, 'ws-exec');
    mkdirSync(ws, { recursive: true });
    const file = join(ws, 'inventory.yaml');
    writeFileSync(file, 'version: 1\nnodes:\n  - {name: web1, host: 127.0.0.1, tags: [web]}\n  - {name: web22, host: 127.0.0.2, tags: [web]}\n  - {name: db1, host: 127.0.0.3}\n');
    // The live side: a real shared socket with the real selector of a loaded inventory; only the
    // SSH transport is replaced (each node echoes its name), which this test is not about.
    const asked: string[][] = [];
    const pool = {
      fanOut: async (specs: ConnectSpec[], _cmd: unknown, o: FanOutOptions) => {
        asked.push(specs.map((x) => `${x.name}@${x.host}`));
        for (const x of specs) o.onStdout?.(x.name, Buffer.from(`hello from ${x.name}\n`));
        return specs.map((x) => ({ node: x.name, ok: true, result: { code: 0, stdout: '', stderr: '', timedOut: false } }));
      },
    } as unknown as SshPool;
    const share = sharePool(pool, join(ws, 'control'), 'console-1', () => sharedSelector(loadInventory(file), file));
    try {
      const l = await loadAsync(['--inventory', file, 'exec', '--workspace', ws, 'tag:web', '--', 'hostname']);
      expect(l.status, l.out).toBe(0);
      expect(asked).toEqual([['web1@127.0.0.1', 'web22@127.0.0.2']]);
      // Same tags as with its own connections: names padded to the longest selected one.
      expect(l.out).toContain('web1  | hello from web1\n');
      expect(l.out).toContain('web22 | hello from web22\n');
      expect(l.out).toMatch(/through the open connections of console-1/);
      expect(l.packages.filter((p) => ['yaml', 'zod', 'ssh2', 'better-sqlite3'].includes(p))).toEqual([]);
      expect(l.sources.filter((x) => x.startsWith('src-main/inventory/') || x === 'src-main/cli/context.ts' || x === 'src-main/ssh/pool.ts')).toEqual([]);

      // A wrong selector: the console's answer, as what/why/hint and exit 3, still without yaml here.
      const bad = await loadAsync(['--inventory', file, 'exec', '--workspace', ws, 'group:nosuch', '--', 'hostname']);
      expect(bad.status, bad.out).toBe(3);
      expect(bad.out).toMatch(/selector "group:nosuch"/);
      expect(bad.out).toMatch(/hint|gameday inventory show/i);
      expect(bad.packages).not.toContain('yaml');
      expect(asked).toHaveLength(1);
    } finally {
      share.close();
    }
    // Control: with no live pool the same command reads the inventory itself (the detector sees yaml).
    const own = await loadAsync(['--inventory', file, 'exec', '--workspace', ws, 'group:nosuch', '--', 'hostname']);
    expect(own.status).toBe(3);
    expect(own.packages).toContain('yaml');
  });
});
