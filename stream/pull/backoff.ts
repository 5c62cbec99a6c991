// When to try an upstream again. A pure decision, so its curve is tested without a clock: capped
// exponential backoff with jitter (many slaves of one master must not reconnect in lockstep after
// the master restarts), reset once a connection has streamed for a while. The one reconnect
// backoff: relay and edge pulls, the gateway's edge report channel, and the dashboard's event
// stream (without jitter, reset by its first snapshot) all decide with nextBackoff.

export interface BackoffPolicy {
  /** Delay after the first failure. */
  initialMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /** A connection that streamed this long counts as healthy: the next failure starts over. */
  stableMs: number;
  /** Delays are shortened by up to this fraction, at random (0 = no jitter). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 1000, // 1 s
  maxMs: 30_000, // 30 s
  stableMs: 60_000, // 1 min
  jitter: 0.25,
};

export interface BackoffDecision {
  delayMs: number;
  /** The failure count to pass to the next decision. */
  failures: number;
}

/**
 * `failures`: consecutive failures before this one; `streamedMs`: how long the connection that
 * just ended delivered audio (0 when it never got that far); `random` in [0, 1).
 */
export function nextBackoff(failures: number, streamedMs: number, random: number, policy: BackoffPolicy = DEFAULT_BACKOFF): BackoffDecision {
  const previous = streamedMs >= policy.stableMs ? 0 : failures;
  const capped = Math.min(policy.maxMs, policy.initialMs * 2 ** previous);
  return { delayMs: Math.round(capped * (1 - policy.jitter * random)), failures: previous + 1 };
}
