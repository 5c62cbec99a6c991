// What a relay says to its upstream and how it reads the answer, without any socket: the request
// bytes, the redirect rule and the mapping of response headers to a SourceInfo. Icecast's relay
// client is the model (docs/icecast-compatibility.md#relays): it connects as a listener with
// `GET <mount> HTTP/1.0`, asks for inline titles with `Icy-MetaData: 1` and follows up to 10
// redirects.
import { readFileSync } from 'node:fs';
import type { SourceInfo } from '../types.ts';
import { describeSource } from '../source-headers.ts';
import type { ResponseHead } from './response-head.ts';

export const MAX_REDIRECTS = 10;
const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
export const USER_AGENT = `icegate/${PACKAGE.version}`;
/** Icecast assumes MP3 when a relay upstream sends no Content-Type (slave.c, Icecast 1.x upstreams). */
const DEFAULT_CONTENT_TYPE = 'audio/mpeg';

export interface Credentials {
  username: string;
  password: string;
}

export interface RequestOptions {
  credentials: Credentials | null;
  icyMetadata: boolean;
  userAgent?: string;
  /** More request headers (a gateway edge's X-Icegate-Edge); names and values are the caller's, checked there. */
  headers?: readonly (readonly [string, string])[];
}

/** The upstream as logs and stats show it: never the credentials a URL may carry. */
export function redact(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Credentials given in the URL itself (http://user:pass@host/) win over configured ones. */
export function urlCredentials(url: URL, fallback: Credentials | null): Credentials | null {
  if (url.username === '' && url.password === '') return fallback;
  return { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

export function upstreamRequest(url: URL, o: RequestOptions): Buffer {
  const lines = [
    `GET ${url.pathname}${url.search} HTTP/1.0`,
    `Host: ${url.host}`,
    `User-Agent: ${o.userAgent ?? USER_AGENT}`,
    'Accept: */*',
  ];
  if (o.icyMetadata) lines.push('Icy-MetaData: 1');
  for (const [name, value] of o.headers ?? []) lines.push(`${name}: ${value}`);
  if (o.credentials) {
    const token = Buffer.from(`${o.credentials.username}:${o.credentials.password}`, 'utf8').toString('base64');
    lines.push(`Authorization: Basic ${token}`);
  }
  lines.push('Connection: close');
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8');
}

export type Answer =
  | { kind: 'stream' }
  /** `credentials`: what to send to the new location (dropped when it is another origin). */
  | { kind: 'redirect'; url: URL; credentials: Credentials | null }
  | { kind: 'refused'; message: string };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** What to do with a response head; `hops`: redirects followed so far. */
export function interpretAnswer(url: URL, head: ResponseHead, credentials: Credentials | null, hops: number): Answer {
  if (head.status === 200) return { kind: 'stream' };
  if (!REDIRECTS.has(head.status)) return { kind: 'refused', message: `the upstream answered ${head.status}${reason(head.reason)}` };
  if (hops >= MAX_REDIRECTS) return { kind: 'refused', message: `more than ${MAX_REDIRECTS} redirects` };
  const location = head.get('location');
  if (!location) return { kind: 'refused', message: `the upstream answered ${head.status} without a Location` };
  let next: URL;
  try {
    next = new URL(location, url);
  } catch {
    return { kind: 'refused', message: `the upstream redirected to an invalid URL` };
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    return { kind: 'refused', message: `the upstream redirected to a ${next.protocol} URL (only http and https are followed)` };
  }
  // Like curl: Basic credentials go to the origin they were configured for, not to wherever an
  // upstream points (a compromised or misconfigured master must not collect them).
  const sameOrigin = next.origin === url.origin;
  return { kind: 'redirect', url: next, credentials: urlCredentials(next, sameOrigin ? credentials : null) };
}

function reason(text: string): string {
  const short = text.trim().slice(0, 80);
  return short ? ` ${short}` : '';
}

/** The SourceInfo of a relayed mount: the upstream's listener headers are its description. */
export function upstreamSourceInfo(head: ResponseHead, ip: string): SourceInfo {
  return {
    contentType: head.get('content-type')?.trim() || DEFAULT_CONTENT_TYPE,
    ip,
    userAgent: head.get('server') ?? '',
    description: describeSource(head),
    kind: 'relay',
  };
}
