// When to ask the ACME server for a certificate: a pure function of what is stored, what is
// configured and the time, so every case is a row in a table test.
//
// Renewal at two thirds of the certificate's lifetime, Let's Encrypt's own advice for
// 90-day certificates (renew with 30 days left). Failed attempts back off in minutes, not seconds:
// the CA rate-limits failed validations per account and name (docs/acme.md#rate-limits).

export interface StoredCertificate {
  /** Milliseconds since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** DNS names the certificate is valid for (subjectAltName). */
  readonly names: readonly string[];
}

export type AcmeStep =
  | { readonly kind: 'order'; readonly reason: string }
  | { readonly kind: 'wait'; readonly until: number; readonly reason: string };

/** The longest single wait: timers are re-armed at least daily, so a sleeping laptop or a clock step is noticed. */
export const MAX_WAIT_MS = 24 * 3600_000;

const RETRY_FIRST_MS = 5 * 60_000;
const RETRY_CAP_MS = 6 * 3600_000;

export function renewalTime(cert: StoredCertificate): number {
  return cert.notBefore + Math.floor(((cert.notAfter - cert.notBefore) * 2) / 3);
}

export function covers(cert: StoredCertificate, domains: readonly string[]): boolean {
  const names = new Set(cert.names.map((n) => n.toLowerCase()));
  return domains.every((d) => names.has(d.toLowerCase()));
}

/** What to do now with the stored certificate (or none) for the configured domains. */
export function planCertificate(stored: StoredCertificate | null, domains: readonly string[], now: number): AcmeStep {
  if (stored === null) return { kind: 'order', reason: 'no certificate yet' };
  if (!covers(stored, domains)) return { kind: 'order', reason: 'the configured domains changed' };
  if (now >= stored.notAfter) return { kind: 'order', reason: 'the certificate expired' };
  const renewAt = renewalTime(stored);
  if (now >= renewAt) return { kind: 'order', reason: 'due for renewal' };
  return { kind: 'wait', until: renewAt, reason: 'valid' };
}

/** Delay before attempt n+1 after n consecutive failures (n ≥ 1): 5 min, 10, 20 … at most 6 h. */
export function retryDelay(failures: number): number {
  const n = Math.max(1, Math.floor(failures));
  return Math.min(RETRY_CAP_MS, RETRY_FIRST_MS * 2 ** Math.min(n - 1, 20));
}
