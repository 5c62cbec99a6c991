// Which of a client's header fields travel upstream. Connection-specific fields end at the
// gateway (RFC 9110 §7.6.1), and so do the client's own claims about who it is: the gateway
// states the client address itself, overwriting X-Forwarded-For instead of appending to it
// (docs/gateway-security.md#forwarded-headers). A source's `Upgrade: TLS/1.0` is dropped with the rest: the
// gateway already speaks TLS and must not offer the upstream's RFC 2817 upgrade.
import { FORWARD_KEY_HEADER } from '../../contracts/forward-key.ts';

/** Hop-by-hop fields (RFC 9110 §7.6.1, plus the de-facto Keep-Alive and Proxy-Connection). */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** What only the gateway may say about the client. */
export const CLIENT_IDENTITY: ReadonlySet<string> = new Set([
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'forwarded',
  'x-real-ip',
  // The mount of the stream link a request came through (forward.ts linkMount).
  'x-icegate-mount',
  // What proves to the relay core that the fields above come from this gateway (contracts/forward-key.ts).
  FORWARD_KEY_HEADER,
]);

/**
 * Fields a Connection header may not remove. Naming Content-Length there would make a proxy
 * that obeys it change the body's framing on the way (a request-smuggling trick), and Host or
 * Authorization would change what the request means.
 */
const PROTECTED: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding', 'host', 'authorization', 'content-type', 'expect']);

/** Lower-cased names of the fields to drop, given the values of the client's Connection fields. */
export function droppedFields(connection: readonly string[], extra: readonly string[] = []): Set<string> {
  const drop = new Set([...HOP_BY_HOP, ...CLIENT_IDENTITY, ...extra]);
  for (const value of connection) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '' && !PROTECTED.has(name)) drop.add(name);
    }
  }
  return drop;
}

/**
 * The gateway's own statements, written first so no client line can push them out of Icecast's
 * 32-line window (docs/gateway-security.md#header-limits). `forwardKey`: the relay core's key
 * (contracts/forward-key.ts), without which it believes none of them; none in front of another upstream.
 */
export function gatewayFields(clientIp: string, proto: 'http' | 'https', forwardKey?: string): [string, string][] {
  return [
    ...(forwardKey === undefined ? [] : [['X-Icegate-Forward-Key', forwardKey] as [string, string]]),
    ['X-Forwarded-For', clientIp],
    ['X-Forwarded-Proto', proto],
  ];
}

/** Removes dropped fields from a Node header object in place (the listener and admin ports). */
export function stripFields(headers: Record<string, string | string[] | undefined>, extra: readonly string[] = []): void {
  const connection = headers.connection;
  const values = connection === undefined ? [] : Array.isArray(connection) ? connection : [connection];
  for (const name of droppedFields(values, extra)) delete headers[name];
}
