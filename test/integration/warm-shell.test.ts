/**
 * Warm shells for the operator's commands sent through a live console's shared pool (standby
 * 'warm', ssh/standby.ts), on the real lab, seen from the host's /proc: the first command opens
 * one per node; the next runs IN it (its $$ is the shell seen from outside) with its own output,
 * stderr and exit code untouched, and a new one is opened for the next; the node bounds its life
 * by the command's timeout; a warm shell killed from outside means an ordinary exec, and the
 * command runs exactly once either way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Shell } from '../../src-main/shell/index.js';
import { SshPool } from '../../src-main/ssh/index.js';
import { getTestLab } from '../lab/fixture.js';
import type { LabInfo } from '../../src-main/lab/index.js';
import { labTarget, waitFor } from './helpers/fleet.js';
import { allProcs, inNs, netnsOf, standbyShells } from './helpers/observe.js';

let lab: LabInfo;
beforeAll(() => {
  lab = getTestLab();
});

const warmShells = (node: string) => standbyShells(lab, node);

describe('warm shells for shared commands', () => {
  it('the second command runs in the shell the first left, with its own stdout, stderr and exit code; a new one follows', async () => {
    const pool = new SshPool();
    const spec = labTarget(lab, 'node07').spec;
    try {
      const first = await pool.exec(spec, Shell.raw('echo $$'), { standby: 'warm' });
      expect(first.via).toBeUndefined();
      expect(await waitFor(() => warmShells('node07').length === 1, 10_000)).not.toBeNull();
      const shell = warmShells('node07')[0]!;
      // Not raised: the operator's command runs at the node's normal priority.
      expect(shell.nice).toBe(0);
      const pid = await pool.exec(spec, Shell.raw('echo $$'), { standby: 'warm' });
      expect(pid.via).toBe('standby');
      expect(Number(pid.stdout.trim())).toBe(shell.pid);
      expect(await waitFor(() => warmShells('node07').some((s) => s.pid !== shell.pid), 10_000)).not.toBeNull();
      const chunks: string[] = [];
      const r = await pool.exec(spec, Shell.raw("printf 'out\\n'; printf 'err\\n' >&2; exit 3"), { standby: 'warm', onStderr: (b) => chunks.push(b.toString()) });
      expect(r.via).toBe('standby');
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr, streamed: chunks.join('') }).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n', streamed: 'err\n' });
    } finally {
      await pool.dispose();
    }
    expect(await waitFor(() => warmShells('node07').length === 0, 5_000)).not.toBeNull();
  });

  it("the node ends a command in a warm shell at its timeout (124, as timeout says), and nothing of it stays", async () => {
    const pool = new SshPool();
    const spec = labTarget(lab, 'node07').spec;
    try {
      await pool.exec(spec, Shell.raw('true'), { standby: 'warm' });
      expect(await waitFor(() => warmShells('node07').length === 1, 10_000)).not.toBeNull();
      const r = await pool.exec(spec, Shell.raw('sleep 97'), { standby: 'warm', timeoutMs: 1500 });
      expect(r.via).toBe('standby');
      expect(r.code).toBe(124);
      expect(r.timedOut).toBe(true);
      const ns = netnsOf(lab, 'node07');
      expect(await waitFor(() => !allProcs().some((p) => p.netns === ns && p.cmdline === 'sleep 97'), 5_000)).not.toBeNull();
    } finally {
      await pool.dispose();
    }
  });

  it('a warm shell killed from outside means an ordinary exec, and the command runs exactly once', async () => {
    const pool = new SshPool();
    const spec = labTarget(lab, 'node08').spec;
    const file = `/tmp/gd-warm-once-${process.pid}`;
    try {
      await inNs(lab, 'node08', 'rm', ['-f', file]);
      await pool.exec(spec, Shell.raw('true'), { standby: 'warm' });
      expect(await waitFor(() => warmShells('node08').length === 1, 10_000)).not.toBeNull();
      const victim = warmShells('node08')[0]!.pid;
      process.kill(victim, 'SIGKILL');
      const r = await pool.exec(spec, Shell.raw(`echo ran >> ${file}; echo $$`), { standby: 'warm' });
      expect(r.code).toBe(0);
      expect(r.via).toBeUndefined();
      expect(Number(r.stdout.trim())).not.toBe(victim);
      expect((await inNs(lab, 'node08', 'cat', [file])).trim().split('\n')).toEqual(['ran']);
    } finally {
      await inNs(lab, 'node08', 'rm', ['-f', file]);
      await pool.dispose();
    }
  });
});
