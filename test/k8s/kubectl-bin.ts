/**
 * Finds the kubectl the fidelity tests run: Debian's kubernetes-client (kubectl 1.20), installed as
 * /usr/bin/kubectl or, where that path belongs to another package, unpacked by
 * test/tools/apt-deps.sh into /var/cache/gameday-tests/kubernetes-client. GAMEDAY_TEST_KUBECTL
 * overrides (e.g. to try a newer kubectl by hand). Missing → a clear error, never a skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where apt-deps.sh unpacks the package when it cannot install it. */
export const UNPACKED_KUBECTL = '/var/cache/gameday-tests/kubernetes-client/usr/bin/kubectl';

function debianOwnsUsrBin(): boolean {
  try {
    return execFileSync('dpkg-query', ['-S', '/usr/bin/kubectl'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).startsWith('kubernetes-client:');
  } catch {
    return false;
  }
}

/** Path and client gitVersion of the kubectl to test with. */
export function findKubectl(): { path: string; version: string } {
  const candidates = [process.env.GAMEDAY_TEST_KUBECTL, UNPACKED_KUBECTL, debianOwnsUsrBin() ? '/usr/bin/kubectl' : undefined];
  const path = candidates.find((p): p is string => !!p && existsSync(p));
  if (!path) {
    throw new Error('kubectl from Debian\'s kubernetes-client is missing: run `bash test/tools/apt-deps.sh` as root (it installs or unpacks it)');
  }
  const out = execFileSync(path, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  const version = (JSON.parse(out) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion;
  return { path, version };
}
