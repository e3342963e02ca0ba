/**
 * "Did you mean …?" for field names, ids and enum values. Uses the optimal-string-alignment edit
 * distance (Levenshtein plus adjacent transpositions), because swapped letters (`tpc` for `tcp`)
 * are the most common typo and plain Levenshtein counts them as two edits.
 */

/** Edit distance with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Words longer than this are not typos of a name; skipping them keeps hostile input cheap. */
const MAX_COMPARED = 64;

/**
 * The nearest candidates (up to three, all at the smallest distance), no further than a third of
 * the word's length (at least 2 edits) away: far-off names are noise, not help.
 */
export function closest(word: string, candidates: Iterable<string>): string[] {
  if (word.length > MAX_COMPARED) return [];
  const limit = Math.max(2, Math.floor(word.length / 3));
  const w = word.toLowerCase();
  const scored = [...new Set(candidates)]
    .filter((c) => c.length <= MAX_COMPARED)
    .map((c) => ({ c, d: editDistance(w, c.toLowerCase()) }))
    .filter((x) => x.d <= limit);
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map((x) => x.d));
  return scored.filter((x) => x.d === best).map((x) => x.c).sort().slice(0, 3);
}

/** A hint sentence, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const near = closest(word, candidates);
  return near.length ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : undefined;
}
