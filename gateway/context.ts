// What every port of the gateway shares: the compiled policy, the credential limiter, the
// upstream, the head limits, the clock and one event bus (logs now, the dashboard later).
import type { EventEmitter } from 'node:events';
import type tls from 'node:tls';
import { plainAddress } from '../stream/client-ip.ts';
import type { Policy } from '../policies/evaluate.ts';
import type { PortRole } from '../policies/types.ts';
import type { GatewayErrorCode } from '../policies/errors.ts';
import type { CredentialLimiter } from './limits/rate-limit.ts';
import type { NowClock } from './limits/connection-limits.ts';
import type { ListenerAuth } from './listener-auth/modes.ts';
import type { ListenerCaps } from './limits/listener-caps.ts';
import { errorId } from './ports/respond.ts';
import type { GatewayEvents } from './events.ts';
import type { SourceHoldContext } from './hold/held-source.ts';

// The event map lives in events.ts, a leaf every group can import without importing the context.
export type { BanEvent, DenyEvent, GatewayEvents, TlsReloadEvent } from './events.ts';

export interface Upstream {
  readonly host: string;
  readonly port: number;
  /** "http://host:port", what http-proxy is pointed at. */
  readonly origin: string;
  /** The relay core's forward key (contracts/forward-key.ts), sent with every forwarded request and pull. */
  readonly forwardKey?: string;
}

export interface HeadLimits {
  readonly headerTimeoutMs: number;
  readonly maxHeaderBytes: number;
  /** Lines of a request head, the request line included. */
  readonly maxHeaders: number;
}

/**
 * The ports read the fields a reload swaps (live-settings.ts) from here at every request, never
 * keeping a copy: that is how new settings reach the next request without closing a socket.
 */
export interface GatewayContext {
  readonly policy: Policy;
  readonly limiter: CredentialLimiter;
  /** Per-mount listener authentication (listener-auth/modes.ts); swapped by a reload. */
  listenerAuth: ListenerAuth;
  readonly upstream: Upstream;
  /** Swapped by a reload. */
  limits: HeadLimits;
  readonly clock: NowClock;
  readonly events: EventEmitter<GatewayEvents>;
  /** Per-address caps of the listener ports (listener-caps.ts); none when absent. */
  readonly caps?: ListenerCaps;
  /** How a listener's address is passed on upstream (gateway.privacy.anonymizeIps); unchanged when absent. */
  showListenerIp?: (ip: string) => string;
  /** Sources held across relay restarts (gateway.hold); never held when absent. */
  readonly hold?: SourceHoldContext;
}

/** Records a refusal and returns the reference its response must carry. */
export function noteDeny(ctx: GatewayContext, role: PortRole, ip: string, code: GatewayErrorCode, reason: string): string {
  const id = errorId();
  ctx.events.emit('deny', { role, ip, code, reason, id });
  return id;
}

/** Failed handshakes as events. A client that hangs up mid-handshake is not worth a line; a refused protocol or cipher is. */
export function reportTlsClientErrors(server: tls.Server, ctx: GatewayContext, role: PortRole): void {
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET') return;
    ctx.events.emit('tls-client-error', { role, ip: plainAddress(socket.remoteAddress), code: err.code ?? 'unknown' });
  });
}

/** gateway.upstream (checked by the schema to be http://host:port) as connect options. */
export function parseUpstream(url: string): Upstream {
  const u = new URL(url);
  if (u.protocol !== 'http:') throw new RangeError('the upstream must be an http:// URL');
  // URL keeps IPv6 literals bracketed; net.connect wants them bare.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = u.port === '' ? 80 : Number(u.port);
  return { host, port, origin: `http://${u.host}` };
}
