/**
 * Runs the real kubectl against a test server: `--kubeconfig` of the server, a private HOME (so
 * kubectl's discovery cache starts empty and nothing of the user's ~/.kube is read), KUBECONFIG
 * unset. Short commands are awaited; `kubectl get -w` runs as a background process the test stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Result of one kubectl command. */
export interface KubectlResult { code: number; stdout: string; stderr: string }

/** A kubectl bound to one kubeconfig. */
export class Kubectl {
  private readonly home = mkdtempSync(join(tmpdir(), 'gd-kubectl-home-'));
  private readonly children = new Set<ChildProcess>();

  constructor(readonly bin: string, readonly kubeconfig: string) {}

  private env(): NodeJS.ProcessEnv {
    const { KUBECONFIG: _k, ...rest } = process.env;
    return { ...rest, HOME: this.home };
  }

  /** Runs `kubectl --kubeconfig … args`, optionally with stdin; kills it after `timeoutMs`. */
  run(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.bin, ['--kubeconfig', this.kubeconfig, ...args], { env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] });
      this.children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        this.children.delete(child);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(opts.input ?? '');
    });
  }

  /** Starts a long-running kubectl (e.g. `get -w`); read `output()`, end with `stop()`. */
  background(args: string[]): { output(): string; stop(): Promise<void> } {
    const child = spawn(this.bin, ['--kubeconfig', this.kubeconfig, ...args], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
    const closed = new Promise<void>((resolve) => child.on('close', () => { this.children.delete(child); resolve(); }));
    return {
      output: () => out,
      stop: async () => { child.kill('SIGTERM'); await closed; },
    };
  }

  /** Kills any kubectl still running (started by this object only) and removes its private HOME. */
  dispose(): void {
    for (const c of this.children) c.kill('SIGKILL');
    rmSync(this.home, { recursive: true, force: true });
  }
}
