/** Decodes a byte stream chunk by chunk (a UTF-8 character may straddle two chunks). */
export function utf8Stream(): (b: Buffer) => string {
  const d = new TextDecoder();
  return (b) => d.decode(b, { stream: true });
}
