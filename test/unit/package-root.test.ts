/**
 * One package-root finder (src-main/package): the labs' node-side programs, the scenarios and the
 * renderer are found from the gameday-console package root, walking up from the code, never from
 * the working directory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { labAsset } from '../../src-main/lab/assets.js';
import { gpuSimBin, toolsDir } from '../../src-main/lab/sim/resources.js';
import { packageRoot, PackageRootError } from '../../src-main/package/index.js';

const repo = resolve(__dirname, '../..');
const cwd = process.cwd();
let tmp = '';

afterEach(() => {
  process.chdir(cwd);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = '';
});

describe('packageRoot', () => {
  it('walks up to the folder whose package.json is gameday-console, past other package.json files', () => {
    tmp = mkdtempSync(join(tmpdir(), 'gd-pkgroot-'));
    writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'gameday-console' }));
    const nested = join(tmp, 'out', 'cli', 'deep');
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(tmp, 'out', 'package.json'), JSON.stringify({ name: 'something-else' }));
    writeFileSync(join(nested, 'package.json'), '{ not json');
    expect(packageRoot(nested)).toBe(tmp);
  });

  it('says plainly, with a hint, when there is no package root above', () => {
    tmp = mkdtempSync(join(tmpdir(), 'gd-pkgroot-'));
    let err: unknown;
    try {
      packageRoot(tmp);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PackageRootError);
    expect((err as PackageRootError).message).toContain(tmp);
    expect((err as PackageRootError).hint).toMatch(/reinstall/);
  });

  it('is this checkout for the product code, whatever the working directory is', () => {
    tmp = mkdtempSync(join(tmpdir(), 'gd-pkgroot-'));
    // A decoy in the cwd: a finder that looked at the cwd would take it.
    writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'gameday-console' }));
    mkdirSync(join(tmp, 'src-main', 'lab', 'sim', 'tools'), { recursive: true });
    process.chdir(tmp);
    expect(packageRoot()).toBe(repo);
    expect(labAsset('netns', 'node-up.sh')).toBe(join(repo, 'src-main/lab/netns/node-up.sh'));
    expect(toolsDir()).toBe(join(repo, 'src-main/lab/sim/tools'));
    expect(gpuSimBin()).toBe(join(repo, 'src-main/lab/gpu-sim/bin'));
  });

  it('finds every node-side program the labs start', () => {
    for (const f of ['netns/node-up.sh', 'netns/http-service.mjs', 'sim/tools/cli.mjs', 'gpu-sim/bin/rocm-smi', 'gpu-sim/bin/nvidia-smi', 'gpu-sim/lib/model.mjs']) {
      expect(existsSync(labAsset(...f.split('/'))), f).toBe(true);
    }
  });
});
