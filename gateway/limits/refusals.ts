// The security view's refusal statistics: every refusal counted under one of the dashboard's
// reasons (contracts/control-api.ts SecurityReason) and the newest ones kept in a fixed-size ring,
// so memory stays bounded whatever an attacker sends.
import type { SecurityEventView, SecurityReason } from '../../contracts/control-api.ts';
import { GW_ERRORS, type GatewayErrorCode } from '../../policies/errors.ts';

export const SECURITY_REASONS: readonly SecurityReason[] = ['blocked-method', 'admin-path', 'bad-credentials', 'rate-limited', 'banned', 'bad-request', 'other'];

/** Which reason each catalogue code is counted under; a new code must be placed here (the type says so). */
export const REASON_OF_CODE: Readonly<Record<GatewayErrorCode, SecurityReason>> = {
  GW_BAD_TARGET: 'bad-request',
  GW_BAD_FRAMING: 'bad-request',
  GW_UNEXPECTED_BODY: 'bad-request',
  GW_HEADER_TOO_LARGE: 'bad-request',
  GW_HEADER_TIMEOUT: 'bad-request',
  GW_METHOD_NOT_ALLOWED: 'blocked-method',
  // /admin (or a source path) on a port of another role.
  GW_WRONG_PORT: 'admin-path',
  GW_NOT_FOUND: 'other',
  GW_CLIENT_ADDRESS: 'other',
  // A challenge to a request without credentials is not a failed guess.
  GW_AUTH_REQUIRED: 'other',
  GW_AUTH_FAILED: 'bad-credentials',
  GW_RATE_LIMITED: 'rate-limited',
  GW_CROSS_SITE: 'bad-request',
  GW_CLIENT_CERT_REQUIRED: 'bad-credentials',
  GW_TOKEN_REQUIRED: 'other',
  GW_LISTENER_REFUSED: 'bad-credentials',
  GW_AUTH_UNAVAILABLE: 'other',
  GW_TOKEN_INVALID: 'bad-credentials',
  GW_TOKEN_EXPIRED: 'bad-credentials',
  GW_TOKEN_WRONG_MOUNT: 'bad-credentials',
  GW_TOKEN_REVOKED: 'bad-credentials',
  GW_LINK_CLOSED: 'bad-credentials',
  GW_TOKEN_IN_USE: 'rate-limited',
  GW_TOO_MANY_CONNECTIONS: 'rate-limited',
  GW_TOO_MANY_STREAMS: 'rate-limited',
  GW_BANNED: 'banned',
  GW_UPSTREAM_UNAVAILABLE: 'other',
  GW_UPSTREAM_TIMEOUT: 'other',
  GW_INTERNAL: 'other',
};

export interface Refusal {
  readonly at: Date;
  readonly role: SecurityEventView['role'];
  /** As it may be shown (anonymised when gateway.privacy.anonymizeIps is on). */
  readonly ip: string;
  readonly code: GatewayErrorCode;
}

export const RECENT_REFUSALS = 100;

export class RefusalLog {
  readonly #counts = Object.fromEntries(SECURITY_REASONS.map((r) => [r, 0])) as Record<SecurityReason, number>;
  readonly #ring: (SecurityEventView | undefined)[];
  #next = 0;

  constructor(readonly capacity = RECENT_REFUSALS) {
    this.#ring = new Array<SecurityEventView | undefined>(capacity);
  }

  add(r: Refusal): void {
    const reason = REASON_OF_CODE[r.code];
    this.#counts[reason]++;
    // The catalogue's fixed message, never anything of the request.
    this.#ring[this.#next] = { at: r.at.toISOString(), role: r.role, ip: r.ip, reason, code: r.code, detail: GW_ERRORS[r.code].message };
    this.#next = (this.#next + 1) % this.capacity;
  }

  counts(): Record<SecurityReason, number> {
    return { ...this.#counts };
  }

  /** Newest first. */
  recent(): SecurityEventView[] {
    const out: SecurityEventView[] = [];
    for (let i = 1; i <= this.capacity; i++) {
      const e = this.#ring[(this.#next - i + this.capacity) % this.capacity];
      if (e) out.push({ ...e });
    }
    return out;
  }
}
