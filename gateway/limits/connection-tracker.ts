// Every open connection of every port, by address (IPv6: by /64, gateway/ip-key.ts), so a ban can
// close them all: a firewall ban only stops new connections (docs/gateway-security.md#bans-and-live-connections),
// and a stream or a live source opened before it would keep flowing. The raw TCP socket is what
// is tracked ('connection' fires with it for TLS and HTTP servers too), so destroying it ends the
// TLS layer, Node's HTTP parser and an edge listener's stream alike. A banned address is refused
// here, before a TLS handshake or a request head costs anything, and so is a connection past
// gateway.limits.connectionsPerAddress: counted at accept, idle connections count too, so one
// address cannot hold the gateway's file descriptors with connections that never send a byte.
import type { Server, Socket } from 'node:net';
import type { PortRole } from '../../policies/types.ts';
import { plainAddress } from '../../stream/client-ip.ts';
import { ipKey } from './ip-key.ts';

export interface ConnectionGate {
  /** True when connections from `ip` are refused at once. */
  refuses(ip: string): boolean;
  /** Told of each refused connection. */
  refused(role: PortRole, ip: string): void;
  /** Open connections one address (IPv6: /64) may hold over every port; null = no limit. */
  perAddress?(): number | null;
  /** Told of each connection closed at accept for being past perAddress. */
  capped?(role: PortRole, ip: string): void;
}

export class ConnectionTracker {
  readonly #byKey = new Map<string, Set<Socket>>();

  constructor(private readonly gate: ConnectionGate) {}

  /** Tracks `server`'s connections from now on. */
  track(server: Server, role: PortRole): void {
    server.on('connection', (socket: Socket) => this.#add(socket, role));
  }

  /** Destroys every open connection of `ip`'s address (or /64); returns how many. */
  closeAddress(ip: string): number {
    const key = keyOf(ip);
    const sockets = this.#byKey.get(key);
    if (!sockets) return 0;
    this.#byKey.delete(key);
    for (const socket of sockets) socket.destroy();
    return sockets.size;
  }

  /** Open connections of `ip`'s address (or /64). */
  count(ip: string): number {
    return this.#byKey.get(keyOf(ip))?.size ?? 0;
  }

  #add(socket: Socket, role: PortRole): void {
    const ip = plainAddress(socket.remoteAddress);
    if (this.gate.refuses(ip)) {
      this.gate.refused(role, ip);
      socket.destroy();
      return;
    }
    const key = keyOf(ip);
    let sockets = this.#byKey.get(key);
    const cap = this.gate.perAddress?.() ?? null;
    if (cap !== null && (sockets?.size ?? 0) >= cap) {
      this.gate.capped?.(role, ip);
      socket.destroy();
      return;
    }
    if (!sockets) this.#byKey.set(key, (sockets = new Set()));
    sockets.add(socket);
    socket.once('close', () => {
      const set = this.#byKey.get(key);
      if (!set) return;
      set.delete(socket);
      if (set.size === 0) this.#byKey.delete(key);
    });
  }
}

function keyOf(ip: string): string {
  return ipKey(ip) ?? `invalid:${ip.slice(0, 64)}`;
}
