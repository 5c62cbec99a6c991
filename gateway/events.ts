// The gateway's one event bus, as a typed event map: what the ports, limits, listener
// authentication, TLS and the edge report. The log (log-events.ts) and the supervisor's dashboard
// read it. A leaf: it imports types only, so every group can name an event without a cycle.
import type { PortRole, Route } from '../policies/types.ts';
import type { GatewayErrorCode } from '../policies/errors.ts';

export interface DenyEvent {
  readonly role: PortRole;
  readonly ip: string;
  readonly code: GatewayErrorCode;
  /** Fixed text from the decision; never quotes the request. */
  readonly reason: string;
  /** The reference in the response body. */
  readonly id: string;
}

export type TlsReloadEvent = { readonly ok: true; readonly fingerprint256: string } | { readonly ok: false; readonly error: string };

export interface GatewayEvents {
  deny: [DenyEvent];
  forward: [{ readonly role: PortRole; readonly ip: string; readonly route: Route; readonly target: string }];
  /** The upstream refused, dropped or garbled a forwarded request. */
  'upstream-error': [{ readonly role: PortRole; readonly ip: string; readonly message: string }];
  /** A TLS handshake failed (old protocol, no shared cipher, not TLS at all). */
  'tls-client-error': [{ readonly role: PortRole; readonly ip: string; readonly code: string }];
  'tls-reload': [TlsReloadEvent];
  /** A listening server failed (e.g. out of file descriptors); it keeps listening. */
  'server-error': [{ readonly server: string; readonly message: string }];
  /** The limiter failed (e.g. Redis and its fallback); a request not yet forwarded is refused. */
  'limiter-error': [{ readonly message: string }];
  /** A listener authentication backend (webhook) failed; its listeners are refused meanwhile. */
  'auth-backend-error': [{ readonly mount: string; readonly message: string }];
  /** An htpasswd file or the revocation list could not be (fully) read; the last good one stays. */
  'auth-file-error': [{ readonly file: string; readonly message: string }];
  /** The edge's pulls: connected, refused, reconnecting (stream/pull/pull.ts messages, never credentials). */
  edge: [{ readonly level: 'info' | 'warn' | 'error'; readonly message: string }];
  /** Sources and players held across a relay restart (gateway/hold): held, resumed, released. */
  hold: [{ readonly level: 'info' | 'warn'; readonly message: string }];
  /** A link (listener-auth/links.ts) was revoked or expired and its stream players were cut; the id only, never the token. */
  link: [{ readonly level: 'info'; readonly message: string }];
  /** Certificates by ACME (gateway/acme/): orders, renewals and failures, with the CA's error. */
  acme: [{ readonly level: 'info' | 'error'; readonly message: string }];
  /** An address came under a ban or credential block (security.ts); `closed`: its connections closed. */
  ban: [BanEvent];
  /** The operator lifted a ban or block. */
  unban: [{ readonly ip: string }];
}

export interface BanEvent {
  /** The address, or an IPv6 /64. */
  readonly ip: string;
  /** The role whose credentials were guessed; null for an operator ban. */
  readonly role: PortRole | null;
  readonly reason: 'operator' | 'rate-limited';
  /** ISO 8601; null = until unbanned. */
  readonly until: string | null;
  readonly closed: number;
}
