// Operator bans: addresses (IPv6: /64s) refused at connect until a time, or for good. Every
// check is a synchronous read of this process's table, because a connection is refused before
// its TLS handshake. With gateway.rateLimit.store: redis the table is also a Redis hash that
// every gateway on that Redis re-reads every `syncMs`: a ban or an unban made on one gateway
// reaches the others within that time, and they close the banned address's connections too.
// Redis failing never lifts a ban here; the table keeps what it had.
import type { Redis } from 'ioredis';
import type { NowClock } from './connection-limits.ts';
import { ipKey } from './ip-key.ts';

export interface Ban {
  /** ipKey(): the address, or an IPv6 /64 as "2001:db8:1:2::/64". */
  readonly key: string;
  /** Epoch ms; null = until unbanned. */
  readonly until: number | null;
}

export interface OperatorBansOptions {
  readonly clock: NowClock;
  readonly redis?: Redis | null;
  /** Redis key prefix (the hash is `<prefix>:bans`). */
  readonly prefix?: string;
  /** Re-read period of the Redis hash. Default 1000 ms. */
  readonly syncMs?: number;
  /** A ban came into force here (made here or learned from Redis): close the address's connections. */
  onBanned(ban: Ban): void;
  onError(message: string): void;
}

/** Bans held at once; past it the one ending soonest gives way (an operator never needs this many). */
export const MAX_BANS = 100_000;

export class OperatorBans {
  readonly #o: OperatorBansOptions;
  readonly #table = new Map<string, Ban>();
  readonly #hash: string;
  /** Bans Redis did not take yet: kept here and written again on the next sync. */
  readonly #unsaved = new Set<string>();
  #timer: NodeJS.Timeout | null = null;

  constructor(o: OperatorBansOptions) {
    this.#o = o;
    this.#hash = `${o.prefix ?? 'icegate'}:bans`;
  }

  /** Starts following the other gateways' bans (Redis store only). */
  start(): void {
    if (!this.#o.redis || this.#timer) return;
    this.#timer = setInterval(() => void this.sync(), this.#o.syncMs ?? 1000);
    this.#timer.unref();
    void this.sync();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Whether `ip` (an address) is banned now. */
  banned(ip: string): boolean {
    const key = ipKey(ip);
    return key !== null && this.#current(key) !== null;
  }

  /** Bans in force, soonest ending first, permanent ones last. */
  list(): Ban[] {
    const now = this.#o.clock.now();
    for (const ban of this.#table.values()) if (ban.until !== null && ban.until <= now) this.#table.delete(ban.key);
    return [...this.#table.values()].sort((a, b) => (a.until ?? Infinity) - (b.until ?? Infinity));
  }

  /** Throws RangeError for anything but an address and whole seconds ≥ 1 (or null). */
  async ban(ip: string, seconds: number | null): Promise<Ban> {
    const key = ipKey(ip);
    if (key === null) throw new RangeError(`"${ip.slice(0, 64)}" is not an IP address`);
    if (seconds !== null && !(Number.isSafeInteger(seconds) && seconds >= 1)) throw new RangeError('a ban lasts whole seconds ≥ 1, or null for until unbanned');
    const ban: Ban = { key, until: seconds === null ? null : this.#o.clock.now() + seconds * 1000 };
    this.#put(ban);
    if (this.#o.redis) {
      try {
        await this.#o.redis.hset(this.#hash, key, JSON.stringify({ until: ban.until }));
        this.#unsaved.delete(key);
      } catch (err) {
        this.#unsaved.add(key);
        this.#o.onError(`the ban of ${key} holds on this gateway only until Redis is back: ${(err as Error).message}`);
      }
    }
    return ban;
  }

  /** false when `ip` was not banned. Accepts an address or a key as list() shows it. */
  async unban(ip: string): Promise<boolean> {
    const key = ipKey(ip) ?? ip;
    const here = this.#current(key) !== null;
    this.#table.delete(key);
    this.#unsaved.delete(key);
    if (!this.#o.redis) return here;
    try {
      return (await this.#o.redis.hdel(this.#hash, key)) > 0 || here;
    } catch (err) {
      this.#o.onError(`the unban of ${key} holds on this gateway only: ${(err as Error).message}`);
      return here;
    }
  }

  /** One re-read of the shared hash: new bans come into force, lifted ones end, expired ones are removed. */
  async sync(): Promise<void> {
    const redis = this.#o.redis;
    if (!redis) return;
    let entries: Record<string, string>;
    try {
      for (const key of [...this.#unsaved]) {
        const ban = this.#current(key);
        if (ban) await redis.hset(this.#hash, key, JSON.stringify({ until: ban.until }));
        this.#unsaved.delete(key);
      }
      entries = await redis.hgetall(this.#hash);
    } catch (err) {
      return this.#o.onError(`reading the shared bans: ${(err as Error).message}`);
    }
    const now = this.#o.clock.now();
    const shared = new Map<string, Ban>();
    const expired: string[] = [];
    for (const [key, value] of Object.entries(entries)) {
      const until = parseUntil(value);
      if (until === undefined || (until !== null && until <= now)) expired.push(key);
      else if (ipKey(key.replace(/\/64$/, '')) === key) shared.set(key, { key, until });
    }
    if (expired.length > 0) redis.hdel(this.#hash, ...expired).catch(() => {});
    for (const key of [...this.#table.keys()]) if (!shared.has(key)) this.#table.delete(key);
    for (const ban of shared.values()) {
      const known = this.#table.get(ban.key);
      if (!known || known.until !== ban.until) this.#put(ban);
    }
  }

  #current(key: string): Ban | null {
    const ban = this.#table.get(key);
    if (!ban) return null;
    if (ban.until !== null && ban.until <= this.#o.clock.now()) {
      this.#table.delete(key);
      return null;
    }
    return ban;
  }

  #put(ban: Ban): void {
    const fresh = !this.#table.has(ban.key);
    if (fresh && this.#table.size >= MAX_BANS) this.#table.delete(this.list()[0]!.key);
    this.#table.set(ban.key, ban);
    if (fresh) this.#o.onBanned(ban);
  }
}

/** null = permanent; undefined = unreadable (removed). */
function parseUntil(value: string): number | null | undefined {
  try {
    const parsed = JSON.parse(value) as { until?: unknown };
    if (parsed.until === null) return null;
    return typeof parsed.until === 'number' && Number.isFinite(parsed.until) ? parsed.until : undefined;
  } catch {
    return undefined;
  }
}
