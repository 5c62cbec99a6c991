// The policy engine's vocabulary. A PolicyRequest describes a request without any socket or
// Node type in it, so every decision can be computed (and tested) as a pure function.
import type { GatewayErrorCode } from './errors.ts';

/** Each role has its own port (docs/gateway-security.md#port-roles): sources push, listeners play, the operator administers. */
export type PortRole = 'source' | 'listener' | 'admin';

export const PORT_ROLES: readonly PortRole[] = ['source', 'listener', 'admin'];

/** Which credential channel a request carries, if any; probes without one are never counted as failures. */
export type CredentialKind = 'basic' | 'password-param' | 'token';

export interface PolicyRequest {
  readonly role: PortRole;
  /** As the client sent it; case matters on listener and admin ports (RFC 9110 §9.1). */
  readonly method: string;
  /** Canonical path from canonical.ts: decoded once, checked, token prefix removed. "*" for OPTIONS *. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The mount the request is about (from the path, or ?mount= for metadata updates); null if none. */
  readonly mount: string | null;
  readonly credentials: CredentialKind | null;
  /** The address decisions and limits are keyed on (socket peer, or a validated forwarding chain). */
  readonly clientIp: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

/** What an allowed request is forwarded as. */
export type Route = 'source' | 'metadata' | 'stream' | 'playlist' | 'hls' | 'status' | 'page' | 'admin' | 'metrics';

export type Allow = { readonly kind: 'allow'; readonly route: Route; readonly mount: string | null };

/** `reason` is fixed text for the log; it never quotes the request. */
export type Deny = { readonly kind: 'deny'; readonly status: number; readonly code: GatewayErrorCode; readonly reason: string };

export type Decision = Allow | Deny;
