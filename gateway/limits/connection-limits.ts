// Per-address limits on how fast connections may be opened and how many streams one address may
// hold (docs/gateway-security.md#connection-floods), and the per-link count of a
// signed URL's concurrent listeners. Both are bounded in memory whatever the traffic: the rate
// table forgets the least recently seen address past `maxAddresses`, and the concurrency table
// only holds keys with a live lease.
import { ipKey } from './ip-key.ts';

export interface NowClock {
  now(): number;
}

export interface ConnectionRateOptions {
  /** Sustained connections per second per address (IPv6: per /64). */
  readonly perSecond: number;
  /** Connections an idle address may open at once. */
  readonly burst: number;
  /** Addresses remembered at most; 100 000 by default. */
  readonly maxAddresses?: number;
}

export type RateVerdict = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per address, with the clock injected. */
export class ConnectionRate {
  readonly #buckets = new Map<string, Bucket>();
  readonly #max: number;

  constructor(
    readonly options: ConnectionRateOptions,
    private readonly clock: NowClock,
  ) {
    if (!(options.perSecond > 0) || !(options.burst >= 1)) throw new RangeError('connection rate needs perSecond > 0 and burst ≥ 1');
    this.#max = options.maxAddresses ?? 100_000;
  }

  /** Takes one connection for `ip`. */
  take(ip: string): RateVerdict {
    const key = addressKey(ip);
    const now = this.clock.now();
    const { perSecond, burst } = this.options;
    const old = this.#buckets.get(key);
    // A clock stepped backwards refills nothing (rather than draining the bucket).
    const tokens = old ? Math.min(burst, old.tokens + (Math.max(0, now - old.at) / 1000) * perSecond) : burst;
    // Re-inserting keeps the Map in least-recently-seen order for eviction.
    this.#buckets.delete(key);
    if (this.#buckets.size >= this.#max) this.#evict(now);
    if (tokens < 1) {
      this.#buckets.set(key, { tokens, at: now });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
    }
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    return { ok: true };
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Drops refilled buckets (they equal a fresh one); if none, the least recently seen address. */
  #evict(now: number): void {
    const { perSecond, burst } = this.options;
    for (const [key, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) this.#buckets.delete(key);
    }
    if (this.#buckets.size >= this.#max) this.#buckets.delete(this.#buckets.keys().next().value!);
  }
}

export interface Lease {
  /** Idempotent. */
  release(): void;
}

/** Counts live holders per key: streams per address, listeners per signed link. */
export class ConcurrentCounter {
  readonly #counts = new Map<string, number>();

  /** A lease, or null when `key` already holds `limit` of them. */
  acquire(key: string, limit: number): Lease | null {
    const count = this.#counts.get(key) ?? 0;
    if (count >= limit) return null;
    this.#counts.set(key, count + 1);
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        const left = (this.#counts.get(key) ?? 1) - 1;
        if (left > 0) this.#counts.set(key, left);
        else this.#counts.delete(key);
      },
    };
  }

  /** Per address: the key is the address's limit key (IPv6: its /64). */
  acquireForAddress(ip: string, limit: number): Lease | null {
    return this.acquire(`addr:${addressKey(ip)}`, limit);
  }

  count(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  countForAddress(ip: string): number {
    return this.count(`addr:${addressKey(ip)}`);
  }

  /** Keys with at least one live lease. */
  get size(): number {
    return this.#counts.size;
  }
}

function addressKey(ip: string): string {
  return ipKey(ip) ?? `invalid:${ip.slice(0, 64)}`;
}
