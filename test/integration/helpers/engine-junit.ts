/**
 * A strict little XML reader for the JUnit files `gameday run --junit` writes (no XML dependency in
 * the project): it accepts only well-formed XML — one root, balanced tags, quoted attributes, no raw
 * `<` or stray `&` — and returns the element tree so tests can count test cases and failures.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
const NAME = '[A-Za-z_][\\w.:-]*';
const TAG = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"<]*")*)\\s*(/?)>`, 'y');
const ATTR = new RegExp(`(${NAME})\\s*=\\s*"([^"<]*)"`, 'g');
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Parse `text`; throws with the offset of the first thing that is not well-formed. */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const decl = /^<\?xml\s[^?]*\?>\s*/.exec(text);
  if (decl) i = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < text.length) {
    if (text[i] !== '<') {
      const end = text.indexOf('<', i);
      const chunk = text.slice(i, end < 0 ? text.length : end);
      if (ENTITY.test(chunk)) throw new Error(`unescaped & at offset ${i}`);
      if (stack.length === 0 && chunk.trim()) throw new Error(`text outside the root element at offset ${i}`);
      i += chunk.length;
      continue;
    }
    TAG.lastIndex = i;
    const m = TAG.exec(text);
    if (!m) throw new Error(`malformed tag at offset ${i}: ${JSON.stringify(text.slice(i, i + 40))}`);
    const [whole, close, name, rawAttrs, selfClose] = m as unknown as [string, string, string, string, string];
    i += whole.length;
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> does not close <${open?.name ?? 'nothing'}> (offset ${i})`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs.matchAll(ATTR)) {
      if (ENTITY.test(a[2]!)) throw new Error(`unescaped & in attribute ${a[1]} of <${name}>`);
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      attrs[a[1]!] = unescape(a[2]!);
    }
    const el: XmlElement = { name, attrs, children: [] };
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else if (root) throw new Error(`a second root element <${name}>`);
    else root = el;
    if (!selfClose) stack.push(el);
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element named `name` under `el` (depth first). */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
