import { z } from 'zod';
import { sh, Shell } from '../shell/index.js';
import { checked, fillFileName } from './ids.js';
import { absPath } from './schemas.js';
import { script } from './shell-lib.js';
import type { FaultContext, FaultModule } from './types.js';

const Params = z.strictObject({
  /** A directory on the filesystem to fill; the ballast file goes directly in it. */
  path: absPath,
  /** Fill until the filesystem reports this much used (df "Use%"), unless a floor stops us first. */
  targetPercent: z.number().int().min(1, 'must be 1-99').max(99, 'must be 1-99 (never 100: the node must keep working)'),
  /** Safety floor: always leave at least this much free for everyone else ... */
  keepFreeMb: z.number().int().min(0).max(10_485_760, 'must be at most 10 TB').default(500),
  /** ... and at least this share of the filesystem. The larger of the two floors wins. */
  keepFreePercent: z.number().min(0).max(50, 'must be 0-50').default(5),
});
export type DiskFillParams = z.infer<typeof Params>;

const file = (p: DiskFillParams, ctx: FaultContext) => `${p.path.replace(/\/+$/, '')}/${fillFileName(ctx)}`;

/**
 * Sizes are computed on the node from `df -P -k` (1024-byte blocks, one line per filesystem):
 * fill = min(target_used - used, avail - floor). awk does the arithmetic in doubles (exact far
 * beyond any disk size) and prints whole bytes.
 */
function inject(p: DiskFillParams, ctx: FaultContext): Shell {
  const awk = `NR == 2 {
    floor = $2 * pct / 100; if (mb * 1024 > floor) floor = mb * 1024
    want = $2 * target / 100 - $3; room = $4 - floor
    fill = (want < room) ? want : room
    printf "%.0f %.0f %.0f %s\\n", (fill > 0 ? fill * 1024 : 0), want, room, (want > room ? "yes" : "no") }`;
  return script(
    ['gd_refuse'],
    sh`gd_dir=${p.path}; gd_f=${file(p, ctx)}`,
    Shell.raw(`[ -d "$gd_dir" ] || { echo "no such directory: $gd_dir" >&2; exit 1; }`),
    Shell.raw(`if [ -L "$gd_f" ]; then gd_refuse fill_file_is_link "$gd_f is a symlink (not ours)"; fi`),
    Shell.raw(`if [ -f "$gd_f" ]; then echo "GAMEDAY fill_file=$gd_f already=present"; exit 0; fi`),
    sh`set -- $(df -P -k "$gd_dir" | awk -v target=${p.targetPercent} -v mb=${p.keepFreeMb} -v pct=${p.keepFreePercent} ${awk})`,
    Shell.raw(`[ $# -eq 4 ] || { echo "cannot read df for $gd_dir" >&2; exit 1; }`),
    Shell.raw(`gd_bytes=$1`),
    Shell.raw(`case $2 in -*|0) gd_refuse already_at_target "filesystem of $gd_dir is already at or above the target" ;; esac`),
    Shell.raw(`[ "$gd_bytes" != 0 ] || gd_refuse safety_floor "filesystem of $gd_dir is already at the free-space floor"`),
    // noclobber: never write through a file or link someone planted meanwhile.
    Shell.raw(`( set -C; : > "$gd_f" ) 2>/dev/null || { echo "cannot create $gd_f" >&2; exit 1; }`),
    // fallocate is instant where supported; dd (1 MiB blocks) covers filesystems without it.
    Shell.raw(`if ! fallocate -l "$gd_bytes" "$gd_f" 2>/dev/null; then dd if=/dev/zero of="$gd_f" bs=1048576 count=$((gd_bytes / 1048576)) 2>/dev/null || { rm -f "$gd_f"; echo "could not fill $gd_f" >&2; exit 1; }; fi`),
    Shell.raw(`echo "GAMEDAY fill_file=$gd_f fill_bytes=$gd_bytes capped_by_floor=$4"`),
  );
}

/** Disk fill: a ballast file up to a target use %, never past a free-space floor. */
export const diskFill: FaultModule<DiskFillParams> = {
  id: 'disk-fill',
  title: 'Disk fill',
  category: 'host',
  risk: 'medium',
  caveat: 'Never fills past the free-space floor (default: keep 5% and 500 MB free); df on some filesystems lags a moment.',
  params: Params,
  presets: { low: { targetPercent: 80 }, medium: { targetPercent: 90 }, high: { targetPercent: 97 } },
  requires: { tools: ['df', 'awk', 'fallocate|dd'], root: false },
  inject: checked(inject),
  verify: checked((p, ctx) => sh`[ -f ${file(p, ctx)} ] && [ ! -L ${file(p, ctx)} ] && [ -s ${file(p, ctx)} ]`),
  revert: checked((p, ctx) => sh`rm -f ${file(p, ctx)}; [ ! -e ${file(p, ctx)} ]`),
  observe: checked((p) => sh`df -P -k ${p.path}`),
};
