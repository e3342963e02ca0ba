/**
 * Escaping for text that came from the audit (node names, notes, command output, step messages):
 * untrusted, since anyone who can write a note or make a node print something chooses it.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content and quoted attribute values. */
export function escHtml(s: string | number | null | undefined): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => HTML[c]!);
}

/**
 * Text for Markdown (CommonMark/GFM), inline. Characters that make links, images, emphasis, code,
 * strike-through or table-cell breaks get a backslash (an escaped `[` cannot open a link, so
 * `[x](javascript:…)` stays text and parentheses need no escape); `<`,
 * `>` and `&` become entities so raw HTML (`<script>`) and `<javascript:…>` autolinks are shown,
 * never run, by renderers that pass HTML through. (GFM still autolinks a bare `https://…` someone
 * typed into a note: a visible, ordinary link, never script.) Newlines become spaces (a value stays on its line and in its
 * table cell), and a leading `#`, `-`, `+`, `=` or `1.` is escaped so a value never starts a block.
 */
export function escMd(s: string | number | null | undefined): string {
  return String(s ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]!|~]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => HTML[c]!)
    .replace(/^(\s*)([#+=-]|\d+[.)](?=\s|$))/, (_m, sp: string, mark: string) => `${sp}${mark.replace(/^([#+=-])|([.)])$/, '\\$1$2')}`);
}
