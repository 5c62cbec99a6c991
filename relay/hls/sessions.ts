// HLS listeners as sessions. A player fetches a playlist and then segments, one request each, so
// a listener is recognised by who asks (client address, believed from trusted proxies only, and
// User-Agent) rather than by connection, and leaves when it has asked for nothing for a while
// (three target durations: a playing client reloads the playlist at least every target
// duration, RFC 8216 §6.3.4). A player that came through a stream link is also told apart by
// its link, which the gateway passes on as X-Forwarded-Prefix (relay/client-ip.ts); without one,
// two players behind one address with the same User-Agent count once.
import type { ListenerStats } from '../../stream/types.ts';
import type { Clock, Timer } from '../../stream/clock.ts';
import type { ListenerSession, Mount } from '../../stream/mount.ts';
import type { MountRegistry } from '../../stream/mount-registry.ts';
import { claimedId } from '../../policies/tokens.ts';

/** Who asks: what tells one HLS player from another. */
export interface HlsClient {
  ip: string;
  userAgent: string;
  /** The stream link's path in front of /hls ('' without one). */
  link: string;
}

export type SessionAdmission = { ok: true; session: HlsSession } | { ok: false; code: 'RELAY_MAX_LISTENERS' | 'RELAY_CONNECTION_LIMIT' };

export class HlsSession implements ListenerSession {
  readonly id: number;
  readonly ip: string;
  readonly userAgent: string;
  readonly connectedAt: number;
  readonly mount: Mount;
  /** The token id of the stream link it came with (a link's id, contracts/links.ts); undefined without one. */
  readonly linkId: string | undefined;
  bytesSent = 0;
  lastSeen: number;
  #timer: Timer | null = null;
  readonly #onEnd: () => void;

  constructor(init: { id: number; ip: string; userAgent: string; mount: Mount; now: number; onEnd: () => void; linkId?: string }) {
    this.id = init.id;
    this.ip = init.ip;
    this.userAgent = init.userAgent;
    this.mount = init.mount;
    this.connectedAt = init.now;
    this.linkId = init.linkId;
    this.lastSeen = init.now;
    this.#onEnd = init.onEnd;
  }

  /** Ends the session once `idleMs` pass without a request; re-armed for the time remaining. */
  watch(clock: Clock, idleMs: number, delay = idleMs): void {
    this.#timer = clock.after(delay, () => {
      const idle = clock.now() - this.lastSeen;
      if (idle >= idleMs) this.mount.removeSession(this, 'idle');
      else this.watch(clock, idleMs, idleMs - idle);
    });
  }

  stats(): ListenerStats {
    return {
      id: this.id,
      ip: this.ip,
      userAgent: this.userAgent,
      connectedAt: this.connectedAt,
      bytesSent: this.bytesSent,
      mount: this.mount.name,
      auth: this.linkId === undefined ? 'anonymous' : 'token',
      ...(this.linkId === undefined ? {} : { linkId: this.linkId }),
    };
  }

  ended(): void {
    this.#timer?.cancel();
    this.#timer = null;
    this.#onEnd();
  }
}

export class HlsSessions {
  readonly #registry: MountRegistry;
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #byKey = new Map<string, HlsSession>();

  constructor(registry: MountRegistry, clock: Clock, idleMs: number) {
    this.#registry = registry;
    this.#clock = clock;
    this.#idleMs = idleMs;
  }

  get size(): number {
    return this.#byKey.size;
  }

  /**
   * A playlist request: the client's session, refreshed, or a new one when the mount and the
   * server have room (maxListeners, limits.clients: the refusals a stream listener gets).
   */
  open(mount: Mount, client: HlsClient): SessionAdmission {
    const known = this.touch(mount, client);
    if (known) return { ok: true, session: known };
    const max = mount.settings.maxListeners;
    if (max >= 0 && mount.listenerCount >= max) return { ok: false, code: 'RELAY_MAX_LISTENERS' };
    if (this.#registry.totalListeners() >= this.#registry.config.limits.clients) return { ok: false, code: 'RELAY_CONNECTION_LIMIT' };
    const k = key(mount, client);
    const session = new HlsSession({
      id: this.#registry.nextListenerId(),
      ip: client.ip,
      userAgent: client.userAgent,
      mount,
      now: this.#clock.now(),
      // The gateway verified the link before forwarding; its id is read, not checked, here.
      ...(client.link === '' ? {} : { linkId: claimedId(client.link) ?? undefined }),
      onEnd: () => {
        if (this.#byKey.get(k) === session) this.#byKey.delete(k);
      },
    });
    this.#byKey.set(k, session);
    session.watch(this.#clock, this.#idleMs);
    mount.addSession(session);
    return { ok: true, session };
  }

  /** A segment request: the client's session, refreshed, if it has one (only playlists open one). */
  touch(mount: Mount, client: HlsClient): HlsSession | undefined {
    const session = this.#byKey.get(key(mount, client));
    if (!session || session.mount !== mount) return undefined;
    session.lastSeen = this.#clock.now();
    return session;
  }

  /** End every session (the relay stops). */
  close(): void {
    for (const s of [...this.#byKey.values()]) s.mount.removeSession(s, 'shutdown');
  }
}

function key(mount: Mount, c: HlsClient): string {
  // Newline cannot occur in a mount name, an address, a header value or a link path.
  return `${mount.name}\n${c.ip}\n${c.link}\n${c.userAgent}`;
}
