/**
 * The installed package on disk: the one place that finds its root (the folder holding the
 * gameday-console package.json, scenarios/, resources/, out/ and the labs under src-main/lab).
 * Everything the product ships as files is found from here, never from the working directory, so
 * `gameday` works from any folder, from the sources, from the esbuild CLI bundle (out/cli) and from
 * the Electron build (out/main) alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `name` in the package.json that marks the root (a nested package.json is not it). */
export const PACKAGE_NAME = 'gameday-console';

/** The package root cannot be found: the install is broken (files moved or partly copied). */
export class PackageRootError extends Error {
  override readonly name = 'PackageRootError';
  readonly code = 'NO_PACKAGE_ROOT';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

function isRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false; // a package.json being written or not JSON: not ours
  }
}

const found = new Map<string, string>();

/**
 * The package root, found upwards from `from` (default: this module, wherever the build put it).
 * Cached per start folder: the answer cannot change while the process runs.
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  const cached = found.get(from);
  if (cached) return cached;
  for (let dir = from; ; dir = dirname(dir)) {
    if (isRoot(dir)) {
      found.set(from, dir);
      return dir;
    }
    if (dirname(dir) === dir) break;
  }
  throw new PackageRootError(`cannot find the ${PACKAGE_NAME} package root above ${from}`, 'reinstall gameday-console (npm install in its folder)');
}

/** A file or folder the package ships, by its path from the root (e.g. 'scenarios'). */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
