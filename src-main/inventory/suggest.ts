/** "Did you mean …?" for names: the closest few by edit distance. */

/** Levenshtein distance, two rows; inputs are short names so O(a×b) is nothing. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The nearest candidates (up to three, all at the smallest distance found), no further than a third
 * of the word's length (at least 2 edits) away: far-off names are noise, not help.
 */
export function closest(word: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  const scored = [...new Set(candidates)]
    .map((c) => ({ c, d: editDistance(word.toLowerCase(), c.toLowerCase()) }))
    .filter((x) => x.d <= limit);
  const best = Math.min(...scored.map((x) => x.d));
  return scored.filter((x) => x.d === best).map((x) => x.c).sort().slice(0, 3);
}

/** A hint sentence, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const near = closest(word, candidates);
  return near.length ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : undefined;
}
