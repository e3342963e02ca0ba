/**
 * Ansible INI inventories: `[group]` host lines with `key=value` vars, `[group:vars]`,
 * `[group:children]`, host ranges, and `host:port`. Hosts before any section are "ungrouped".
 */
import { addChild, addHost, AnsibleImportError, assignVars, emptyModel, expandHostRange, group, type AnsibleModel } from './ansible-model.js';

/** shlex-like split (as Ansible's INI plugin does): quotes group and are removed, `#` starts a comment. */
function shellWords(s: string, file: string, line: number): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) { if (c === quote) quote = null; else word += c; continue; }
    if (/\s/.test(c)) { if (word !== null) out.push(word); word = null; continue; }
    if (c === '#' && word === null) break;
    if (c === '"' || c === "'") { quote = c; word ??= ''; continue; }
    word = (word ?? '') + c;
  }
  if (quote) throw new AnsibleImportError(file, line, `unterminated ${quote} quote`);
  if (word !== null) out.push(word);
  return out;
}

function keyValue(token: string, file: string, line: number): [string, string] {
  const eq = token.indexOf('=');
  if (eq <= 0) throw new AnsibleImportError(file, line, `expected key=value, got "${token}"`);
  return [token.slice(0, eq), token.slice(eq + 1)];
}

/** Parse INI inventory text into the shared model. Throws AnsibleImportError with file:line. */
export function parseAnsibleIni(text: string, file: string): AnsibleModel {
  const m = emptyModel();
  let section = 'ungrouped';
  let kind: 'hosts' | 'vars' | 'children' = 'hosts';
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = idx + 1;
    const s = raw.trim();
    if (s === '' || s.startsWith('#') || s.startsWith(';')) return;
    const header = /^\[([^\]]+)\]$/.exec(s);
    if (header) {
      const [name, suffix, extra] = header[1]!.trim().split(':');
      if (!name || extra !== undefined || (suffix !== undefined && suffix !== 'vars' && suffix !== 'children')) {
        throw new AnsibleImportError(file, line, `bad section [${header[1]}]; use [group], [group:vars] or [group:children]`);
      }
      section = name;
      kind = suffix === undefined ? 'hosts' : suffix;
      group(m, section);
      return;
    }
    if (kind === 'vars') {
      const [k, v] = keyValue(s, file, line);
      assignVars(group(m, section).vars, { [k.trim()]: stripQuotes(v.trim()) });
      return;
    }
    const words = shellWords(s, file, line);
    if (words.length === 0) return;
    if (kind === 'children') { addChild(m, section, words[0]!); return; }
    const vars: Record<string, unknown> = {};
    for (const w of words.slice(1)) assignVars(vars, Object.fromEntries([keyValue(w, file, line)]));
    let pattern = words[0]!;
    // `host:port` shorthand (one colon, digits after; IPv6 literals have several colons).
    const hp = /^([^:]+):(\d+)$/.exec(pattern);
    if (hp) { pattern = hp[1]!; vars.ansible_port ??= hp[2]; }
    let hosts: string[];
    try { hosts = expandHostRange(pattern); } catch (e) { throw new AnsibleImportError(file, line, (e as Error).message); }
    for (const h of hosts) addHost(m, section, h, vars);
  });
  return m;
}

function stripQuotes(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}
