/**
 * The test cluster in its own process (test/k8s/serve.ts) and its control endpoint: it prints
 * where it is, answers the API with the kubeconfig's token, exposes Services and the ground truth
 * over the control endpoint (token required), takes failure rules, and cleans up on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { call } from '../k8s/raw-client.js';

interface Started { url: string; kubeconfigPath: string; controlUrl: string; controlToken: string; services: Record<string, string> }

describe('serve.ts and the control endpoint', () => {
  it('serves the API and the controls from another process and removes its files on SIGTERM', async () => {
    const child = spawn(process.execPath, ['node_modules/.bin/tsx', 'test/k8s/serve.ts'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface(child.stdout).once('line', resolve);
        child.once('close', () => reject(new Error('serve.ts exited before printing')));
      });
      const info = JSON.parse(line) as Started;
      const kubeconfig = parseYaml(readFileSync(info.kubeconfigPath, 'utf8')) as { clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>; users: Array<{ user: { token: string } }> };
      const caPem = Buffer.from(kubeconfig.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString();
      expect(kubeconfig.clusters[0]!.cluster.server).toBe(info.url);
      const pods = await call({ url: info.url, caPem, token: kubeconfig.users[0]!.user.token }, 'GET', '/api/v1/namespaces/shop/pods?labelSelector=app%3Dcheckout');
      expect((pods.json as { items: unknown[] }).items).toHaveLength(3);

      const control = (method: string, path: string, body?: unknown, token: string | null = info.controlToken): Promise<Response> =>
        fetch(`${info.controlUrl}${path}`, { method, headers: token ? { Authorization: `Bearer ${token}` } : {}, body: body === undefined ? undefined : JSON.stringify(body) });
      expect((await control('GET', '/services', undefined, null)).status).toBe(401);
      expect((await control('GET', '/services', undefined, 'not-the-token')).status).toBe(401);
      const services = await (await control('GET', '/services')).json() as Record<string, string>;
      expect(services['shop/checkout']).toBe(info.services['shop/checkout']);
      const answer = await (await fetch(services['shop/checkout']!)).json() as { pod: string };
      expect(answer.pod).toMatch(/^shop\/checkout-/);
      const podList = await (await control('GET', '/pods?namespace=shop')).json() as Array<{ name: string; url: string | null; endpoint: boolean }>;
      expect(podList.filter((p) => p.endpoint && p.url)).toHaveLength(5);
      expect((await control('POST', '/failures', { op: 'Recover', name: 'x' })).status).toBe(200);
      expect((await control('POST', '/failures', { op: 'Sideways' })).status).toBe(400);
      expect((await control('DELETE', '/failures')).status).toBe(200);
      expect(await (await control('GET', '/truth')).json()).toMatchObject({ faults: [], pods: expect.arrayContaining([expect.objectContaining({ event: 'ready' })]) });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(dirname(info.kubeconfigPath))).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
