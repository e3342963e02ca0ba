/**
 * The README's CLI section, as written, against the simulated lab `npm start` runs — in a fresh
 * clone, as root and as a normal user (no root, no sudo), each with their own HOME. The commands
 * are read from the README's code block, so the README and this test cannot drift: a new line
 * there is run here. Each must exit as the README says (0; `run` 0 or 1 by its SLOs; `console`
 * serves until Ctrl-C and then stops, every process of it), print no stack trace, and leave files
 * only where it says. (npx itself reports a Ctrl-C as an interrupt, so its status is not checked.)
 *
 * The netns labs other integration tests bring up are hidden (GAMEDAY_LAB_DIR points at an empty
 * folder): a user who only ran `npm start` has none, and the CLI must find the simulated lab.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { groupGone, groupMembers, makeClone, runAs, signalGroup, startAs, testUser, waitForOutput, type UserClone } from './helpers/user-clone.js';

const REPO = process.cwd();
const STACK = /\n\s+at .+:\d+:\d+\)?\n/;
const URL_LINE = /Commander \(full control\):\s+http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/;

/** The commands of the README's CLI block, comments stripped. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The CLI: `gameday`'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README: no ```sh block in "The CLI" section');
  return block.split('\n').map((l) => l.replace(/\s+#\s.*$/, '').trim()).filter((l) => l.startsWith('npx gameday'));
}

/** What the README promises about exit codes of that block (checked to be in the README below). */
const PROMISE = 'each of these exits 0, except `run`, which exits 0 or 1 by its SLOs (table below), and `console`, which serves until Ctrl-C';

function expected(cmd: string): 'zero' | 'slo' | 'serve' {
  if (/^npx gameday console\b/.test(cmd)) return 'serve';
  if (/^npx gameday run\b/.test(cmd) && !cmd.includes('--dry-run')) return 'slo';
  return 'zero';
}

beforeAll(() => {
  const b = spawnSync('node', ['resources/build-cli.mjs'], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`CLI build failed: ${b.stderr}`);
  if (!existsSync(join(REPO, 'out/renderer/index.html'))) {
    const ui = spawnSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { encoding: 'utf8' });
    if (ui.status !== 0) throw new Error(`UI build failed: ${ui.stderr}`);
  }
}, 300_000);

it('the README states what its CLI block exits with', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  expect(readme).toContain(PROMISE);
  expect(readmeCommands().length).toBeGreaterThan(10);
});

describe.each(['root', 'gdlab'])('README CLI block as %s', (userName) => {
  let clone: UserClone;
  let start: ReturnType<typeof startAs>;
  const noLabs = mkdtempSync('/tmp/gd-nolabs-');

  beforeAll(async () => {
    clone = makeClone(REPO, testUser(userName), { GAMEDAY_LAB_DIR: noLabs });
    start = startAs(clone, 'npm start');
    await waitForOutput(start, URL_LINE, 240_000);
  }, 300_000);

  afterAll(async () => {
    if (start) {
      signalGroup(start.child, 'SIGINT');
      let killed = false;
      const t = setTimeout(() => {
        killed = true;
        signalGroup(start.child, 'SIGKILL');
      }, 30_000);
      const r = await start.done;
      const gone = await groupGone(start.child.pid!, 30_000);
      clearTimeout(t);
      expect(killed || !gone, `npm start did not stop within 30 s of Ctrl-C:\n${r.out}\n${r.err}`).toBe(false);
      const records = join(clone.home, '.local/share/gameday/labs');
      expect(existsSync(records) ? readdirSync(records) : [], 'the simulated lab removes its record when it stops').toEqual([]);
    }
    for (const d of [clone?.dir, clone?.home, noLabs]) if (d) rmSync(d, { recursive: true, force: true });
  }, 60_000);

  it('npm start runs as this user (no root needed)', () => {
    const members = groupMembers(start.child.pid!);
    expect(members.length).toBeGreaterThan(1); // npm, the shell, the console
    // The simulated nodes' processes drop to `nobody` inside their sandbox when the user is root
    // (README: "Simulated nodes are sandboxed"); everything else runs as the user who started it.
    const nobody = clone.user.uid === 0 ? [65534] : [];
    expect([...new Set(members.map((m) => m.uid))].filter((u) => !nobody.includes(u))).toEqual([clone.user.uid]);
  });

  it('every command runs as written and exits as the README says', async () => {
    const ws = join(clone.home, '.local/share/gameday');
    const nodes = (parse(readFileSync(join(ws, 'simlab/inventory.yaml'), 'utf8')) as { nodes: Array<{ name: string }> }).nodes.map((n) => n.name);
    const before = new Set(readdirSync(clone.dir));
    const failures: string[] = [];
    let events: number | undefined;
    for (const cmd of readmeCommands()) {
      const want = expected(cmd);
      if (want === 'serve') {
        const p = startAs(clone, cmd);
        try {
          await waitForOutput(p, URL_LINE, 60_000);
        } catch (e) {
          failures.push(`${cmd}: ${(e as Error).message}`);
        }
        signalGroup(p.child, 'SIGINT');
        const r = await p.done;
        // npm re-raises the interrupt on itself at once; the console's own process is watched instead.
        const gone = await groupGone(p.child.pid!, 30_000);
        if (!gone) failures.push(`${cmd}: processes left 30 s after Ctrl-C`);
        if (!/stopping/.test(r.out) || STACK.test(`${r.out}\n${r.err}`)) failures.push(`${cmd}: no clean stop after Ctrl-C:\n${r.out}\n${r.err}`);
        continue;
      }
      const r = await runAs(clone, cmd, 300_000);
      const all = `${r.out}\n${r.err}`;
      if (r.timedOut) failures.push(`${cmd}: did not finish in 300 s`);
      if (STACK.test(all)) failures.push(`${cmd}: printed a stack trace:\n${all}`);
      if (want === 'zero' && r.code !== 0) failures.push(`${cmd}: exit ${r.code}, README says 0\n${all}`);
      if (want === 'slo') {
        const failed = /\bFAIL\b|✗|NOT every node clean/.test(r.out);
        if (r.code !== (failed ? 1 : 0)) failures.push(`${cmd}: exit ${r.code}, but its SLO table says ${failed ? 'a failure (1)' : 'all met (0)'}\n${all}`);
      }
      if (/ exec all uptime$/.test(cmd)) {
        const seen = [...r.out.matchAll(/^(\S+)\s+\| /gm)].map((m) => m[1]).sort();
        if (JSON.stringify(seen) !== JSON.stringify([...nodes].sort())) failures.push(`${cmd}: output from ${seen.join(',')}, the lab has ${nodes.join(',')}`);
      }
      if (/ audit verify$/.test(cmd)) events = Number(/(\d+) events, hash chain intact/.exec(r.out)?.[1]);
      if (/ audit export -o audit\.jsonl$/.test(cmd)) {
        const lines = readFileSync(join(clone.dir, 'audit.jsonl'), 'utf8').trim().split('\n').length;
        if (lines !== events) failures.push(`${cmd}: ${lines} lines, audit verify counted ${events} events`);
      }
      if (/ report\b/.test(cmd)) {
        const paths = r.out.split('\n').filter((l) => l.startsWith('/'));
        if (paths.length !== 4) failures.push(`${cmd}: printed ${paths.length} paths, --format all writes 4:\n${r.out}`);
        for (const p of paths) if (!p.startsWith(join(ws, 'reports/')) || !existsSync(p)) failures.push(`${cmd}: ${p} is not a file in the workspace's reports folder`);
      }
    }
    // Only what a command was told to write lands in the current folder (audit export -o audit.jsonl).
    const added = readdirSync(clone.dir).filter((f) => !before.has(f));
    expect(added).toEqual(['audit.jsonl']);
    expect(failures).toEqual([]);
  }, 1_200_000);
});
