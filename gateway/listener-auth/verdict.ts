// What every listener authentication mode shares: the request as the modes see it, their verdict,
// and the credential limiter in front of every check: read the block first, count only
// credentials that were sent and refused, never a probe (a probe is refused while blocked, but a
// player asking before it sends credentials must not lock its own address out).
import type { EventEmitter } from 'node:events';
import type { Route } from '../../policies/types.ts';
import type { NowClock } from '../limits/connection-limits.ts';
import type { GatewayErrorCode } from '../../policies/errors.ts';
import type { Attempt, CredentialLimiter, LimitState, Outcome } from '../limits/rate-limit.ts';
import type { GatewayEvents } from '../events.ts';
import type { LinkTable } from './links.ts';

export interface ListenerRequest {
  readonly method: string;
  readonly route: Route;
  readonly mount: string;
  /** The token of a /t/<token>/… path; null when the path carries none. */
  readonly token: string | null;
  readonly authorization: string | undefined;
  readonly ip: string;
  readonly agent: string | undefined;
  /** The query of the request target, with its "?", or ''. */
  readonly query: string;
  /** The gateway port the listener connected to. */
  readonly port: number;
}

/** A listener let in. `end` is called once the response closed (idempotent). */
export interface ListenerSession {
  end(): void;
  /** The link (links.ts) the listener came with: a revocation or its expiry cuts it. */
  readonly linkId?: string;
}

export type AuthVerdict =
  | { readonly kind: 'allow'; readonly session: ListenerSession }
  | {
      readonly kind: 'deny';
      readonly code: GatewayErrorCode;
      /** Fixed text for the log; never quotes a credential. */
      readonly reason: string;
      readonly retryAfterSeconds?: number;
      /** Ask for Basic credentials (WWW-Authenticate): only when none were sent. */
      readonly challenge?: boolean;
    };

export interface AuthDeps {
  readonly limiter: CredentialLimiter;
  readonly clock: NowClock;
  readonly events: EventEmitter<GatewayEvents>;
  /** The operator's links (links.ts); kept across reloads. Without it, no token is a link. */
  readonly links?: LinkTable;
}

export const NO_SESSION: ListenerSession = { end: () => {} };

export function allowed(session: ListenerSession = NO_SESSION): AuthVerdict {
  return { kind: 'allow', session };
}

export function denied(code: GatewayErrorCode, reason: string, extra: { challenge?: boolean; retryAfterSeconds?: number } = {}): AuthVerdict {
  return { kind: 'deny', code, reason, ...extra };
}

/** Thrown out of a mode when the limiter failed: the listener is refused (fail closed). */
export class LimiterFailed extends Error {}

/**
 * Before a check: the block in force, if any. With credentials it is a cheap read (no bcrypt for
 * a blocked client); without, a probe, which is never counted but still refused when blocked.
 */
export async function blockBefore(deps: AuthDeps, attempt: Attempt, sent: boolean): Promise<AuthVerdict | null> {
  const state = await limiter(deps, () => (sent ? deps.limiter.check(attempt) : deps.limiter.record(attempt, 'probe')));
  return state.blocked ? rateLimited(state.retryAfterSeconds) : null;
}

/** After a check that used credentials: counts the outcome; returns whether the client is now blocked. */
export function countOutcome(deps: AuthDeps, attempt: Attempt, outcome: Exclude<Outcome, 'probe'>): Promise<LimitState> {
  return limiter(deps, () => deps.limiter.record(attempt, outcome));
}

/** A refused credential: the refusal itself, or 429 when this failure started a block. */
export async function failed(deps: AuthDeps, attempt: Attempt, refusal: AuthVerdict): Promise<AuthVerdict> {
  const state = await countOutcome(deps, attempt, 'failure');
  return state.blocked ? rateLimited(state.retryAfterSeconds) : refusal;
}

export function rateLimited(retryAfterSeconds: number): AuthVerdict {
  return denied('GW_RATE_LIMITED', 'too many failed listener credentials from this address', { retryAfterSeconds });
}

async function limiter(deps: AuthDeps, call: () => Promise<LimitState>): Promise<LimitState> {
  try {
    return await call();
  } catch (err) {
    deps.events.emit('limiter-error', { message: (err as Error).message });
    throw new LimiterFailed('the credential limiter failed');
  }
}
