/**
 * Root only. The nodes must not run as root, so bwrap runs as `nobody`; but nobody cannot reach the
 * folders it has to mount (a workspace under /root, a 0700 temp folder), and bwrap resolves every
 * mount source as its caller. So root first makes a private mount namespace (util-linux unshare) in
 * which exactly those folders are bind-mounted onto a small tmpfs at a path nobody can walk; every
 * bwrap then starts inside that namespace (nsenter), as nobody (setpriv --clear-groups), and mounts
 * from the staged copies. The host's mount table never changes; nothing else becomes reachable.
 *
 * Every bwrap copies the staging namespace's mount table when it makes the node's own, so that
 * table must not grow with the fleet: the node folders are staged as ONE tree (the lab's nodes/
 * folder), and a path below a staged folder maps below its staged copy. One bind per node folder
 * (7 per node) made each exec copy 7000 mounts at 1000 nodes: a fan-out cost quadratic in N.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmdirSync } from 'node:fs';
import type { DropTo } from './support.js';

/** How long the staging namespace may take to come up (a handful of mount calls). */
const STAGE_START_MS = 15_000;

/**
 * Runs in the new mount namespace as root: a tmpfs on the stage folder, each source bind-mounted
 * under it (a folder onto a folder, a file onto a file), then "ready" and wait until the lab closes
 * stdin. Paths come as arguments, never inside the script text.
 */
const HOLDER = `set -eu
stage=$1; shift
mount -t tmpfs -o mode=0755,size=1m gameday-sim-stage "$stage"
while [ $# -gt 0 ]; do
  if [ -d "$1" ]; then mkdir "$stage/$2"; else : > "$stage/$2"; fi
  mount --bind "$1" "$stage/$2"
  shift 2
done
echo ready
exec cat >/dev/null
`;

export class Stage {
  private readonly paths = new Map<string, string>();

  private constructor(
    private readonly holder: ChildProcess,
    private readonly dir: string,
    sources: string[],
    private readonly drop: DropTo,
  ) {
    sources.forEach((s, i) => this.paths.set(s, `${dir}/s${i}`));
  }

  /** Stage every host path in `sources` (folders and files); resolves once they are mounted. */
  static async start(sources: string[], drop: DropTo): Promise<Stage> {
    const unique = [...new Set(sources)];
    // /tmp is world-searchable; the folder itself is only a mount point (the tmpfs is 0755).
    const dir = mkdtempSync('/tmp/gameday-sim-stage-');
    chmodSync(dir, 0o755);
    const args = unique.flatMap((s, i) => [s, `s${i}`]);
    const holder = spawn(drop.unshare, ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', HOLDER, 'gameday-sim-stage', dir, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    holder.stdin?.on('error', () => undefined);
    let err = '';
    holder.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`staging the node folders took over ${STAGE_START_MS / 1000} s`)), STAGE_START_MS);
        holder.stdout?.on('data', (b: Buffer) => {
          if (b.toString().includes('ready')) {
            clearTimeout(t);
            resolve();
          }
        });
        holder.on('error', (e) => {
          clearTimeout(t);
          reject(e);
        });
        holder.on('exit', (code) => {
          clearTimeout(t);
          reject(new Error(`staging the node folders failed (exit ${code}): ${err.trim() || 'no message'}`));
        });
      });
    } catch (e) {
      holder.kill('SIGKILL');
      try {
        rmdirSync(dir);
      } catch {
        /* an empty folder left in /tmp */
      }
      throw e;
    }
    return new Stage(holder, dir, unique, drop);
  }

  /** Where a staged host path (or a path below a staged folder) is inside the staging namespace. */
  map(host: string): string {
    const p = this.paths.get(host);
    if (p) return p;
    for (const [src, staged] of this.paths) if (host.startsWith(`${src}/`)) return `${staged}${host.slice(src.length)}`;
    throw new Error(`not staged: ${host}`);
  }

  /** argv prefix: enter the staging namespace, become nobody with no supplementary groups. */
  prefix(): string[] {
    const d = this.drop;
    return [d.nsenter, `--mount=/proc/${this.holder.pid}/ns/mnt`, '--', d.setpriv, `--reuid=${d.uid}`, `--regid=${d.gid}`, '--clear-groups', '--'];
  }

  /** Is the staging namespace still there (its holder alive)? */
  get alive(): boolean {
    return this.holder.exitCode === null && this.holder.signalCode === null;
  }

  dispose(): void {
    this.holder.stdin?.end();
    this.holder.kill('SIGKILL');
    try {
      rmdirSync(this.dir);
    } catch {
      /* still a mount point in a namespace that is going away; an empty folder in /tmp */
    }
  }
}
