/**
 * The node-side helpers STOP leans on, run by /bin/sh against real processes of this machine:
 * gd_ours (one `grep -z`, and the tr|grep pipe where grep has no -z), gd_pstate_live (no subshell),
 * and gd_pg_wait_gone (a KILLed group is seen gone; a live one is reported after its bound).
 * And the stress STOP snippets: cpu-stress and memory-pressure KILL at once, io-stress keeps the
 * TERM grace so stress-ng can remove its --hdd files.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import '../../src-main/faults/index.js';
import { script } from '../../src-main/faults/shell-lib.js';
import { getFault, resolveParams } from '../../src-main/faults/registry.js';
import { buildNodeStop } from '../../src-main/faults/stop-batch.js';
import { Shell } from '../../src-main/shell/index.js';

const kids: ChildProcess[] = [];
afterEach(() => {
  for (const k of kids.splice(0)) if (k.pid) spawnSync('kill', ['-KILL', '--', `-${k.pid}`]);
});

/** A process group of its own (leader sh + a sleep child), tagged like our stress-ng. */
function group(tag: string): number {
  const k = spawn('/bin/sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore', env: { ...process.env, GAMEDAY_FAULT: tag } });
  kids.push(k);
  return k.pid!;
}

function sh(lib: Parameters<typeof script>[0], body: string, env: NodeJS.ProcessEnv = process.env): { code: number | null; out: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync('/bin/sh', ['-c', script(lib, Shell.raw(body)).text], { encoding: 'utf8', env });
  return { code: r.status, out: r.stdout.trim(), ms: performance.now() - t0 };
}

describe('STOP helpers on real processes', () => {
  it('gd_ours tells our tag from another, with grep -z and with a grep that has no -z', () => {
    const pid = group('run-a:f-1');
    const check = (env?: NodeJS.ProcessEnv) => [
      sh(['gd_ours'], `gd_ours ${pid} run-a:f-1 && echo yes || echo no`, env).out,
      sh(['gd_ours'], `gd_ours ${pid} run-a:f-2 && echo yes || echo no`, env).out,
      sh(['gd_ours'], `gd_ours 999999999 run-a:f-1 && echo yes || echo no`, env).out,
    ];
    expect(check()).toEqual(['yes', 'no', 'no']);
    // A grep without -z (exit 2, as busybox builds without it answer): the pipe decides.
    const dir = mkdtempSync(join(tmpdir(), 'gd-nogrepz-'));
    try {
      writeFileSync(join(dir, 'grep'), '#!/bin/sh\nfor a; do case $a in -*z*) echo "grep: invalid option -- z" >&2; exit 2 ;; esac; done\nexec /bin/grep "$@"\n');
      chmodSync(join(dir, 'grep'), 0o755);
      expect(check({ ...process.env, PATH: `${dir}:${process.env.PATH}` })).toEqual(['yes', 'no', 'no']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gd_pstate_live: a live process yes, a missing pid no', () => {
    const pid = group('run-a:f-3');
    expect(sh(['gd_killpg'], `gd_pstate_live ${pid} && echo live || echo gone`).out).toBe('live');
    expect(sh(['gd_killpg'], `gd_pstate_live 999999999 && echo live || echo gone`).out).toBe('gone');
  });

  it('gd_pg_wait_gone: a KILLed group is gone (0); a group left alive is reported (1) after its bound', () => {
    const killed = group('run-a:f-4');
    const r = sh(['gd_pg_wait_gone'], `kill -s KILL -- -${killed}; gd_pg_wait_gone ${killed}; echo rc=$?`);
    expect(r.out).toBe('rc=0');
    const alive = group('run-a:f-5');
    const s = sh(['gd_pg_wait_gone'], `gd_pg_wait_gone ${alive}; echo rc=$?`);
    expect(s.out).toBe('rc=1');
    // Bounded: about 100 naps of 20 ms, never the 5 s TERM grace per fault.
    expect(s.ms).toBeLessThan(30_000);
  });

  it('gd_pg_wait_gone without pgrep -g (exit 2): the /proc walk decides, with the same answers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gd-nopgrep-'));
    try {
      writeFileSync(join(dir, 'pgrep'), '#!/bin/sh\necho "pgrep: unrecognized option: g" >&2\nexit 2\n');
      chmodSync(join(dir, 'pgrep'), 0o755);
      const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
      const killed = group('run-a:f-6');
      expect(sh(['gd_pg_wait_gone'], `kill -s KILL -- -${killed}; gd_pg_wait_gone ${killed}; echo rc=$?`, env).out).toBe('rc=0');
      const alive = group('run-a:f-7');
      expect(sh(['gd_pg_wait_gone'], `gd_pg_wait_gone ${alive}; echo rc=$?`, env).out).toBe('rc=1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stress STOP snippets', () => {
  const ctx = { runId: 'run-abc', faultId: 'f-1', node: { name: 'n1', host: 'n1', gpu: 'none' as const }, leaseTtlSec: 30, maxDurationSec: 600 };
  const stopOf = (kind: string, params: Record<string, unknown>) => {
    const mod = getFault(kind);
    return buildNodeStop([{ module: mod, params: resolveParams(mod, { params }), ctx }]).text;
  };

  it('cpu-stress and memory-pressure KILL the group at once and wait for it; io-stress keeps the TERM grace', () => {
    for (const [kind, params] of [
      ['cpu-stress', { workers: 1, loadPercent: 10 }],
      ['memory-pressure', { workers: 1, percent: 10 }],
    ] as const) {
      const t = stopOf(kind, params);
      expect(t, kind).toMatch(/kill -s KILL -- "-\$gd_s0_pg"/);
      expect(t, kind).toMatch(/gd_pg_wait_gone "\$gd_s0_pg"/);
      expect(t, kind).not.toMatch(/gd_killpg "\$gd_s0_pf"/);
    }
    const io = stopOf('io-stress', { workers: 1, mode: 'hdd', hddMb: 16, path: '/tmp' });
    expect(io).toMatch(/gd_killpg "\$gd_s0_pf"/);
    expect(io).not.toMatch(/kill -s KILL -- "-\$gd_s0_pg"/);
  });

  it('a lean batch raises its priority unless it runs in a standby; a generic one lowers a standby back', () => {
    const lean = stopOf('cpu-stress', { workers: 1, loadPercent: 10 });
    expect(lean).toContain('[ -n "${GD_STANDBY:-}" ] || renice -20 -p $$');
    const generic = stopOf('clock-skew', { offsetSec: 30 });
    expect(generic).toContain('[ -z "${GD_STANDBY:-}" ] || renice 0 -p $$');
    expect(generic).not.toContain('renice -20');
  });
});
