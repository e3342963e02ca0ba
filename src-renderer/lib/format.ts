/** Formatting for a room that reads numbers from across a table: fixed width, no jitter. */

/** 83_000 → "01:23"; 3_723_000 → "1:02:03"; negative → "−00:05". Whole seconds, floor. */
export function clock(ms: number): string {
  const neg = ms < 0;
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return `${neg ? '−' : ''}${h > 0 ? `${h}:${mm}` : mm}:${ss}`;
}

/** 4_100 → "4.1 s"; 95_000 → "1 m 35 s"; sub-second → "850 ms". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} m ${s} s`;
}

/** Wall-clock time of day, 24 h, seconds: what a scribe writes down. */
export function timeOfDay(epochMs: number): string {
  const d = new Date(epochMs);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** An ISO string or epoch → "2025-01-02 13:04:05". */
export function dateTime(v: string | number): string {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Colour of an elapsed-vs-planned timer. Amber once over plan; red once over plan by a quarter
 * (a 20 s phase at 25 s is drifting; at 26 s the room should decide to move on).
 */
export const OVERRUN_RED_FACTOR = 1.25;
export function overrunColour(elapsedMs: number, plannedMs: number | undefined): 'ok' | 'amber' | 'red' {
  if (!plannedMs || elapsedMs <= plannedMs) return 'ok';
  return elapsedMs > plannedMs * OVERRUN_RED_FACTOR ? 'red' : 'amber';
}
