// The simulated node's two filesystems: "/" (static numbers) and the data disk mounted at
// /var/lib/gameday-lab/data (a folder in the node's sandbox). Ballast files written by the
// simulated fallocate/dd hold a one-line marker with their claimed size instead of real bytes, so
// a disk-fill drill never fills the laptop's disk; df adds those claims to the data disk's usage.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_REL = 'var/lib/gameday-lab/data';
export const BALLAST_MARK = 'gameday-sim-ballast ';
/** Marker files are one short line; anything longer is a real file counted by its size. */
const MARK_MAX_BYTES = 64;

/** Defaults when node.json has no disk section: a 40 GiB root at 38 % and a 20 GiB data disk at 35 %. */
export const DEFAULT_DISK = { rootKb: 41_943_040, rootUsedKb: 15_938_355, dataKb: 20_971_520, dataUsedKb: 7_340_032 };

/** Claimed size of one file: the marker's number, or its real size (0 for anything but a plain file). */
export function fileBytes(path) {
  let fd;
  try {
    // No symlink, and no blocking on a FIFO swapped in meanwhile: the lab runs this outside the node.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return 0;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return 0;
    if (st.size <= MARK_MAX_BYTES) {
      const buf = Buffer.alloc(st.size);
      readSync(fd, buf, 0, st.size, 0);
      const s = buf.toString('utf8');
      if (s.startsWith(BALLAST_MARK)) return Number(s.slice(BALLAST_MARK.length).trim()) || 0;
    }
    return st.size;
  } finally {
    closeSync(fd);
  }
}

function treeBytes(dir) {
  let n = 0;
  // Entries are typed without following links: a symlink is neither a folder nor a file here.
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += treeBytes(p);
    else if (e.isFile()) n += fileBytes(p);
  }
  return n;
}

/** Is path a real folder (not a symlink to one: the lab walks it outside the node)? */
function isRealDir(path) {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** { dataDir, sizeKb, usedKb, availKb, usedPct } of the data disk, from node config and sandbox. */
export function dataDisk(root, cfg = {}) {
  const d = { ...DEFAULT_DISK, ...(cfg.disk ?? {}) };
  const dataDir = join(root, DATA_REL);
  const extraKb = isRealDir(dataDir) ? Math.ceil(treeBytes(dataDir) / 1024) : 0;
  const usedKb = Math.min(d.dataKb, d.dataUsedKb + extraKb);
  return { dataDir, sizeKb: d.dataKb, usedKb, availKb: d.dataKb - usedKb, usedPct: Math.ceil((usedKb * 100) / d.dataKb) };
}

export function rootDisk(cfg = {}) {
  const d = { ...DEFAULT_DISK, ...(cfg.disk ?? {}) };
  return { sizeKb: d.rootKb, usedKb: d.rootUsedKb, availKb: d.rootKb - d.rootUsedKb, usedPct: Math.ceil((d.rootUsedKb * 100) / d.rootKb) };
}

/** Is `path` (after resolving symlinks) inside the data disk? */
export function onDataDisk(root, path) {
  try {
    const real = realpathSync(path);
    const data = realpathSync(join(root, DATA_REL));
    return real === data || real.startsWith(`${data}/`);
  } catch {
    return false;
  }
}
