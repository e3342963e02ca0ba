/**
 * Bounded concurrency for work on every node of a lab: a thousand bwraps started at once on a
 * 2-core machine starve everything else the lab serves (SSH handshakes time out), so node-wide
 * starts run a few at a time.
 */

/** Run job(0..n-1), at most `width` at a time; rejects with the first failure. */
export async function inBatches(n: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}
