// The gateway's table of links (contracts/link-store.ts, docs/links.md): which link ids are
// revoked or expired, their player limits, and the stream players each one holds open now, so a
// revocation or an expiry cuts them. Read from <stateDir>/links.json at start and replaced by the
// supervisor's `links` message whenever the operator makes or revokes one; it outlives a reload
// of the listener authentication (it lives in the auth deps, like the limiter).
import { readLinkStore, linksPath, toGatewayLink, type GatewayLink } from '../../contracts/link-store.ts';
import type { Clock, Timer } from '../../stream/clock.ts';

/** A player held open through a link: a stream on the listener port. */
export interface LinkPlayer {
  cut(): void;
}

export interface LinkUsage {
  /** Stream players the gateway holds through the link now. */
  players: number;
  /** Milliseconds since the epoch of the last request the link let in; null = none since start. */
  lastUsedAt: number | null;
}

/** Timers run at most this far ahead and are armed again: setTimeout cannot wait a year. */
const MAX_TIMER_MS = 6 * 3600 * 1000;

export class LinkTable {
  #links = new Map<string, GatewayLink>();
  readonly #players = new Map<string, Set<LinkPlayer>>();
  readonly #lastUsed = new Map<string, number>();
  /** HLS players per link: client (address and User-Agent) → its last request. */
  readonly #hls = new Map<string, Map<string, number>>();
  /** An HLS player that asked for nothing this long has left (the relay's session idle time). */
  readonly #hlsIdleMs: number;
  readonly #timers = new Map<string, Timer>();
  readonly #clock: Clock;
  readonly #onCut: (id: string, players: number, why: 'revoked' | 'expired') => void;

  constructor(clock: Clock, onCut: (id: string, players: number, why: 'revoked' | 'expired') => void = () => {}, hlsIdleMs = 6000) {
    this.#clock = clock;
    this.#onCut = onCut;
    this.#hlsIdleMs = hlsIdleMs;
  }

  /** The table of <stateDir>/links.json; a file that does not parse fails the start (LinkStoreError). */
  static async open(stateDir: string, clock: Clock, onCut?: (id: string, players: number, why: 'revoked' | 'expired') => void, hlsIdleMs?: number): Promise<LinkTable> {
    const table = new LinkTable(clock, onCut, hlsIdleMs);
    table.replace((await readLinkStore(linksPath(stateDir))).map(toGatewayLink));
    return table;
  }

  get size(): number {
    return this.#links.size;
  }

  get(id: string): GatewayLink | undefined {
    return this.#links.get(id);
  }

  /** Revoked, or past its expiry: it opens nothing and holds nothing. */
  closed(link: GatewayLink): boolean {
    return link.revoked || this.#clock.now() >= link.expiresAt;
  }

  /** The whole table at once; the players of links now closed (or gone from it) are cut. */
  replace(links: readonly GatewayLink[]): void {
    this.#links = new Map(links.map((l) => [l.id, l]));
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
    for (const id of [...this.#players.keys()]) {
      const link = this.#links.get(id);
      if (!link || link.revoked) this.#cut(id, 'revoked');
    }
    for (const id of [...this.#hls.keys()]) if (this.#links.get(id)?.revoked !== false) this.#hls.delete(id);
    for (const link of this.#links.values()) if (!link.revoked) this.#arm(link);
  }

  /** A request the link let in. */
  used(id: string): void {
    this.#lastUsed.set(id, this.#clock.now());
  }

  /**
   * HLS players of the link now: clients that made a request within the idle time, as the relay
   * counts its sessions (relay/hls/sessions.ts).
   */
  hlsPlayers(id: string): number {
    const clients = this.#hls.get(id);
    if (!clients) return 0;
    const now = this.#clock.now();
    for (const [client, seen] of clients) if (now - seen >= this.#hlsIdleMs) clients.delete(client);
    if (clients.size === 0) this.#hls.delete(id);
    return clients.size;
  }

  /**
   * An HLS request of `client` through the link: let in when the client is already one of its
   * players, or when its stream and HLS players together are under `limit`.
   */
  admitHls(id: string, client: string, limit: number, streams: number): boolean {
    const known = this.#hls.get(id)?.has(client) === true;
    if (!known && streams + this.hlsPlayers(id) >= limit) return false;
    let clients = this.#hls.get(id);
    if (!clients) this.#hls.set(id, (clients = new Map()));
    clients.set(client, this.#clock.now());
    return true;
  }

  /** Holds `player` under the link until the returned release; cut at once if the link is closed. */
  hold(id: string, player: LinkPlayer): () => void {
    const link = this.#links.get(id);
    if (!link || this.closed(link)) {
      player.cut();
      return () => {};
    }
    let set = this.#players.get(id);
    if (!set) this.#players.set(id, (set = new Set()));
    set.add(player);
    return () => {
      const s = this.#players.get(id);
      if (!s?.delete(player) || s.size > 0) return;
      this.#players.delete(id);
    };
  }

  /** Per link: players held now and the last use; links unused since the start are left out. */
  usage(): Record<string, LinkUsage> {
    const out: Record<string, LinkUsage> = {};
    for (const id of new Set([...this.#players.keys(), ...this.#lastUsed.keys()])) {
      out[id] = { players: this.#players.get(id)?.size ?? 0, lastUsedAt: this.#lastUsed.get(id) ?? null };
    }
    return out;
  }

  close(): void {
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
  }

  /** Cuts the link's players at its expiry (an expired link answers like a revoked one). */
  #arm(link: GatewayLink): void {
    const wait = link.expiresAt - this.#clock.now();
    if (wait <= 0) {
      this.#cut(link.id, 'expired');
      return;
    }
    this.#timers.set(
      link.id,
      this.#clock.after(Math.min(wait, MAX_TIMER_MS), () => {
        this.#timers.delete(link.id);
        if (this.#links.get(link.id) === link) this.#arm(link);
      }),
    );
  }

  #cut(id: string, why: 'revoked' | 'expired'): void {
    const players = this.#players.get(id);
    if (!players) return;
    this.#players.delete(id);
    this.#onCut(id, players.size, why);
    for (const p of players) p.cut();
  }
}
