import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createHttpProbe } from '../../src-main/probes/http.js';
import { createPrometheusProbe, promValue } from '../../src-main/probes/prometheus.js';
import { createTcpProbe } from '../../src-main/probes/tcp.js';
import { checkProbeSpec } from '../../src-main/probes/factory.js';
import type { HttpProbeSpec, PrometheusProbeSpec, ProbeTarget } from '../../src-main/probes/types.js';

let server: http.Server;
let port: number;
/** Requests per remote port, to see whether keep-alive reused the connection. */
const remotePorts = new Set<number>();
let promReply: unknown = null;
let promQueries: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    remotePorts.add(req.socket.remotePort ?? 0);
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (url.pathname === '/ok') return send(200, JSON.stringify({ ok: true, db: { lag: [0.5] } }));
    if (url.pathname === '/down') return send(503, JSON.stringify({ ok: false }));
    if (url.pathname === '/text') return send(200, 'all systems ok', 'text/plain');
    if (url.pathname === '/slow') return void setTimeout(() => send(200, '{"ok":true}'), Number(url.searchParams.get('ms')));
    if (url.pathname === '/api/v1/query') {
      promQueries.push(url.searchParams.get('query') ?? '');
      return send(200, JSON.stringify(promReply));
    }
    send(404, 'nope', 'text/plain');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const T: ProbeTarget = { series: 'default' };
const sig = (ms = 1000) => AbortSignal.timeout(ms);
const httpSpec = (over: Partial<HttpProbeSpec>): HttpProbeSpec => ({ id: 'h', kind: 'http', url: `http://127.0.0.1:${port}/ok`, intervalMs: 1000, timeoutMs: 500, ...over });

describe('http probe', () => {
  it('checks status, JSON path + equals, and reports latency as the value', async () => {
    const p = createHttpProbe(httpSpec({ expect: { status: 200, jsonPath: '$.ok', equals: true, bodyMatch: 'ok' } }));
    const s = await p.run(T, sig());
    expect(s).toMatchObject({ probeId: 'h', series: 'default', healthy: true });
    expect(s.error).toBeUndefined();
    expect(s.value).toBe(s.latencyMs);
    expect(s.latencyMs).toBeGreaterThan(0);
    expect(s.latencyMs).toBeLessThan(500);
    expect(Math.abs(s.t - (performance.timeOrigin + performance.now()))).toBeLessThan(1000);
    p.dispose();
  });

  it('reports each broken expectation plainly', async () => {
    const cases: Array<[Partial<HttpProbeSpec>, RegExp]> = [
      [{ url: `http://127.0.0.1:${port}/down` }, /^HTTP 503: \{"ok":false\}/],
      [{ expect: { status: 204 } }, /^HTTP 200, expected 204/],
      [{ url: `http://127.0.0.1:${port}/text`, expect: { bodyMatch: '^fail' } }, /does not match \/\^fail\//],
      [{ url: `http://127.0.0.1:${port}/text`, expect: { jsonPath: '$.ok' } }, /body is not JSON/],
      [{ expect: { jsonPath: '$.db.lag[1]' } }, /\$\.db\.lag\[1\] not found/],
      [{ expect: { jsonPath: '$.db.lag[0]', equals: 0 } }, /is 0.5, expected 0/],
      [{ url: `http://127.0.0.1:${port}/slow?ms=60`, expect: { maxLatencyMs: 20 } }, /^latency \d+ ms over 20 ms/],
    ];
    for (const [over, re] of cases) {
      const p = createHttpProbe(httpSpec(over));
      const s = await p.run(T, sig());
      p.dispose();
      expect(s.healthy, JSON.stringify(over)).toBe(false);
      expect(s.error, JSON.stringify(over)).toMatch(re);
    }
    const ok = createHttpProbe(httpSpec({ url: `http://127.0.0.1:${port}/text`, expect: { bodyMatch: 'systems ok' } }));
    expect((await ok.run(T, sig())).healthy).toBe(true);
    ok.dispose();
  });

  it('times out through the AbortSignal', async () => {
    const p = createHttpProbe(httpSpec({ url: `http://127.0.0.1:${port}/slow?ms=400`, timeoutMs: 100 }));
    const t0 = performance.now();
    const s = await p.run(T, sig(100));
    expect(performance.now() - t0).toBeLessThan(300);
    expect(s).toMatchObject({ healthy: false, value: null, error: 'no answer within the 100 ms timeout' });
    p.dispose();
  });

  it('reports a refused connection', async () => {
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const freePort = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));
    const p = createHttpProbe(httpSpec({ url: `http://127.0.0.1:${freePort}/` }));
    const s = await p.run(T, sig());
    expect(s.healthy).toBe(false);
    expect(s.error).toBe('connection refused (nothing listening, or a REJECT rule) (ECONNREFUSED)');
    p.dispose();
  });

  it('reuses one connection with keep-alive, and opens one per sample without it', async () => {
    for (const keepAlive of [true, false]) {
      remotePorts.clear();
      const p = createHttpProbe(httpSpec({ keepAlive }));
      for (let i = 0; i < 5; i++) expect((await p.run(T, sig())).healthy).toBe(true);
      p.dispose();
      expect(remotePorts.size, `keepAlive ${keepAlive}`).toBe(keepAlive ? 1 : 5);
    }
  });

  it('fills {host}/{port} per series and refuses bad specs before running', async () => {
    const p = createHttpProbe(httpSpec({ url: `http://{host}:${port}/ok`, target: 'api' }));
    const s = await p.run({ series: 'n1', node: { name: 'n1', host: '127.0.0.1', port: 22 } }, sig());
    expect(s).toMatchObject({ series: 'n1', healthy: true });
    p.dispose();
    expect(checkProbeSpec(httpSpec({ expect: { bodyMatch: '(' } })).join()).toMatch(/not a valid regular expression/);
    expect(checkProbeSpec(httpSpec({ expect: { jsonPath: '$..x' } })).join()).toMatch(/JSON path|after "\."/);
    expect(checkProbeSpec(httpSpec({ url: 'http://{host}/' })).join()).toMatch(/no target/);
    expect(checkProbeSpec(httpSpec({ timeoutMs: 1000 })).join()).toMatch(/timeout must be/);
    expect(checkProbeSpec(httpSpec({}))).toEqual([]);
  });
});

describe('https probe', () => {
  it('reports a self-signed certificate plainly, and accepts it with tlsInsecure', async () => {
    // A throwaway self-signed cert from the system openssl (Node cannot create X.509 certificates).
    const dir = mkdtempSync(join(tmpdir(), 'gd-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{"ok":true}'));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/`;
    try {
      const strict = createHttpProbe(httpSpec({ url }));
      expect(await strict.run(T, sig())).toMatchObject({ healthy: false, error: 'TLS: the server certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)' });
      strict.dispose();
      const lax = createHttpProbe(httpSpec({ url, tlsInsecure: true, expect: { jsonPath: '$.ok', equals: true } }));
      expect(await lax.run(T, sig())).toMatchObject({ healthy: true });
      lax.dispose();
      const plain = createHttpProbe(httpSpec({ url: `https://127.0.0.1:${port}/ok` }));
      expect((await plain.run(T, sig())).error).toBe('TLS: the server did not answer TLS (plain HTTP on an https:// URL?) (EPROTO)');
      plain.dispose();
    } finally {
      tls.closeAllConnections();
      await new Promise((r) => tls.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tcp probe', () => {
  it('connects (latency as value), refuses, and times out', async () => {
    const p = createTcpProbe({ id: 't', kind: 'tcp', address: `127.0.0.1:${port}`, intervalMs: 1000, timeoutMs: 500 });
    const s = await p.run(T, sig());
    expect(s).toMatchObject({ healthy: true });
    expect(s.value).toBe(s.latencyMs);
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const freePort = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));
    const refused = await createTcpProbe({ id: 't', kind: 'tcp', address: `127.0.0.1:${freePort}`, intervalMs: 1000, timeoutMs: 500 }).run(T, sig());
    expect(refused).toMatchObject({ healthy: false, value: null });
    expect(refused.error).toMatch(/ECONNREFUSED/);
    const aborted = await p.run(T, AbortSignal.abort());
    expect(aborted.error).toBe('no answer within the 500 ms timeout');
  });
});

describe('prometheus probe', () => {
  const spec = (over: Partial<PrometheusProbeSpec> = {}): PrometheusProbeSpec => ({
    id: 'prom', kind: 'prometheus', url: `http://127.0.0.1:${port}`, query: 'sum(rate(http_requests_total{code=~"5.."}[1m]))', intervalMs: 5000, timeoutMs: 2000, expect: { below: 0.05 }, ...over,
  });

  it('reads a vector, checks bounds and sends the query URL-encoded', async () => {
    promQueries = [];
    promReply = { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1712345678.123, '0.02'] }] } };
    const p = createPrometheusProbe(spec());
    expect(await p.run(T, sig())).toMatchObject({ healthy: true, value: 0.02 });
    expect(promQueries).toEqual(['sum(rate(http_requests_total{code=~"5.."}[1m]))']);
    promReply = { status: 'success', data: { resultType: 'vector', result: [{ metric: { job: 'api' }, value: [1712345678.123, '0.2'] }] } };
    expect(await p.run(T, sig())).toMatchObject({ healthy: false, value: 0.2, error: '0.2 is not below 0.05' });
    promReply = { status: 'success', data: { resultType: 'scalar', result: [1712345678.123, '7'] } };
    expect(await createPrometheusProbe(spec({ expect: { above: 5 } })).run(T, sig())).toMatchObject({ healthy: true, value: 7 });
    p.dispose();
  });

  it('treats empty results, NaN, matrices and API errors as unhealthy with the reason', async () => {
    expect(promValue({ status: 'success', data: { resultType: 'vector', result: [] } })).toEqual({ error: 'query returned no series (empty vector)' });
    expect(promValue({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'NaN'] }] } })).toEqual({ error: 'query value is NaN' });
    expect(promValue({ status: 'success', data: { resultType: 'matrix', result: [] } })).toMatchObject({ error: expect.stringMatching(/matrix/) });
    promReply = { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error' };
    const p = createPrometheusProbe(spec());
    expect(await p.run(T, sig())).toMatchObject({ healthy: false, value: null, error: 'Prometheus bad_data: invalid parameter "query": 1:5: parse error' });
    p.dispose();
  });
});
