// The canonical form of a request path. Icecast routes on the percent-decoded URI and its
// util_normalise_uri refuses "//", "/./" and "/../" (docs/gateway-security.md#path-canonicalisation): /%61dmin/stats
// *is* /admin/stats, /%2561dmin is not. So the relay decodes exactly once, with a strict decoder,
// and rejects anything whose meaning could differ between two parsers.
import { isUtf8 } from 'node:buffer';

export type PathResult = { kind: 'ok'; path: string } | { kind: 'error'; message: string };

/** `raw` is the path part of an origin-form target (no query), as visible ASCII. */
export function canonicalPath(raw: string): PathResult {
  if (!raw.startsWith('/')) return fail('the path must start with "/"');
  const bytes = percentDecode(raw);
  if (bytes === null) return fail('the path has a malformed percent escape');
  if (!isUtf8(bytes)) return fail('the path is not valid UTF-8 once decoded');
  const path = bytes.toString('utf8');
  // %00 and other decoded control characters would reach logs, playlists and response headers.
  if (/[\x00-\x1f\x7f]/.test(path)) return fail('the path contains a control character');
  // Icecast treats "\" as a separator; WHATWG URL does too. Either way it is ambiguous.
  if (path.includes('\\')) return fail('the path contains a backslash');
  if (path.includes('//')) return fail('the path contains an empty segment ("//")');
  if (path.split('/').some((s) => s === '.' || s === '..')) return fail('the path contains a "." or ".." segment');
  return { kind: 'ok', path };
}

/** Decodes %XX escapes once; null when a "%" is not followed by two hex digits. */
export function percentDecode(text: string): Buffer | null {
  const [head = '', ...escaped] = text.split('%');
  const parts = [Buffer.from(head, 'utf8')];
  for (const part of escaped) {
    if (!/^[0-9A-Fa-f]{2}/.test(part)) return null;
    parts.push(Buffer.of(parseInt(part.slice(0, 2), 16)), Buffer.from(part.slice(2), 'utf8'));
  }
  return Buffer.concat(parts);
}

function fail(message: string): PathResult {
  return { kind: 'error', message };
}
