/**
 * The probes' clock. Sample times are epoch milliseconds read as `performance.timeOrigin +
 * performance.now()`: a monotonic clock (NTP steps and manual clock changes cannot move it backwards
 * or make an interval negative) expressed on the epoch scale, so samples line up with wall-clock
 * events within the small, fixed offset `wallOffsetMs()` reports (reports record that offset).
 */

/** Epoch ms on the monotonic base. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Wall clock minus monotonic epoch, in ms: add it to a sample time to get `Date.now()` terms. */
export function wallOffsetMs(): number {
  return Date.now() - nowMs();
}

/** Round to 0.1 ms: finer digits are noise from the event loop, coarser would hide 100 ms intervals' detail. */
export function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}
