/** Small statistics helpers for benchmarks: figures are printed, never asserted. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
export const ms = (x: number) => `${x.toFixed(0).padStart(6)} ms`;
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** Time an async function `runs` times after `warmup` untimed runs; returns all samples (ms). */
export async function sample(runs: number, fn: () => Promise<unknown>, warmup = 0): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Least-squares line through (x, y): slope (y per x) and intercept. */
export function linearFit(xs: number[], ys: number[]): { slope: number; intercept: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
  });
  const slope = sxx ? sxy / sxx : 0;
  return { slope, intercept: my - slope * mx };
}

/** Raw per-trial figures, for the record: `[812, 790, …] ms`. */
export const raw = (xs: number[]) => `[${xs.map((x) => x.toFixed(0)).join(', ')}] ms`;
