// How iptables-restore splits a rule line into words (xtables add_param_to_argv), kept apart so a
// test can check it alone: words end at a space, tab or newline; "…" quotes, and a closing quote
// ends the word even when it is empty or a letter follows (`"a b"c` is two words); a backslash
// escapes the next character inside quotes only, and is a plain character outside them.

/** The words of one rule line (its trailing newline included or not). */
export function splitRuleLine(line) {
  const words = [];
  let cur = '';
  let quoted = false;
  let escaped = false;
  for (const c of line) {
    if (quoted) {
      if (escaped) {
        cur += c;
        escaped = false;
      } else if (c === '\\') escaped = true;
      else if (c === '"') {
        quoted = false;
        words.push(cur);
        cur = '';
      } else cur += c;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ' ' || c === '\t' || c === '\n') {
      if (cur) words.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) words.push(cur);
  return words;
}
