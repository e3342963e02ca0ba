/**
 * Names every trace a fault leaves on a node (chains, comments, units, files, tc handles). They are
 * all derived from the run id and fault id, so cleanup can find them again with no database.
 */
import { createHash } from 'node:crypto';
import type { FaultContext } from './types.js';

/** Contract from types.ts: fault ids are [a-z0-9-]{1,24}, so `GD-<id>` fits iptables' 28-char chain limit. */
const FAULT_ID = /^[a-z0-9][a-z0-9-]{0,23}$/;
/**
 * Run ids become path components, systemd unit names and the middle of `gameday:<run>:<fault>`
 * comments, so no `/`, no `:` (the comment separator), no leading `.`/`-`. 64 chars keeps the unit
 * name (`gameday-<run>-<fault>.timer`) far below systemd's 255-char limit.
 */
const RUN_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** A programming error: ids come from the engine, not from users, so this is a bug, not a user mistake. */
export class BadFaultContext extends Error {
  readonly code = 'BAD_FAULT_CONTEXT';
}

export function isRunId(s: string): boolean {
  return RUN_ID.test(s);
}

export function isFaultId(s: string): boolean {
  return FAULT_ID.test(s);
}

/** Throws BadFaultContext when ids are not safe to use in names; every builder calls this first. */
export function assertCtx(ctx: Pick<FaultContext, 'runId' | 'faultId'>): void {
  if (!RUN_ID.test(ctx.runId)) throw new BadFaultContext(`runId ${JSON.stringify(ctx.runId)} must match ${RUN_ID}`);
  if (!FAULT_ID.test(ctx.faultId)) throw new BadFaultContext(`faultId ${JSON.stringify(ctx.faultId)} must match ${FAULT_ID}`);
}

/** Our own iptables chain: `GD-` + up to 24 chars = 27, under the 28-char xtables limit. */
export function chainName(ctx: Pick<FaultContext, 'faultId'>): string {
  return `GD-${ctx.faultId}`;
}

/** Comment carried by the hook rules that jump into our chain. */
export function commentTag(ctx: Pick<FaultContext, 'runId' | 'faultId'>): string {
  return `gameday:${ctx.runId}:${ctx.faultId}`;
}

/** Value of GAMEDAY_FAULT in the environment of every process we start (found again via /proc/<pid>/environ). */
export function processTag(ctx: Pick<FaultContext, 'runId' | 'faultId'>): string {
  return `${ctx.runId}:${ctx.faultId}`;
}

/** systemd transient unit (timer + service) that backs up the lease watchdog. */
export function unitName(ctx: Pick<FaultContext, 'runId' | 'faultId'>): string {
  return `gameday-${ctx.runId}-${ctx.faultId}`;
}

/** File name (in the target directory) of the disk-fill ballast file. */
export function fillFileName(ctx: Pick<FaultContext, 'runId' | 'faultId'>): string {
  return `.gameday-fill-${ctx.runId}-${ctx.faultId}`;
}

/**
 * Minor id of the shaped HTB class and handle of its leaf qdisc. A fixed value ("fa17", fault) is
 * our signature: cleanup recognises our trees by it without knowing which fault made them.
 */
export const TC_SIG = 'fa17';

/**
 * Root HTB handle (hex, 16-bit major) derived from the run and fault ids, so a revert deletes a root
 * qdisc only when it is *this* fault's, never another fault's on the same interface. Range
 * 0x1000-0xefff avoids 0 (invalid), 0xffff (reserved for ingress) and our signature major.
 */
export function tcMajor(ctx: Pick<FaultContext, 'runId' | 'faultId'>): string {
  const h = createHash('sha256').update(`${ctx.runId}\0${ctx.faultId}`).digest().readUInt16BE(0);
  const span = 0xefff - 0x1000 + 1;
  let major = 0x1000 + (h % span);
  if (major.toString(16) === TC_SIG) major += 1;
  return major.toString(16);
}

/** Wrap a builder so it validates the context's ids before building anything. */
export function checked<P, R>(fn: (p: P, ctx: FaultContext) => R): (p: P, ctx: FaultContext) => R {
  return (p, ctx) => {
    assertCtx(ctx);
    return fn(p, ctx);
  };
}
