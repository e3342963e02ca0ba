/**
 * Secrets never enter the audit, reports or logs. Commands and outputs pass through here before
 * they are stored: private key blocks, `password=`/`token=`-style assignments, bearer tokens and
 * URL credentials are replaced by `[REDACTED]`.
 */
const RULES: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[REDACTED PRIVATE KEY]'],
  [/\b((?:pass(?:word|wd)?|secret|token|api[_-]?key|access[_-]?key)\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1[REDACTED]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [REDACTED]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi, '$1[REDACTED]@'],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, rep] of RULES) out = out.replace(re, rep);
  return out;
}

/** Keep the head and tail of long output (the audit stores excerpts, not whole logs). */
export function excerpt(text: string, max = 2000): string {
  if (text.length <= max) return redact(text);
  const half = Math.floor(max / 2);
  return redact(`${text.slice(0, half)}\n… [${text.length - max} bytes elided] …\n${text.slice(-half)}`);
}
