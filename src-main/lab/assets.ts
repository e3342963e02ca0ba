/**
 * Where the labs' node-side programs are on disk (node-up.sh, the HTTP service, the simulated
 * tools, the GPU simulators): under src-main/lab of the installed package, found from the package
 * root (never from the working directory). They are run as separate processes, so they must be
 * real files; esbuild's CLI bundle and the Electron build carry only the code that starts them.
 */
import { join } from 'node:path';
import { packageRoot } from '../package/index.js';

/** A path under src-main/lab of the package rooted at `root` (a lab records its root in lab.json). */
export function labAssetIn(root: string, ...parts: string[]): string {
  return join(root, 'src-main', 'lab', ...parts);
}

/** A path under src-main/lab of this package. */
export function labAsset(...parts: string[]): string {
  return labAssetIn(packageRoot(), ...parts);
}
