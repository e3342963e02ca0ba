/**
 * Map a document path (as zod reports it) back to a line and column in the YAML source, so every
 * problem points at the text to edit. Paths that do not exist (a missing field) resolve to the
 * nearest ancestor that does, which is where the field has to be added.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

export interface Position {
  line: number;
  col: number;
  /** False when the path was missing and an ancestor's position is given instead. */
  exact: boolean;
}

interface Ranged {
  range?: [number, number, number] | null;
}

export class Locator {
  constructor(private readonly doc: Document, private readonly lc: LineCounter) {}

  private pos(n: Ranged | null | undefined): { line: number; col: number } | undefined {
    const start = n?.range?.[0];
    return start === undefined ? undefined : this.lc.linePos(start);
  }

  /** Position of the value at `path` (or of its key when the value is empty). */
  at(path: ReadonlyArray<PropertyKey>, wantKey = false): Position {
    let node: unknown = this.doc.contents;
    let best = this.pos(node as Ranged) ?? { line: 1, col: 1 };
    for (const [i, seg] of path.entries()) {
      let next: unknown;
      let keyPos: { line: number; col: number } | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (pair) { keyPos = this.pos(pair.key as Ranged); next = pair.value; }
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
      }
      if (wantKey && keyPos && i === path.length - 1) return { ...keyPos, exact: true };
      const p = this.pos(next as Ranged) ?? keyPos;
      if (p === undefined) return { ...best, exact: false };
      // `port:` with nothing after it: the value has no useful range, point at the key.
      best = isScalar(next) && next.value === null && keyPos ? keyPos : p;
      node = next;
    }
    return { ...best, exact: true };
  }

  /** Position of `key` inside the map at `path` (for unknown-field errors); the map's own position otherwise. */
  keyAt(path: ReadonlyArray<PropertyKey>, key: string): Position {
    return this.at([...path, key], true);
  }
}
