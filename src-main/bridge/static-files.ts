/**
 * Serves the built renderer (out/renderer) with strict security headers: a CSP that allows only
 * our own scripts and our own WebSocket, no framing, no referrer (the token is in the URL), and
 * index.html never cached (hashed assets may be).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * The Content-Security-Policy for the served app. `style-src 'unsafe-inline'` stays because xterm
 * and echarts create style elements at run time; scripts are 'self' only, so injected markup cannot
 * run code. connect-src names the bridge's own WebSocket explicitly.
 */
export function contentSecurityPolicy(wsOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${wsOrigin}`,
    // The report preview is an iframe with srcdoc (sandboxed, no scripts).
    "frame-src 'self' about:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every response of the bridge carries. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
  };
}

/** Map a URL path to a file inside `root`, or null (traversal, dotfiles, missing). */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (rel.split('/').some((seg) => seg.startsWith('.'))) return null;
  const full = normalize(join(root, rel));
  if (!full.startsWith(normalize(root) + sep)) return null;
  if (!existsSync(full) || !statSync(full).isFile()) return null;
  return full;
}

/** Write one static file with its type and caching policy. */
export function sendFile(res: ServerResponse, file: string, headers: Record<string, string>, head: boolean): void {
  const body = readFileSync(file);
  const isIndex = file.endsWith('index.html');
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': String(body.length),
    // index.html names the current asset hashes: never cache it. Assets are content-hashed.
    'Cache-Control': isIndex ? 'no-store' : 'private, max-age=31536000, immutable',
  });
  res.end(head ? undefined : body);
}

/** A short plain-text answer (errors, refusals). */
export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}
