/**
 * The loopback bridge refuses everything that is not ours: no token, wrong token, foreign Origin,
 * rebinding Host; observers cannot call any command that changes anything; malformed WebSocket
 * messages get error data and the connection keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { commands, type CommandName, type ServerMessage } from '../../src-main/api/index.js';
import { startBridge, type Bridge } from '../../src-main/bridge/index.js';
import { FakeBackend } from '../helpers/fake-backend.js';
import { openClient, type TestClient } from '../helpers/bridge-client.js';

let dir: string;
let backend: FakeBackend;
let bridge: Bridge;
let token: string;
let observerToken: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gd-bridge-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'no');
  backend = new FakeBackend();
  bridge = await startBridge({ backend, rendererDir: dir });
  token = new URL(bridge.url).searchParams.get('token')!;
  observerToken = new URL(bridge.observerUrl).searchParams.get('token')!;
});

afterAll(async () => {
  await bridge.close();
  rmSync(dir, { recursive: true, force: true });
  expect(backend.listenerCount()).toBe(0);
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, headers: { Host: `127.0.0.1:${bridge.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgradeStatus(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}${path}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => undefined);
  });
}

describe('HTTP', () => {
  it('refuses without a token and with a wrong one', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=')).status).toBe(401);
    expect((await get(`/?token=${token.slice(0, -1)}x`)).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    expect((await get('/', { Cookie: `gameday_${bridge.port}=nope` })).status).toBe(401);
  });

  it('serves index.html with a strict CSP, no caching, and a port-scoped HttpOnly cookie', async () => {
    const r = await get(`/?token=${token}`);
    expect(r.status).toBe(200);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toContain(`gameday_${bridge.port}=${token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const asset = await get('/assets/app.js', { Cookie: `gameday_${bridge.port}=${token}` });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
  });

  it('refuses DNS-rebinding Host headers and foreign origins even with the right token', async () => {
    expect((await get(`/?token=${token}`, { Host: `evil.example:${bridge.port}` })).status).toBe(421);
    expect((await get(`/?token=${token}`, { Host: `127.0.0.1:${bridge.port + 1}` })).status).toBe(421);
    expect((await get(`/?token=${token}`, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(`/?token=${token}`, { Origin: `http://evil.example:${bridge.port}` })).status).toBe(403);
    expect((await get(`/?token=${token}`, { Origin: 'null' })).status).toBe(403);
    expect((await get(`/?token=${token}`, { Origin: `https://127.0.0.1:${bridge.port}` })).status).toBe(403);
    expect((await get(`/?token=${token}`, { Origin: `http://localhost:${bridge.port}` })).status).toBe(200);
    expect((await get(`/?token=${token}`, { Host: `localhost:${bridge.port}` })).status).toBe(200);
  });

  it('does not serve files outside the renderer or dotfiles', async () => {
    expect((await get(`/%2e%2e/%2e%2e/etc/passwd?token=${token}`)).status).toBe(404);
    expect((await get(`/..%2fsecret.txt?token=${token}`)).status).toBe(404);
    expect((await get(`/.env?token=${token}`)).status).toBe(404);
  });

  it('refuses to bind beyond loopback without the explicit flag', async () => {
    await expect(startBridge({ backend, host: '0.0.0.0' })).rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
  });
});

describe('WebSocket upgrade', () => {
  it('needs the token, our Host and our Origin', async () => {
    const host = `127.0.0.1:${bridge.port}`;
    expect(await upgradeStatus('/ws')).toBe(401);
    expect(await upgradeStatus(`/ws?token=${'A'.repeat(43)}`)).toBe(401);
    expect(await upgradeStatus(`/ws?token=${token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(`/ws?token=${token}`, { Host: `rebind.example:${bridge.port}` })).toBe(421);
    expect(await upgradeStatus(`/other?token=${token}`)).toBe(404);
    expect(await upgradeStatus(`/ws?token=${token}`, { Origin: `http://${host}` })).toBe(101);
  });
});

describe('WebSocket commands', () => {
  let commander: TestClient;
  let observer: TestClient;
  beforeAll(async () => {
    commander = await openClient(bridge.port, token);
    observer = await openClient(bridge.port, observerToken);
  });
  afterAll(() => {
    commander.close();
    observer.close();
  });

  it('says which role a token grants', () => {
    expect(commander.hello).toEqual({ kind: 'hello', role: 'commander', version: 1 });
    expect(observer.hello).toEqual({ kind: 'hello', role: 'observer', version: 1 });
  });

  it('lets an observer call no command that is not read-only — every command in the map is tried', async () => {
    const names = Object.keys(commands) as CommandName[];
    const writes = names.filter((n) => !commands[n].readOnly);
    expect(writes.length).toBeGreaterThan(10);
    for (const name of writes) {
      const before = backend.calls.length;
      const r = await observer.call(name, {});
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.error.code, name).toBe('FORBIDDEN');
      expect(backend.calls.length, `${name} must not reach the backend`).toBe(before);
    }
    const info = await observer.call('app.info', {});
    expect(info).toMatchObject({ ok: true, value: { role: 'observer', transport: 'bridge' } });
    expect(backend.calls.at(-1)?.who).toEqual({ role: 'observer', transport: 'bridge' });
  });

  it('lets the commander call them, with requests validated by the contract', async () => {
    expect(await commander.call('run.stop', {})).toMatchObject({ ok: true, value: { clean: true } });
    const bad = await commander.call('run.start', { file: 'x', commander: '' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const extra = await commander.call('app.info', { sneaky: 1 });
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('rejects malformed messages without crashing and keeps serving', async () => {
    const bad: Array<string | Buffer> = ['not json', '{"id":1}', '[]', 'null', '{"id":-1,"name":"app.info","req":{}}', '{"id":1,"name":"x".repeat(1)}', JSON.stringify({ id: 1, name: 'app.info', req: {}, extra: true }), Buffer.from([0xff, 0x00])];
    for (const m of bad) {
      const reply = await commander.raw(m);
      expect(reply.kind, String(m)).toBe('error');
    }
    const unknown = await commander.call('no.such' as CommandName, {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    const proto = await commander.call('__proto__' as CommandName, {});
    expect(proto).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    expect(await commander.call('app.info', {})).toMatchObject({ ok: true });
  });

  it('turns backend failures into data', async () => {
    backend.overrides['audit.verify'] = () => {
      throw new Error('boom');
    };
    const r = await commander.call('audit.verify', {});
    delete backend.overrides['audit.verify'];
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    expect(JSON.stringify(r)).not.toContain('at ');
  });

  it('broadcasts engine events, but shell output only to the client that opened the shell', async () => {
    const opened = await commander.call('shell.open', { node: 'node01', cols: 80, rows: 24 });
    expect(opened).toMatchObject({ ok: true, value: { shellId: 'sh-1' } });
    const cWait = commander.nextEvent((e) => e.type === 'shell.output');
    const oWait = observer.nextEvent((e) => e.type === 'log');
    backend.emit({ type: 'shell.output', shellId: 'sh-1', data: 'secret prompt# ' });
    backend.emit({ type: 'log', level: 'info', message: 'hello', at: 1 });
    expect(await cWait).toMatchObject({ type: 'shell.output', data: 'secret prompt# ' });
    expect(await oWait).toMatchObject({ type: 'log' });
    expect(observer.events.some((e) => e.type === 'shell.output')).toBe(false);
  });

  it('closes the shells of a client that disconnects', async () => {
    const c = await openClient(bridge.port, token);
    await c.call('shell.open', { node: 'node01', cols: 80, rows: 24 });
    c.close();
    await expect.poll(() => backend.calls.some((x) => x.name === 'shell.close' && (x.req as { shellId: string }).shellId === 'sh-1')).toBe(true);
  });
});

