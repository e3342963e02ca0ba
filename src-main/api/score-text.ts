/**
 * A drill score part as people read it, the same on screen and in the report: never below zero.
 * A part whose penalties exceed its points reads "0 / 10, −5 penalty" (the −5 still counts in the
 * total, and the sentence says so), not "−5 / 10".
 */

/** "30 / 30", or "0 / 10, −5 penalty" when the part went below zero. */
export function scorePartText(points: number, max: number): string {
  const p = Math.round(points);
  if (p >= 0) return `${p} / ${max}`;
  return `0 / ${max}, −${Math.abs(p)} penalty`;
}

/** The total, floored at zero: a score is never shown as negative. */
export function scoreTotal(total: number): number {
  return Math.max(0, Math.round(total));
}
