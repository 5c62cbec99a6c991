// From a request as it arrived to a decision and the target to forward: canonicalise, take a
// signed-link token off a listener path, classify, evaluate. Still pure; the token itself is
// verified by the caller (policies/tokens.ts), against the mount of the allow decision.
import { splitTokenPath } from './tokens.ts';
import { canonicalTarget, encodePath } from './canonical.ts';
import { deny } from './decision.ts';
import { evaluate, mountOf, type Policy } from './evaluate.ts';
import type { CredentialKind, Decision, PolicyRequest, PortRole } from './types.ts';

export interface RawRequest {
  readonly role: PortRole;
  readonly method: string;
  /** The request target exactly as sent. */
  readonly target: string;
  readonly credentials: CredentialKind | null;
  readonly clientIp: string;
  readonly time: number;
}

export interface Decided {
  readonly decision: Decision;
  /** Null when the target itself was refused. */
  readonly request: PolicyRequest | null;
  /** The request target to send upstream (canonical, token removed); null when denied. */
  readonly forward: string | null;
  /** The token of a /t/<token>/… listener path. */
  readonly token: string | null;
}

/**
 * What a signed link opens: its mount's stream, playlists and HLS, and the listening page (with
 * its files and the public status it polls) showing that mount alone. The gateway verifies the
 * token for every one of them, the page included (gateway/listener-auth/gate.ts).
 */
const TOKEN_ROUTES = new Set(['stream', 'playlist', 'hls', 'page', 'status']);

export function decide(policy: Policy, raw: RawRequest): Decided {
  const canon = canonicalTarget(raw.method, raw.target);
  if (canon.kind === 'deny') return { decision: canon, request: null, forward: null, token: null };
  const split = raw.role === 'listener' ? splitTokenPath(canon.path) : null;
  const path = split ? split.rest : canon.path;
  const request: PolicyRequest = {
    role: raw.role,
    method: raw.method,
    path,
    query: canon.query,
    mount: mountOf(path, canon.query),
    credentials: split ? 'token' : raw.credentials,
    clientIp: raw.clientIp,
    time: raw.time,
  };
  let decision = evaluate(policy, request);
  if (split && decision.kind === 'allow' && !TOKEN_ROUTES.has(decision.route)) {
    decision = deny('GW_TOKEN_INVALID', 'a signed link opens a stream, playlist, HLS, the listening page or public status only');
  }
  if (decision.kind === 'deny') return { decision, request, forward: null, token: split?.token ?? null };
  const q = canon.forward.indexOf('?');
  const forward = path === '*' ? '*' : encodePath(path) + (q === -1 ? '' : canon.forward.slice(q));
  return { decision, request, forward, token: split?.token ?? null };
}
