// When a held source is held, retried and let go (gateway.hold in gateway.yaml). Pure, so the
// rules are tested as a table without sockets or clocks.
import { nextBackoff, type BackoffPolicy } from '../../stream/pull/backoff.ts';

/**
 * Reconnecting to a restarting relay: the first try after 100 ms, then every 250 ms at most. A
 * relay comes back within about a second and every quarter second of waiting is silence; a try is
 * one loopback connection, and jitter keeps many sources from knocking in lockstep.
 */
export const HOLD_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 250, stableMs: 60_000, jitter: 0.25 };

export interface LostInput {
  /** The first upstream answered the source with a final 200 (the source was streaming). */
  readonly streaming: boolean;
  /** The body is Icecast's endless one (not Content-Length or chunked: those end on their own). */
  readonly endless: boolean;
  /** The relay said why it ended the source (contracts/source-end.ts): killed, replaced, timeout. */
  readonly notice: string | null;
  /** gateway.hold.sources in ms. */
  readonly holdMs: number;
}

/** The upstream connection of a source broke: hold the source, or end it as without a hold. */
export function onUpstreamLost(i: LostInput): 'hold' | 'end' {
  return i.streaming && i.endless && i.notice === null && i.holdMs > 0 ? 'hold' : 'end';
}

export interface RetryInput {
  /** ms since the hold began. */
  readonly heldMs: number;
  readonly holdMs: number;
  /** Failed reconnects so far in this hold. */
  readonly failures: number;
  /** In [0, 1). */
  readonly random: number;
}

export type RetryStep = { readonly kind: 'retry'; readonly delayMs: number; readonly failures: number } | { readonly kind: 'release' };

/** After a failed (or the first) reconnect: when to try again, or let the source go. */
export function nextRetry(i: RetryInput): RetryStep {
  if (i.heldMs >= i.holdMs) return { kind: 'release' };
  const d = nextBackoff(i.failures, 0, i.random, HOLD_BACKOFF);
  return { kind: 'retry', delayMs: Math.min(d.delayMs, i.holdMs - i.heldMs), failures: d.failures };
}

/** What the relay answered a held source's request again. */
export function onReconnectAnswer(status: number | null): 'resume' | 'refused' | 'retry' {
  if (status === null) return 'retry';
  if (status === 200) return 'resume';
  // A relay still starting may answer 5xx through a proxy in front of it; try again.
  return status >= 500 ? 'retry' : 'refused';
}

/**
 * How many bytes a held source may keep: `bufferSeconds` at the rate it sent before the break
 * (a flood during the hold does not raise it), at least 16 KiB, at most 4 MiB.
 */
export function holdBufferBytes(bytesBefore: number, msBefore: number, bufferSeconds: number): number {
  const rate = bytesBefore / Math.max(1, msBefore / 1000);
  return Math.round(Math.min(4 * 1024 * 1024, Math.max(16 * 1024, rate * bufferSeconds)));
}

export interface ForwardFailedInput {
  readonly method: string;
  /** The error's code: ECONNREFUSED means nothing was sent and nothing answered. */
  readonly code: string | undefined;
  /** The client's response was begun (or the client left): nothing can be tried again. */
  readonly responded: boolean;
  /** gateway.hold.players in ms; 0 = not held. */
  readonly holdMs: number;
}

/**
 * Longest an HLS request waits for a restarting relay: below the 10 s that players give a
 * request (hls.js's default time to first byte), and never beyond gateway.hold.players.
 */
export const HLS_WAIT_MAX_MS = 8000;

/**
 * An HLS request (playlist or segment) whose upstream refused the connection: wait for the relay
 * to listen again and forward it then, as the players of a stream are held, instead of a 502
 * the player counts as an error. Only GET and HEAD, only before anything was answered, and only
 * when the connection was refused (so the relay saw nothing of it). The wait in ms, or 0: fail.
 */
export function onForwardFailed(i: ForwardFailedInput): number {
  const idempotent = i.method === 'GET' || i.method === 'HEAD';
  return idempotent && i.code === 'ECONNREFUSED' && !i.responded ? Math.min(i.holdMs, HLS_WAIT_MAX_MS) : 0;
}
