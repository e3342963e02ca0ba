/**
 * Beyond loopback the console speaks only TLS (issue 11 §2): the bridge refuses a non-loopback bind
 * without a certificate; with the workspace's self-signed one it serves HTTPS and WSS only (a plain
 * HTTP request or ws:// upgrade gets nothing), its URLs say https, and the fingerprint it reports
 * is the one openssl computes from the certificate file and the one a TLS client is shown. The
 * certificate is made once per workspace and kept while it covers the address. `gameday console
 * --host` prints that fingerprint beside the URLs. The renderer's socket follows the page: wss
 * under https.
 */
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { certHosts, checkOrigin, startBridge, workspaceTls, type Bridge, type BridgeTls } from '../../src-main/bridge/index.js';
import { bridgeSocketUrl } from '../../src-renderer/transport/ws-transport.js';
import { FakeBackend } from '../helpers/fake-backend.js';

const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** What openssl itself says the certificate file's SHA-256 fingerprint is. */
const opensslFingerprint = (certFile: string) => execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', certFile], { encoding: 'utf8' }).trim().replace(/^.*Fingerprint=/i, '');

describe('the workspace certificate', () => {
  it('is made once (key private), reused while it covers the address, made anew when it does not', () => {
    const dir = join(tmp('gd-tls-'), 'tls');
    const a = workspaceTls(dir, certHosts('10.9.8.7'));
    expect(a.fingerprint).toBe(opensslFingerprint(join(dir, 'bridge-cert.pem')));
    expect(statSync(join(dir, 'bridge-key.pem')).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(a.cert);
    expect(cert.checkIP('10.9.8.7')).toBe('10.9.8.7');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(workspaceTls(dir, certHosts('10.9.8.7')).fingerprint).toBe(a.fingerprint);
    const b = workspaceTls(dir, certHosts('10.9.8.6'));
    expect(b.fingerprint).not.toBe(a.fingerprint);
    expect(b.fingerprint).toBe(opensslFingerprint(join(dir, 'bridge-cert.pem')));
  });
});

describe('a bridge beyond loopback', () => {
  let tls: BridgeTls;
  let bridge: Bridge;

  beforeAll(async () => {
    tls = workspaceTls(join(tmp('gd-tls-b-'), 'tls'), certHosts('0.0.0.0'));
    bridge = await startBridge({ backend: new FakeBackend(), host: '0.0.0.0', allowRemote: true, tls });
  });
  afterAll(async () => {
    await bridge?.close();
  });

  it('is refused without TLS, even with consent', async () => {
    await expect(startBridge({ backend: new FakeBackend(), host: '0.0.0.0', allowRemote: true })).rejects.toMatchObject({ code: 'NEEDS_TLS' });
  });

  it('serves HTTPS with the workspace certificate, whose fingerprint it reports', async () => {
    expect(bridge.url).toMatch(/^https:\/\//);
    expect(bridge.observerUrl).toMatch(/^https:\/\//);
    expect(bridge.traineeUrl).toMatch(/^https:\/\//);
    expect(bridge.fingerprint).toBe(tls.fingerprint);
    const token = new URL(bridge.observerUrl).searchParams.get('token')!;
    const { status, shown, cookie } = await new Promise<{ status: number; shown: string; cookie: string }>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: bridge.port, path: `/?token=${token}`, ca: tls.cert, servername: 'localhost', headers: { Host: `127.0.0.1:${bridge.port}` } }, (res) => {
        const peer = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate();
        res.resume();
        resolve({ status: res.statusCode ?? 0, shown: peer?.fingerprint256 ?? '', cookie: String(res.headers['set-cookie'] ?? '') });
      });
      req.on('error', reject);
      req.end();
    });
    // The API-only bridge (no renderer) answers 404 once the token passed: TLS and auth worked.
    expect(status).toBe(404);
    expect(shown).toBe(tls.fingerprint);
    expect(cookie).toBe('');
  });

  it('answers nothing over plain HTTP, and upgrades only wss', async () => {
    const plain = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port: bridge.port, path: '/', headers: { Host: `127.0.0.1:${bridge.port}` } }, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      req.setTimeout(3000, () => req.destroy(new Error('timeout')));
      req.end();
    });
    expect(plain).toMatch(/^(error|status 400)/);
    const token = new URL(bridge.url).searchParams.get('token')!;
    const hello = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${bridge.port}/ws?token=${token}`, { ca: tls.cert });
      ws.once('message', (d) => {
        resolve(String(d));
        ws.close();
      });
      ws.once('error', reject);
    });
    expect(JSON.parse(hello)).toMatchObject({ kind: 'hello', role: 'commander' });
    const insecure = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/ws?token=${token}`);
      ws.once('open', () => resolve('open'));
      ws.once('error', () => resolve('refused'));
    });
    expect(insecure).toBe('refused');
  });

  it('accepts pages only from https origins', () => {
    const g = { port: 8443, bindHost: '0.0.0.0', allowRemote: true, tls: true };
    expect(checkOrigin('https://10.0.0.5:8443', g)).toBe(true);
    expect(checkOrigin('http://10.0.0.5:8443', g)).toBe(false);
    expect(checkOrigin('http://127.0.0.1:8443', { ...g, tls: false })).toBe(true);
    expect(checkOrigin('https://127.0.0.1:8443', { ...g, tls: false })).toBe(false);
  });
});

describe('the renderer', () => {
  it('opens wss under https and ws under http', () => {
    expect(bridgeSocketUrl({ protocol: 'https:', host: '10.0.0.5:8443', search: '?token=abc' })).toBe('wss://10.0.0.5:8443/ws?token=abc');
    expect(bridgeSocketUrl({ protocol: 'http:', host: '127.0.0.1:9000', search: '?token=abc' })).toBe('ws://127.0.0.1:9000/ws?token=abc');
  });
});

describe('gameday console --host', () => {
  it('prints https URLs and the certificate fingerprint beside them; loopback stays plain HTTP', async () => {
    const ws = tmp('gd-tls-cli-');
    const bin = join(process.cwd(), 'resources/bin/gameday.mjs');
    const run = async (host: string): Promise<string> => {
      const child = spawn('node', [bin, 'console', '--host', host, '--workspace', ws], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      const closed = new Promise((r) => child.once('close', r));
      await expect.poll(() => out, { timeout: 30_000 }).toMatch(/Ctrl\+C to quit/);
      child.kill('SIGINT');
      await closed;
      return out;
    };
    const remote = await run('0.0.0.0');
    expect(remote).toMatch(/Commander \(full control\): +https:\/\//);
    expect(remote).toMatch(/Trainee .*https:\/\//);
    const fp = opensslFingerprint(join(ws, 'tls', 'bridge-cert.pem'));
    expect(remote).toContain(fp);
    const local = await run('127.0.0.1');
    expect(local).toMatch(/Commander \(full control\): +http:\/\/127\.0\.0\.1/);
    expect(local).not.toContain(fp);
  }, 60_000);
});
