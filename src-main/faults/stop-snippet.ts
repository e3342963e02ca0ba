/**
 * The shape of a fault's STOP snippet: the least work on the node to undo the fault and to read,
 * from the node's own state, whether anything of it is left. A node's STOP runs every snippet of
 * that node in ONE exec (see stop-batch.ts), so snippets never `exit` and keep their state in
 * variables named from the prefix `v` the composer hands them (unique per fault in the batch).
 */
import type { Shell } from '../shell/index.js';
import type { LibFn } from './shell-lib.js';

export interface StopSnippet {
  /**
   * The snippet reads the filter table as dumped by one `iptables-save -t filter` taken before
   * every revert of the node (`$GD_IPT0`) and one taken after them all (`$GD_IPT1`); `$GD_IPT_OK`
   * is 1 when both dumps are usable (else the snippet falls back to plain iptables calls).
   */
  readsIptables?: boolean;
  /** shell-lib helpers the snippet calls. */
  lib: LibFn[];
  /** Undo the fault; sets `<v>_rc` (0 = the revert's commands went through). Never exits. */
  revert: (v: string) => Shell;
  /**
   * Runs after every revert of the node: sets `<v>_left` to '' when the node shows nothing of the
   * fault, else to one word naming what is left (e.g. `chain`, `hook`, `process`). Never exits.
   */
  check: (v: string) => Shell;
}
