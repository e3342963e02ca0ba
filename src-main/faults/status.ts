/**
 * Machine-readable status lines printed by node-side scripts: `GAMEDAY key=value key=value ...`.
 * Values never contain spaces (we print only ids, numbers, paths we built and fixed words), so
 * splitting on whitespace is exact. Everything else on stdout (tool chatter) is ignored.
 */

/** Every `GAMEDAY` line, in order, as key → value. */
export function parseStatusLines(stdout: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^GAMEDAY\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const rec: Record<string, string> = {};
    for (const word of (m[1] ?? '').split(/\s+/)) {
      const eq = word.indexOf('=');
      if (eq > 0) rec[word.slice(0, eq)] = word.slice(eq + 1);
    }
    out.push(rec);
  }
  return out;
}

/** All status lines merged into one record (a later key wins), e.g. `{ inject: 'ok', verify: 'ok' }`. */
export function parseStatus(stdout: string): Record<string, string> {
  return Object.assign({}, ...parseStatusLines(stdout)) as Record<string, string>;
}

/**
 * One line of `scanTraces`/`cleanupAll` output: `TRACE kind=...` (found), `CLEANED kind=... ok=yes|no`
 * (removed), `LIVE run=... renewed=N ttl=T` (a live run, left alone), `LEFT kind=...` (still there
 * after a clean). The closing `SWEEP done=yes` is not a trace: see sweepCompleted().
 */
export interface TraceLine {
  verb: 'TRACE' | 'CLEANED' | 'LIVE' | 'LEFT';
  fields: Record<string, string>;
}

export function parseTraces(stdout: string): TraceLine[] {
  const out: TraceLine[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^(TRACE|CLEANED|LIVE|LEFT)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const fields: Record<string, string> = {};
    for (const word of (m[2] ?? '').split(/\s+/)) {
      const eq = word.indexOf('=');
      if (eq > 0) fields[word.slice(0, eq)] = word.slice(eq + 1);
    }
    out.push({ verb: m[1] as TraceLine['verb'], fields });
  }
  return out;
}

/** True when a sweep's output ends with its `SWEEP done=yes` line: it was not killed half-way. */
export function sweepCompleted(stdout: string): boolean {
  return /^SWEEP done=yes\s*$/m.test(stdout);
}
