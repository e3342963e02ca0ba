/**
 * One place that turns Node socket/TLS errors into the plain sentence a sample carries: what went
 * wrong in words a room of people can act on, with the system code kept at the end for searching.
 */

/** TLS verification codes (OpenSSL via Node) → what they mean. */
const TLS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  CERT_NOT_YET_VALID: 'the server certificate is not valid yet (check clocks)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed (untrusted) root',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is not signed by a trusted CA (missing intermediate?)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer of the server certificate is not trusted here',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host',
  CERT_REVOKED: 'the server certificate was revoked',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server did not answer TLS (plain HTTP on an https:// URL?)',
};

const NET: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listening, or a REJECT rule)',
  ECONNRESET: 'connection reset by the server or a firewall',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connect timed out',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  EPIPE: 'connection closed while sending',
  ECONNABORTED: 'connection aborted',
  HPE_INVALID_CONSTANT: 'the reply is not HTTP',
};

/** A plain description of a network or TLS error. */
export function describeNetError(err: unknown): string {
  const e = err as { code?: string; message?: string; name?: string };
  const code = e?.code ?? '';
  if (code in TLS) return `TLS: ${TLS[code]} (${code})`;
  // OpenSSL failures arrive as EPROTO with "…:SSL routines:<function>:<reason>:<file>:<line>:".
  const ssl = /SSL routines:[^:]*:([^:]+):/.exec(e?.message ?? '');
  if (ssl) {
    const reason = ssl[1]!.trim();
    if (reason === 'wrong version number') return `TLS: ${TLS.ERR_SSL_WRONG_VERSION_NUMBER} (${code || 'EPROTO'})`;
    return `TLS: handshake failed: ${reason} (${code || 'EPROTO'})`;
  }
  if (code in NET) return `${NET[code]} (${code})`;
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) return `TLS: ${e.message ?? code} (${code})`;
  return e?.message ? (code ? `${e.message} (${code})` : e.message) : String(err);
}

/** The sentence for a probe that hit its timeout. */
export function timeoutMessage(timeoutMs: number): string {
  return `no answer within the ${timeoutMs} ms timeout`;
}
