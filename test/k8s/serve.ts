/**
 * Runs a test cluster in its own process, for trying kubectl by hand or for tests that need the
 * server outside the test process:
 *
 *   npx tsx test/k8s/serve.ts [--seed shop|empty] [--dir DIR]
 *
 * Prints one JSON line {url, kubeconfigPath, controlUrl, controlToken, services} once ready, then
 * serves until SIGINT/SIGTERM (it cleans up on either).
 */
import { startK8sTestServer } from './server.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seed = arg('seed');
if (seed !== undefined && seed !== 'shop' && seed !== 'empty') {
  process.stderr.write(`error: --seed must be shop or empty, got ${JSON.stringify(seed)}\n`);
  process.exit(3);
}
const server = await startK8sTestServer({ seed, dir: arg('dir') });
const services = Object.fromEntries(server.controls.list('v1', 'Service').map((s) => [`${s.metadata.namespace}/${s.metadata.name}`, server.controls.serviceUrl(s.metadata.namespace!, s.metadata.name)]));
process.stdout.write(`${JSON.stringify({ url: server.url, kubeconfigPath: server.kubeconfigPath, controlUrl: server.controlUrl, controlToken: server.controlToken, services })}\n`);
const stop = (): void => { void server.dispose().then(() => process.exit(0)); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
