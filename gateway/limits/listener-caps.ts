// gateway.limits.connectionsPerMinute and streamsPerAddress on the listener ports
// (docs/gateway-security.md#connection-floods), after the policies and before listener
// authentication, so a capped client spends no stream-link use and no webhook call. Both answer
// 429 (RFC 6585 §4: this client sent too many requests); a 503 would say the server is overloaded,
// which it is not, and players treat it as a reason to retry at once.
// A connection is counted once, when it is accepted (before any TLS handshake): connections that
// never send a request count too. A player's keep-alive requests (HLS segments, a playlist then a
// status page) are one connection. The verdict is answered at the connection's first request.
import type http from 'node:http';
import type { Socket } from 'node:net';
import { connectionKey } from './connection-key.ts';
import { plainAddress } from '../../stream/client-ip.ts';
import { ConcurrentCounter, ConnectionRate, type NowClock, type RateVerdict } from './connection-limits.ts';
import type { GatewayErrorCode } from '../../policies/errors.ts';

export interface ListenerCapLimits {
  /** null = no limit. */
  readonly connectionsPerMinute: number | null;
  readonly streamsPerAddress: number | null;
}

export type CapVerdict = { readonly ok: true } | { readonly ok: false; readonly code: GatewayErrorCode; readonly reason: string; readonly retryAfterSeconds?: number };

const OK: CapVerdict = { ok: true };

export class ListenerCaps {
  #limits: ListenerCapLimits;
  #rate: ConnectionRate | null = null;
  readonly #clock: NowClock;
  readonly #streams = new ConcurrentCounter();
  /** Verdicts taken at accept, by connection (the TLS socket of a request is not the accepted one). */
  readonly #accepted = new Map<string, RateVerdict>();
  readonly #verdicts = new WeakMap<Socket, RateVerdict>();

  constructor(limits: ListenerCapLimits, clock: NowClock) {
    this.#clock = clock;
    this.#limits = limits;
    this.reconfigure(limits, true);
  }

  /**
   * New limits for the next connections and streams (a reload). Open streams keep their leases
   * and count against the new streamsPerAddress; a changed rate starts with full buckets.
   */
  reconfigure(limits: ListenerCapLimits, initial = false): void {
    const n = limits.connectionsPerMinute;
    if (initial || n !== this.#limits.connectionsPerMinute) this.#rate = n === null ? null : new ConnectionRate({ perSecond: n / 60, burst: n }, this.#clock);
    this.#limits = limits;
  }

  /** Takes the connection rate for a socket a listener port accepted; kept until it closes. */
  accept(socket: Socket): void {
    const key = connectionKey(socket);
    if (!this.#rate || key === null || socket.destroyed) return;
    this.#accepted.set(key, this.#rate.take(plainAddress(socket.remoteAddress)));
    socket.once('close', () => this.#accepted.delete(key));
  }

  /** The connection rate, taken once per connection; every request on a refused one is refused. */
  connection(socket: Socket, ip: string): CapVerdict {
    if (!this.#rate) return OK;
    let verdict = this.#verdicts.get(socket);
    if (!verdict) {
      const key = connectionKey(socket);
      verdict = (key === null ? undefined : this.#accepted.get(key)) ?? this.#rate.take(ip);
      this.#verdicts.set(socket, verdict);
    }
    if (verdict.ok) return OK;
    return { ok: false, code: 'GW_TOO_MANY_CONNECTIONS', reason: 'more connections from this address than gateway.limits.connectionsPerMinute', retryAfterSeconds: verdict.retryAfterSeconds };
  }

  /** A stream for `ip`, held until the request's connection closes. */
  stream(req: http.IncomingMessage, ip: string): CapVerdict {
    const limit = this.#limits.streamsPerAddress;
    if (limit === null) return OK;
    const lease = this.#streams.acquireForAddress(ip, limit);
    if (!lease) return { ok: false, code: 'GW_TOO_MANY_STREAMS', reason: 'the address holds gateway.limits.streamsPerAddress streams' };
    // The edge takes the socket away from the response, so only the socket says when it ends.
    req.socket.once('close', () => lease.release());
    return OK;
  }

  streamsOf(ip: string): number {
    return this.#streams.countForAddress(ip);
  }
}
