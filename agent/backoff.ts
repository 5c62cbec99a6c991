// When to try again (pure). Network failures: exponential backoff with "equal jitter" (half the
// delay fixed, half random) from 0.5 s, capped at 10 s, so a studio returns quickly after a blip
// and a crowd of agents does not reconnect in step after a server restart. A connection that
// stayed live for STABLE_MS resets the sequence. Refusals (wrong password, mount in use) retry
// slowly: the server's answer changes only when someone fixes something.

export const BASE_MS = 500;
export const CAP_MS = 10_000;
export const REFUSED_MS = 30_000;
export const STABLE_MS = 30_000;

/** `attempt` counts failures in a row from 0; `random` is in [0, 1). */
export function retryDelay(attempt: number, random: number): number {
  const full = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(attempt, 20));
  return Math.round(full / 2 + (full / 2) * random);
}

/** After a refusal: REFUSED_MS, ±20 % jitter. */
export function refusedDelay(random: number): number {
  return Math.round(REFUSED_MS * (0.8 + 0.4 * random));
}
