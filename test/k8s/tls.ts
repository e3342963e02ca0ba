/**
 * A throwaway certificate authority and a server certificate it signs (SAN IP:127.0.0.1 and
 * DNS:localhost), made with the openssl CLI at server start: clients verify the apiserver
 * against the CA exactly as they would a real cluster's (certificate-authority-data).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM material of one test server. */
export interface TestPki {
  caPem: string;
  certPem: string;
  keyPem: string;
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('openssl is not installed; the Kubernetes test server needs it for its TLS certificates (bash test/tools/apt-deps.sh installs it)');
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString().trim() ?? err.message}`);
  }
}

/** Makes a CA and a server certificate in `dir` (P-256 keys, valid 2 days). */
export function makeTestPki(dir: string): TestPki {
  const p = (f: string): string => join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '2', '-subj', '/CN=gameday-test-kubernetes-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', '-new', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=kube-apiserver']);
  writeFileSync(p('server.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc',
    'extendedKeyUsage=serverAuth',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'basicConstraints=critical,CA:FALSE',
  ].join('\n'));
  openssl(['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial',
    '-out', p('server.crt'), '-days', '2', '-extfile', p('server.ext')]);
  return { caPem: readFileSync(p('ca.crt'), 'utf8'), certPem: readFileSync(p('server.crt'), 'utf8'), keyPem: readFileSync(p('server.key'), 'utf8') };
}
