/**
 * Client helpers for tests and benchmarks that talk to lab nodes the way a person would: the OpenSSH
 * client (strict host-key checking against the lab's known_hosts) and plain HTTP to the node service.
 */
import { request } from 'node:http';
import { run, type RunResult } from '../../src-main/lab/netns/exec.js';
import type { LabInfo, LabNode } from '../../src-main/lab/index.js';

/** Options for `labSsh`. */
export interface LabSshOptions {
  user?: string;
  /** Seconds for ssh's ConnectTimeout (default 5: the lab is local). */
  connectTimeoutS?: number;
  /** Route through the bastion with `-J` (default: when the node is behind it). */
  viaBastion?: boolean;
  /** Kill ssh after this long. */
  timeoutMs?: number;
}

/**
 * `ssh … user@ip command` with the lab key and known_hosts and StrictHostKeyChecking=yes. For inner
 * nodes it uses `-F <lab ssh_config> -J root@<bastion ip>`: OpenSSH passes -F to the jump hop,
 * while -i/-o on the command line would only apply to the final host.
 */
export function labSsh(lab: LabInfo, node: LabNode | string, command: string, opts: LabSshOptions = {}): Promise<RunResult> {
  const ip = typeof node === 'string' ? node : node.ip;
  const behind = typeof node === 'string' ? false : node.behindBastion === true;
  const args = [
    '-F', lab.sshConfigPath,
    '-i', lab.keyPath,
    '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${lab.knownHostsPath}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${opts.connectTimeoutS ?? 5}`,
  ];
  if (opts.viaBastion ?? behind) {
    const bastion = lab.nodes.find((n) => n.role === 'bastion');
    if (bastion) args.push('-J', `root@${bastion.ip}`);
  }
  args.push(`${opts.user ?? 'root'}@${ip}`, command);
  return run('ssh', args, { allowFail: true, timeoutMs: opts.timeoutMs ?? 30_000 });
}

/** One HTTP exchange with a node service. */
export interface HttpResult {
  status: number;
  body: string;
  /** Epoch ms when the request was sent and when the response ended. */
  sentAt: number;
  doneAt: number;
}

/** GET/POST to `http://ip:port/path`; rejects on network errors and after `timeoutMs`. */
export function labHttp(ip: string, port: number, path: string, opts: { method?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const sentAt = Date.now();
    // agent: false → a fresh connection each time, so a blackholed node really is asked again.
    const req = request({ host: ip, port, path, method: opts.method ?? 'GET', agent: false, timeout: opts.timeoutMs ?? 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sentAt, doneAt: Date.now() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`HTTP ${ip}:${port}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
