// The source link: everything a broadcaster's `icegate push` needs to reach one mount, in one line
// that `icegate source-link` prints on the server (docs/push.md).
//
//   icegate+tls://USER:PASSWORD@HOST:PORT/MOUNT#pin-sha256=PIN[&pin-sha256=NEXT]
//
// USER and PASSWORD are percent-encoded (RFC 3986 §3.2.1 userinfo). Each PIN is RFC 7469 §2.4's
// pin-sha256: base64 of the SHA-256 of the server certificate's SubjectPublicKeyInfo, so a
// renewal that keeps the key keeps the pin. The agent accepts a server matching any listed pin
// (RFC 7469 §2.6: a pin set), which lets a planned key change name the next key in advance.
// Without a pin the server's certificate is verified against the system's CAs instead.

export const SOURCE_LINK_SCHEME = 'icegate+tls';
export const DEFAULT_SOURCE_PORT = 8001;

export interface SourceLink {
  user: string;
  password: string;
  /** A DNS name or an IP address; IPv6 without brackets. */
  host: string;
  port: number;
  /** Starts with "/", e.g. /live.mp3. */
  mount: string;
  /** base64 SHA-256 SPKI pins; empty = verify the certificate with the system's CAs. */
  pins: string[];
}

/** A malformed link; `part` names what is wrong (scheme, user, password, host, port, mount, pin). */
export class SourceLinkError extends Error {
  override name = 'SourceLinkError';
  constructor(
    readonly part: string,
    message: string,
  ) {
    super(`source link: ${part}: ${message}`);
  }
}

/** 32 bytes of SHA-256 in base64 are 44 characters ending in "=" (RFC 7469 §2.4). */
const PIN = /^[A-Za-z0-9+/]{43}=$/;
const MOUNT = /^\/[A-Za-z0-9._~!$&'()*+,;=:@\-/]*$/;
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

export function isPin(text: string): boolean {
  return PIN.test(text);
}

export function isMountPath(text: string): boolean {
  return text.length > 1 && MOUNT.test(text) && !text.includes('//') && !text.split('/').some((s) => s === '.' || s === '..');
}

export function formatSourceLink(link: SourceLink): string {
  const host = link.host.includes(':') ? `[${link.host}]` : link.host;
  const pins = link.pins.map((p) => `pin-sha256=${p}`).join('&');
  return `${SOURCE_LINK_SCHEME}://${encodeURIComponent(link.user)}:${encodeURIComponent(link.password)}@${host}:${link.port}${link.mount}${pins ? `#${pins}` : ''}`;
}

/** Parses a source link; throws SourceLinkError naming the first wrong part. */
export function parseSourceLink(text: string): SourceLink {
  const input = text.trim();
  const schemeEnd = input.indexOf('://');
  const scheme = schemeEnd < 0 ? '' : input.slice(0, schemeEnd).toLowerCase();
  if (scheme !== SOURCE_LINK_SCHEME) {
    throw new SourceLinkError('scheme', `must start with ${SOURCE_LINK_SCHEME}:// (got ${JSON.stringify(input.slice(0, Math.max(schemeEnd, 0) || 20))})`);
  }
  let rest = input.slice(schemeEnd + 3);
  const hashAt = rest.indexOf('#');
  const fragment = hashAt < 0 ? '' : rest.slice(hashAt + 1);
  if (hashAt >= 0) rest = rest.slice(0, hashAt);
  if (rest.includes('?')) throw new SourceLinkError('mount', 'must not have a query (?…); pins go after "#"');
  const slash = rest.indexOf('/', rest.lastIndexOf('@') + 1);
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const mount = slash < 0 ? '' : rest.slice(slash);
  const at = authority.lastIndexOf('@');
  if (at < 0) throw new SourceLinkError('user', 'missing: the link needs USER:PASSWORD@ before the host');
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0) throw new SourceLinkError('password', 'missing: write USER:PASSWORD@');
  const user = decode(userinfo.slice(0, colon), 'user');
  const password = decode(userinfo.slice(colon + 1), 'password');
  if (user === '') throw new SourceLinkError('user', 'is empty');
  if (password === '') throw new SourceLinkError('password', 'is empty');
  const { host, port } = hostAndPort(authority.slice(at + 1));
  if (!isMountPath(mount)) throw new SourceLinkError('mount', `${JSON.stringify(mount || '(none)')} is not a mount such as /live.mp3`);
  return { user, password, host, port, mount, pins: parsePins(fragment) };
}

function hostAndPort(text: string): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new SourceLinkError('host', `${JSON.stringify(text)} has "[" without "]"`);
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new SourceLinkError('port', `unexpected ${JSON.stringify(after)} after the host`);
    portText = after === '' ? undefined : after.slice(1);
    if (!IPV6.test(host) || !host.includes(':')) throw new SourceLinkError('host', `${JSON.stringify(host)} is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
    if (host === '') throw new SourceLinkError('host', 'is empty');
    if (!IPV4.test(host) && !HOSTNAME.test(host)) throw new SourceLinkError('host', `${JSON.stringify(host)} is not a host name or IP address`);
  }
  if (portText === undefined) return { host, port: DEFAULT_SOURCE_PORT };
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) throw new SourceLinkError('port', `${JSON.stringify(portText)} is not a port number 1-65535`);
  return { host, port };
}

function parsePins(fragment: string): string[] {
  if (fragment === '') return [];
  const pins: string[] = [];
  for (const [i, item] of fragment.split('&').entries()) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const part = i === 0 ? 'pin' : 'next pin';
    if (key !== 'pin-sha256') throw new SourceLinkError(part, `expected "pin-sha256=…" after "#", got ${JSON.stringify(item.slice(0, 20))}`);
    // A pin pasted through a URL-aware tool may arrive percent-encoded.
    const value = decode(item.slice(eq + 1), part);
    if (!isPin(value)) throw new SourceLinkError(part, `${JSON.stringify(value)} is not a base64 SHA-256 (44 characters ending in "=")`);
    pins.push(value);
  }
  if (pins.length > 2) throw new SourceLinkError('pin', `at most two pins (the current and the next), got ${pins.length}`);
  return pins;
}

function decode(text: string, part: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new SourceLinkError(part, 'has a malformed %-escape');
  }
}
