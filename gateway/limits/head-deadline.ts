// Every phase before a connection's first request head is timed, on every port: the TLS
// handshake, the first byte and the head itself share gateway.limits.headerTimeout, counted from
// accept. Node's handshakeTimeout and headersTimeout do not cover a TLS connection that sends
// nothing or half a ClientHello (they start with the TLS socket or the HTTP parser, which such a
// connection never gets to), so one idle client could hold connections forever. The raw socket
// is armed when it is accepted and destroyed unless its port reports a complete head in time;
// later requests on a kept-alive HTTP connection are Node's (headersTimeout, keepAliveTimeout).
import type { Server, Socket } from 'node:net';
import type { PortRole } from '../../policies/types.ts';
import { plainAddress } from '../../stream/client-ip.ts';
import { connectionKey } from './connection-key.ts';

/**
 * The backstop fires this long after the head's own budget, so a port whose head reader answers
 * a slow head itself (the source port's 408) does so before the raw socket is destroyed.
 */
export const BACKSTOP_GRACE_MS = 1000;

export interface HeadDeadlineOptions {
  /** Read at each accept, so a reload applies to the next connection. */
  timeoutMs(): number;
  /** A connection closed for want of a head. */
  expired(role: PortRole, ip: string, socket: Socket): void;
}

export class HeadDeadlines {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly o: HeadDeadlineOptions) {}

  /** Arms every connection `server` accepts; an HTTP server's requests disarm it themselves. */
  watch(server: Server, role: PortRole): void {
    server.on('connection', (socket: Socket) => this.#arm(socket, role));
    server.on('request', (req: { socket: Socket }) => this.arrived(req.socket));
  }

  /** The connection's first head is complete: its deadline is lifted. */
  arrived(socket: Socket): void {
    const key = connectionKey(socket);
    if (key === null) return;
    const timer = this.#timers.get(key);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(key);
  }

  /** Connections still waiting for their head. */
  get pending(): number {
    return this.#timers.size;
  }

  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #arm(socket: Socket, role: PortRole): void {
    // Refused at accept already (a ban, the per-address cap: connection-tracker.ts).
    if (socket.destroyed) return;
    const key = connectionKey(socket);
    if (key === null) return void socket.destroy();
    const ip = plainAddress(socket.remoteAddress);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      if (socket.destroyed) return;
      // A port that already answered (a 408 of its own head reader) was counted there.
      if (!socket.writableEnded) this.o.expired(role, ip, socket);
      socket.destroy();
    }, this.o.timeoutMs() + BACKSTOP_GRACE_MS);
    timer.unref();
    this.#timers.set(key, timer);
    socket.once('close', () => {
      if (this.#timers.get(key) !== timer) return;
      clearTimeout(timer);
      this.#timers.delete(key);
    });
  }
}
