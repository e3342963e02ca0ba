/**
 * How the report writes times and numbers. Wall times are UTC: a post-mortem is read by people in
 * other time zones and compared with logs, which are usually UTC too.
 */
import { formatDuration } from '../api/index.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "2025-03-04 14:03:07 UTC". */
export function fmtWall(t: number): string {
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** "14:03:07.250" (UTC time of day, ms kept: timelines need sub-second order). */
export function fmtClock(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** Elapsed since the run started: "T+04:05", "T+1:02:03", "T−00:02" before the start. */
export function fmtElapsed(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const body = h > 0 ? `${h}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` : `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
  return `T${sign}${body}`;
}

/** A duration, or "—" when unknown. */
export function fmtMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? '—' : formatDuration(ms);
}

/** "± 500ms": the precision every probe-derived time carries. */
export function fmtPrecision(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : `± ${formatDuration(ms)}`;
}

/** Percent with two decimals ("99.52 %"), or "—". */
export function fmtPct(p: number | null | undefined, digits = 2): string {
  return p === null || p === undefined || !Number.isFinite(p) ? '—' : `${p.toFixed(digits)} %`;
}
