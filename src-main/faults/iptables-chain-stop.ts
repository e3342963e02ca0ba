/**
 * STOP snippet for the chain faults (port-block, network-loss, partition, dependency-block): the
 * whole revert of one fault is ONE atomic `iptables-restore --noflush` transaction (delete every
 * hook that jumps to the chain, flush it, delete it), composed from the node's filter table as
 * dumped once before the node's reverts; the check reads the one dump taken after them. Where
 * iptables-save/-restore are missing or fail, it falls back to chainRevert's iptables calls.
 */
import { sh, Shell } from '../shell/index.js';
import { chainRevert } from './iptables-chain.js';
import { chainName } from './ids.js';
import type { StopSnippet } from './stop-snippet.js';
import type { FaultContext } from './types.js';

/** Lean revert + check of the chain `GD-<faultId>` (see stop-batch.ts for `$GD_IPT0/1`). */
export function chainStop(ctx: FaultContext): StopSnippet {
  const c = chainName(ctx);
  return {
    readsIptables: true,
    lib: [],
    revert: (v) => {
      const x = Shell.raw(v);
      // Hooks are our tagged jumps (the shape chainInject writes), taken verbatim from the dump
      // (`-A` becomes `-D`), so hooks a previous run left with the same fault id go too; a rule we
      // do not own that jumps to the chain is left alone. The here-doc keeps the loop in this shell.
      // Should the node refuse the whole transaction (the chain is still referenced), the hooks
      // alone are removed and flushed chain is left: the fault is off, the chain is named as left.
      return sh`if [ "$GD_IPT_OK" = 1 ]; then
  ${x}_h=; ${x}_c=
  while IFS= read -r gd_ln; do
    case $gd_ln in "-A "*" -m comment --comment "*gameday:*" -j "${c}) ${x}_h="$${x}_h-D \${gd_ln#-A }
" ;; esac
  done <<GD_EOF
$GD_IPT0
GD_EOF
  case "
$GD_IPT0
" in *"
:"${c}" "*) ${x}_c="-F "${c}"
-X "${c}"
" ;; esac
  ${x}_rc=0
  if [ -n "$${x}_h$${x}_c" ]; then
    printf '*filter\n%s%sCOMMIT\n' "$${x}_h" "$${x}_c" | iptables-restore -w 5 --noflush; ${x}_rc=$?
    if [ $${x}_rc -ne 0 ]; then printf '*filter\n%s-F %s\nCOMMIT\n' "$${x}_h" ${c} | iptables-restore -w 5 --noflush; fi
  fi
else
  sh -c ${chainRevert(ctx).text}; ${x}_rc=$?
fi`;
    },
    check: (v) =>
      sh`if [ "$GD_IPT_OK" = 1 ]; then
  case "
$GD_IPT1
" in *"
:"${c}" "*) ${Shell.raw(v)}_left=chain ;; *" -j "${c}"
"*) ${Shell.raw(v)}_left=hook ;; *) ${Shell.raw(v)}_left= ;; esac
elif iptables -w 5 -S ${c} >/dev/null 2>&1; then ${Shell.raw(v)}_left=chain
else ${Shell.raw(v)}_left=; fi`,
  };
}
