// Brute-force protection for every credential channel, after rate-limiter-flexible's "login
// endpoint protection" pattern (docs/gateway-security.md#credential-rate-limiting): consecutive failures per user and
// address, and failures per address per day. Only requests that carried credentials and were
// refused count; libshout's unauthenticated probe, /admin/!POKE and OPTIONS * are free. Each
// channel has its own key prefix, so a listener-password spray cannot lock out the DJ.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Flexible from 'rate-limiter-flexible';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { ipKey } from './ip-key.ts';

export type Channel = 'source' | 'admin' | 'listener' | 'token';

// The two limiters used, from their own files: the package's index loads every store it supports
// (SQL, Mongo, DynamoDB …), which was a fifth of the gateway's start-up (docs/supervision.md).
const require = createRequire(import.meta.url);
const RateLimiterMemory = require('rate-limiter-flexible/lib/RateLimiterMemory.js') as typeof Flexible.RateLimiterMemory;
const RateLimiterRedis = require('rate-limiter-flexible/lib/RateLimiterRedis.js') as typeof Flexible.RateLimiterRedis;

export const CHANNELS: readonly Channel[] = ['source', 'admin', 'listener', 'token'];

export interface Window {
  /** Failures allowed; the last one of them starts the block. */
  readonly failures: number;
  /** Seconds a failure is remembered. */
  readonly durationSeconds: number;
  /** Seconds a key stays blocked once it reached `failures`. */
  readonly blockSeconds: number;
}

export interface FailureLimits {
  /** Consecutive failures for one user from one address (IPv6: one /64); a success resets it. */
  readonly perUserAndAddress: Window;
  /** All failures from one address, whatever the user. */
  readonly perAddress: Window;
}

export const DEFAULT_FAILURE_LIMITS: FailureLimits = {
  perUserAndAddress: { failures: 10, durationSeconds: 24 * 86400, blockSeconds: 3600 },
  perAddress: { failures: 100, durationSeconds: 86400, blockSeconds: 86400 },
};

/**
 * The memory store keeps one setTimeout per key. Node caps timers at 2^31-1 ms (≈ 24.8 days);
 * longer ones fire after 1 ms, the key vanishes and nobody is ever blocked
 * (animir/node-rate-limiter-flexible#71, docs/gateway-security.md#credential-rate-limiting). 24 days stays below the cap.
 */
export const MAX_MEMORY_SECONDS = 24 * 86400;

export type LimitState = { readonly blocked: false } | { readonly blocked: true; readonly retryAfterSeconds: number };

/** 'probe': no credentials were sent; never counted. */
export type Outcome = 'probe' | 'failure' | 'success';

export interface Attempt {
  readonly channel: Channel;
  /** The user name tried; '' for channels without one (tokens). */
  readonly user: string;
  readonly ip: string;
}

export interface CredentialLimiterOptions {
  readonly limits?: Partial<Record<Channel, FailureLimits>>;
  /** Share counts and blocks between gateways; memory (this process only) when absent. */
  readonly redis?: Redis;
  /** Key prefix in Redis. */
  readonly prefix?: string;
}

/** Limits as the memory store will apply them: every duration capped at MAX_MEMORY_SECONDS. */
export function memoryLimits(limits: FailureLimits): FailureLimits {
  const cap = (w: Window): Window => ({
    failures: w.failures,
    durationSeconds: Math.min(w.durationSeconds, MAX_MEMORY_SECONDS),
    blockSeconds: Math.min(w.blockSeconds, MAX_MEMORY_SECONDS),
  });
  return { perUserAndAddress: cap(limits.perUserAndAddress), perAddress: cap(limits.perAddress) };
}

/** Redis hands its insurance limiter the uncapped block duration; this one caps it. */
class CappedMemoryLimiter extends RateLimiterMemory {
  override block(key: string | number, secDuration: number): Promise<RateLimiterRes> {
    return super.block(key, Math.min(secDuration, MAX_MEMORY_SECONDS));
  }
}

interface Pair {
  limits: FailureLimits;
  readonly userAndAddress: RateLimiterAbstract;
  readonly address: RateLimiterAbstract;
}

/** Told of every failure that leaves its client blocked (the security view, closeOnBan). */
export type BlockListener = (attempt: Attempt, state: Extract<LimitState, { blocked: true }>) => void;

export class CredentialLimiter {
  readonly #pairs: ReadonlyMap<Channel, Pair>;
  readonly #blockListeners = new Set<BlockListener>();
  readonly #redis: boolean;

  constructor(options: CredentialLimiterOptions = {}) {
    const prefix = options.prefix ?? 'icegate';
    this.#redis = options.redis !== undefined;
    this.#pairs = new Map(
      CHANNELS.map((channel) => {
        const wanted = options.limits?.[channel] ?? DEFAULT_FAILURE_LIMITS;
        for (const w of [wanted.perUserAndAddress, wanted.perAddress]) checkWindow(channel, w);
        const limits = options.redis ? wanted : memoryLimits(wanted);
        const make = (name: string, w: Window): RateLimiterAbstract => {
          const opts = { keyPrefix: `${prefix}:auth:${channel}:${name}`, points: w.failures, duration: w.durationSeconds };
          if (!options.redis) return new RateLimiterMemory(opts);
          // When Redis fails, a local memory limiter keeps protecting this gateway (capped as above).
          const insurance = new CappedMemoryLimiter({ ...opts, duration: Math.min(w.durationSeconds, MAX_MEMORY_SECONDS) });
          return new RateLimiterRedis({ ...opts, storeClient: options.redis, insuranceLimiter: insurance });
        };
        return [channel, { limits, userAndAddress: make('user', limits.perUserAndAddress), address: make('addr', limits.perAddress) }];
      }),
    );
  }

  /**
   * New thresholds for every channel (a reload), checked first: a bad one changes nothing. The
   * counts and blocks already recorded stay; a recorded block keeps its length.
   */
  setLimits(limits: Partial<Record<Channel, FailureLimits>>): void {
    const next = CHANNELS.map((channel) => {
      const wanted = limits[channel] ?? DEFAULT_FAILURE_LIMITS;
      for (const w of [wanted.perUserAndAddress, wanted.perAddress]) checkWindow(channel, w);
      return [this.#pair(channel), this.#redis ? wanted : memoryLimits(wanted)] as const;
    });
    for (const [pair, l] of next) {
      pair.limits = l;
      retune(pair.userAndAddress, l.perUserAndAddress);
      retune(pair.address, l.perAddress);
    }
  }

  /** The limits in force for a channel (capped for the memory store). */
  limits(channel: Channel): FailureLimits {
    return this.#pair(channel).limits;
  }

  /** Calls `listener` whenever a recorded failure leaves its client blocked; returns the unsubscribe. */
  onBlock(listener: BlockListener): () => void {
    this.#blockListeners.add(listener);
    return () => this.#blockListeners.delete(listener);
  }

  /** Lifts the blocks and counts of this attempt's user and address (an operator's unban). */
  async reset(attempt: Attempt): Promise<void> {
    const pair = this.#pair(attempt.channel);
    await Promise.all([pair.userAndAddress.delete(userKey(attempt)), pair.address.delete(addressKey(attempt))]);
  }

  /** Cheap read before checking credentials: a blocked client gets 429 without a bcrypt compare. */
  async check(attempt: Attempt): Promise<LimitState> {
    const pair = this.#pair(attempt.channel);
    const [user, address] = await Promise.all([pair.userAndAddress.get(userKey(attempt)), pair.address.get(addressKey(attempt))]);
    return worst([blockedBy(user, pair.limits.perUserAndAddress), blockedBy(address, pair.limits.perAddress)]);
  }

  /** Records the outcome of a credential check and returns whether the client is now blocked. */
  async record(attempt: Attempt, outcome: Outcome): Promise<LimitState> {
    const pair = this.#pair(attempt.channel);
    if (outcome === 'probe') return this.check(attempt);
    if (outcome === 'success') {
      await pair.userAndAddress.delete(userKey(attempt));
      return this.check(attempt);
    }
    const state = worst(
      await Promise.all([
        fail(pair.userAndAddress, userKey(attempt), pair.limits.perUserAndAddress),
        fail(pair.address, addressKey(attempt), pair.limits.perAddress),
      ]),
    );
    if (state.blocked) for (const listener of this.#blockListeners) listener(attempt, state);
    return state;
  }

  #pair(channel: Channel): Pair {
    const pair = this.#pairs.get(channel);
    if (!pair) throw new RangeError(`unknown credential channel "${String(channel)}"`);
    return pair;
  }
}

/** rate-limiter-flexible reads points and duration at every call, so they can be changed in place. */
function retune(limiter: RateLimiterAbstract, w: Window): void {
  limiter.points = w.failures;
  limiter.duration = w.durationSeconds;
  const insurance = (limiter as { insuranceLimiter?: RateLimiterAbstract }).insuranceLimiter;
  if (insurance) {
    insurance.points = w.failures;
    insurance.duration = Math.min(w.durationSeconds, MAX_MEMORY_SECONDS);
  }
}

async function fail(limiter: RateLimiterAbstract, key: string, w: Window): Promise<LimitState> {
  let res: RateLimiterRes;
  try {
    res = await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof Error) throw rejection;
    // Over the limit already: the key is blocked (or was, and this failure re-counts it).
    return blockedBy(rejection as RateLimiterRes, w);
  }
  if (res.consumedPoints < w.failures) return { blocked: false };
  return blockedBy(await limiter.block(key, w.blockSeconds), w);
}

function blockedBy(res: RateLimiterRes | null, w: Window): LimitState {
  if (!res || res.consumedPoints < w.failures) return { blocked: false };
  const ms = res.msBeforeNext > 0 ? res.msBeforeNext : w.blockSeconds * 1000;
  return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
}

function worst(states: readonly LimitState[]): LimitState {
  let out: LimitState = { blocked: false };
  for (const s of states) if (s.blocked && (!out.blocked || s.retryAfterSeconds > out.retryAfterSeconds)) out = s;
  return out;
}

function addressKey(attempt: Attempt): string {
  return ipKey(attempt.ip) ?? `invalid:${attempt.ip.slice(0, 64)}`;
}

/** The user name is hashed: fixed-size keys, and no user names stored in Redis. */
function userKey(attempt: Attempt): string {
  return `${addressKey(attempt)}|${createHash('sha256').update(attempt.user, 'utf8').digest('base64url').slice(0, 22)}`;
}

function checkWindow(channel: Channel, w: Window): void {
  const ok = Number.isSafeInteger(w.failures) && w.failures >= 1 && w.durationSeconds >= 1 && w.blockSeconds >= 1;
  if (!ok || !Number.isSafeInteger(w.durationSeconds) || !Number.isSafeInteger(w.blockSeconds)) {
    throw new RangeError(`rate limits for "${channel}" need whole numbers ≥ 1 (failures, durationSeconds, blockSeconds)`);
  }
}
