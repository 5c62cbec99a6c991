// gateway.rateLimit as a running limiter: the failure limits from gateway.yaml and, for
// store: redis, one ioredis client shared by the credential limiter and the operator bans. Redis
// is not waited for: until it answers (and whenever it fails) every limiter falls back to its
// in-memory insurance (rate-limit.ts), so a Redis outage never opens the door or stops the gateway.
// Commands fail at once instead of queueing while it is down (enableOfflineQueue false,
// docs/gateway-security.md#credential-rate-limiting), which also keeps memory bounded.
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../../config/schema.ts';
import { CHANNELS, CredentialLimiter, DEFAULT_FAILURE_LIMITS, type Channel, type FailureLimits } from './rate-limit.ts';

export type RateLimitConfig = GatewayConfig['rateLimit'];

/** The same limits for every channel; each channel still counts apart. */
export function failureLimits(r: RateLimitConfig): FailureLimits {
  return {
    perUserAndAddress: { ...DEFAULT_FAILURE_LIMITS.perUserAndAddress, failures: r.consecutiveFailures, blockSeconds: r.consecutiveBlock },
    perAddress: { ...DEFAULT_FAILURE_LIMITS.perAddress, failures: r.dailyFailures, blockSeconds: r.dailyBlock },
  };
}

export interface RateLimitStore {
  readonly limiter: CredentialLimiter;
  /** null for the memory store. */
  readonly redis: Redis | null;
  close(): void;
}

/** `onError`: Redis became unreachable (once per outage, never with the URL's password). */
export async function openRateLimitStore(r: RateLimitConfig, onError: (message: string) => void, prefix = 'icegate'): Promise<RateLimitStore> {
  const limits = Object.fromEntries(CHANNELS.map((c) => [c, failureLimits(r)])) as Record<Channel, FailureLimits>;
  if (r.store === 'memory' || r.redis === null) return { limiter: new CredentialLimiter({ limits }), redis: null, close: () => {} };
  // ioredis is loaded only for a Redis store.
  const { Redis: RedisClient } = await import('ioredis');
  const redis = new RedisClient(r.redis, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5000 });
  let down = false;
  redis.on('ready', () => (down = false));
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    onError(`Redis (${redact(r.redis!)}) failed, limits and bans hold per gateway meanwhile: ${err.message}`);
  });
  return { limiter: new CredentialLimiter({ limits, redis, prefix }), redis, close: () => redis.disconnect() };
}

/** The URL without its credentials, for log lines. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return 'redis';
  }
}
