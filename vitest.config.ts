import { defineConfig } from 'vitest/config';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The audit's HMAC key and anchors live in the user's config dir (src-main/audit/keys.ts): each test
// run gets a fresh one, inherited by the CLIs the tests start, and the user's own stays untouched.
process.env.GAMEDAY_CONFIG_DIR ??= mkdtempSync(join(tmpdir(), 'gd-config-'));

// Two projects: quick unit tests (no root, no network beyond 127.0.0.1) and integration tests
// against the real netns lab (root; real sshd, iptables, SQLite). Integration files run one at a
// time because they share the lab and the machine has 2 cores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          globalSetup: ['test/integration/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          globalSetup: ['test/integration/global-setup.ts'],
        },
      },
    ],
  },
});
