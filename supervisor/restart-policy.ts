// When a component that stopped on its own is started again, and in which state it waits. A pure
// decision (time and randomness are inputs), so the curve is tested with a fake clock.
//
// The first failure is restarted at once: one crash is most likely a one-off, and every second
// a relay or gateway is away is heard by every listener. Only a component that keeps failing
// waits: capped exponential backoff with jitter and a reset once the component was healthy for a
// while (pm2 exp_backoff_restart_delay, systemd RestartSteps);
// a crash loop counted in a sliding window (Erlang intensity/period, s6-permafailon) is shown
// loudly but never abandoned: it keeps being retried at the cap, because a terminal state
// (supervisord's FATAL, pm2's errored) leaves a station off the air until someone notices.
import { nextBackoff, type BackoffPolicy } from '../stream/pull/backoff.ts';
import type { ComponentState } from '../contracts/control-api.ts';

export type RestartMode = 'always' | 'on-failure' | 'never';

export interface RestartPolicy extends BackoffPolicy {
  /** This many ended runs within windowMs make a crash loop. */
  crashLoopExits: number;
  crashLoopWindowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialMs: 500, // the first failure restarts at once; the second waits 0.5 s, doubling from there
  maxMs: 30_000, // 30 s cap
  stableMs: 60_000, // ready for 1 min: the next failure starts the curve over
  jitter: 0.2,
  crashLoopExits: 5, // 5 exits in 1 min (s6-permafailon's default window)
  crashLoopWindowMs: 60_000,
};

/** What the policy remembers between runs of one component. */
export interface RestartHistory {
  /** Consecutive failures (the backoff exponent). */
  failures: number;
  /** When recent runs ended, oldest first, only those inside the crash-loop window. */
  recentEnds: readonly number[];
}

export const FRESH_HISTORY: RestartHistory = { failures: 0, recentEnds: [] };

/** How a run ended. `spawn-error`: it could not be started at all (missing executable …). */
export type RunEnd =
  | { kind: 'exit'; code: number | null; signal: string | null }
  | { kind: 'probe' }
  | { kind: 'ready-timeout' }
  | { kind: 'spawn-error' };

export interface RestartInput {
  mode: RestartMode;
  end: RunEnd;
  /** When the run ended. */
  now: number;
  /** When it became ready; null when it never did. */
  readyAt: number | null;
  history: RestartHistory;
  /** In [0, 1). */
  random: number;
}

export type RestartDecision =
  | { restart: false; state: 'stopped'; history: RestartHistory }
  | { restart: true; state: Extract<ComponentState, 'backoff' | 'crash-looping' | 'failed'>; delayMs: number; history: RestartHistory };

export function decideRestart(input: RestartInput, policy: RestartPolicy = DEFAULT_RESTART_POLICY): RestartDecision {
  const { end, now } = input;
  const recentEnds = [...input.history.recentEnds.filter((t) => now - t < policy.crashLoopWindowMs), now];
  const healthyMs = input.readyAt === null ? 0 : now - input.readyAt;
  const clean = end.kind === 'exit' && end.code === 0 && end.signal === null;
  // A component that cannot be spawned is not "done", whatever its mode: it is reported and retried.
  if (end.kind !== 'spawn-error' && (input.mode === 'never' || (input.mode === 'on-failure' && clean))) {
    return { restart: false, state: 'stopped', history: { failures: 0, recentEnds } };
  }
  // The failure count before this one (0 after a stable run): 0 restarts at once, n waits the
  // backoff curve's (n-1)th delay.
  const previous = healthyMs >= policy.stableMs ? 0 : input.history.failures;
  const backoff = previous === 0 ? { delayMs: 0, failures: 1 } : { ...nextBackoff(previous - 1, 0, input.random, policy), failures: previous + 1 };
  // After a stable run the window starts over too: one crash a day is not a loop.
  const window = healthyMs >= policy.stableMs ? [now] : recentEnds;
  const history = { failures: backoff.failures, recentEnds: window };
  if (end.kind === 'spawn-error') return { restart: true, state: 'failed', delayMs: policy.maxMs, history };
  // Many ends in the window, or as many in a row without one stable run (at the cap, ends are
  // 30 s apart: the window alone would call a component that never stays up "backing off").
  if (window.length >= policy.crashLoopExits || backoff.failures >= policy.crashLoopExits) return { restart: true, state: 'crash-looping', delayMs: policy.maxMs, history };
  return { restart: true, state: 'backoff', delayMs: backoff.delayMs, history };
}

/** Words for the operator, as ComponentExit.reason. */
export function describeEnd(end: RunEnd, spawnError?: string): string {
  switch (end.kind) {
    case 'exit':
      return end.signal !== null ? `killed by ${end.signal}` : `exited with code ${end.code ?? '?'}`;
    case 'probe':
      return 'failed liveness probe';
    case 'ready-timeout':
      return 'not ready in time';
    case 'spawn-error':
      return `cannot start: ${spawnError ?? 'unknown error'}`;
  }
}
