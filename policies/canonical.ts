// The one spelling of a request target that policies judge and upstream receives. Icecast decodes
// the URI once before routing, so /%61dmin/stats *is* its admin interface while a prefix match on
// the raw target says it is not (docs/gateway-security.md#path-canonicalisation). The gateway therefore decodes
// exactly once (relay/request-path.ts), refuses whatever two parsers could read differently, and
// forwards the re-encoded canonical path, never the raw one: /%2561dmin/stats reaches upstream as
// /%2561dmin/stats, which it decodes to the harmless /%61dmin/stats.
import { canonicalPath } from '../stream/paths/request.ts';
import { deny } from './decision.ts';
import type { Deny } from './types.ts';

export type CanonicalTarget =
  | {
      readonly kind: 'ok';
      /** Decoded once and checked; "*" for OPTIONS *. */
      readonly path: string;
      readonly query: URLSearchParams;
      /** What to put in the request line toward upstream: re-encoded path plus the checked query. */
      readonly forward: string;
    }
  | Deny;

export function canonicalTarget(method: string, target: string): CanonicalTarget {
  if (target === '' || !/^[\x21-\x7e]+$/.test(target)) {
    return bad('the target is empty or contains a space, control or non-ASCII byte');
  }
  // RFC 9112 §3.2.4: asterisk-form exists only for a server-wide OPTIONS.
  if (target === '*') {
    return method === 'OPTIONS' ? { kind: 'ok', path: '*', query: new URLSearchParams(), forward: '*' } : bad('the "*" target is only valid with OPTIONS');
  }
  // Origin-form only (RFC 9112 §3.2.1): absolute-form names a host of the client's choosing, and
  // WHATWG URL parses "//admin/stats" as host "admin" (docs/gateway-security.md#path-canonicalisation).
  if (!target.startsWith('/')) return bad('the target is not in origin-form (absolute-form and authority-form are refused)');
  if (target.includes('#')) return bad('the target contains a fragment ("#")');
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQuery = q === -1 ? '' : target.slice(q + 1);
  // The relay decodes %2F into a separator; Icecast and other proxies may not. A path whose
  // segments depend on who parses it is refused rather than guessed.
  if (/%(2f|5c)/i.test(rawPath)) return bad('the path contains an encoded "/" or "\\"');
  const path = canonicalPath(rawPath);
  if (path.kind === 'error') return bad(path.message);
  if (/%(?![0-9A-Fa-f]{2})/.test(rawQuery)) return bad('the query has a malformed percent escape');
  const forward = encodePath(path.path) + (rawQuery === '' ? '' : `?${rawQuery}`);
  return { kind: 'ok', path: path.path, query: new URLSearchParams(rawQuery), forward };
}

/** RFC 3986 §3.3 pchar plus "/": everything else, "%" included, is percent-encoded as UTF-8. */
export function encodePath(path: string): string {
  let out = '';
  for (const ch of path) {
    if (/^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function bad(reason: string): Deny {
  return deny('GW_BAD_TARGET', reason);
}
