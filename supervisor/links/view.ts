// What the control API shows of a link (contracts/links.ts LinkView), from its record, the
// public address and the players connected now; and the public address itself. Pure.
import { hostname } from 'node:os';
import type { Config } from '../../config/schema.ts';
import type { LinkRecord } from '../../contracts/link-store.ts';
import type { LinkView } from '../../contracts/links.ts';
import { tokenPath } from '../../policies/tokens.ts';

/**
 * The origin players reach the gateway's HTTPS listener port at: the first ACME domain, else
 * relay.hostname, else (for localhost) this machine's name, as `icegate source-link` picks it;
 * the port the gateway bound (`icegate start` prints the same), omitted when it is 443.
 */
export function publicOrigin(config: Config, boundTlsPort: number | null, machine: string = hostname()): string {
  const configured = config.gateway.tls.acme.domains[0] ?? config.relay.hostname;
  const local = configured === 'localhost' || configured === '127.0.0.1' || configured === '';
  const name = local && /^[A-Za-z0-9.-]+$/.test(machine) ? machine : configured;
  const host = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
  const port = boundTlsPort ?? config.gateway.listener.tlsPort;
  return `https://${host}${port === 443 ? '' : `:${port}`}`;
}

export function linkView(r: LinkRecord, origin: string, listeners: number, now: number): LinkView {
  return {
    id: r.id,
    label: r.label,
    mount: r.mount,
    url: `${origin}${tokenPath(r.token, r.mount)}`,
    // The listening page of the link (relay/page): note the final "/".
    pageUrl: `${origin}${tokenPath(r.token, '/')}`,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    maxListeners: r.maxListeners,
    revoked: r.revoked,
    expired: now >= Date.parse(r.expiresAt),
    listeners,
    lastUsedAt: r.lastUsedAt,
  };
}

/**
 * Newest first (contracts/links.ts LinksPage). Records are kept in the order they were made, so
 * two made in the same millisecond keep that order too: the later one first.
 */
export function newestFirst(records: readonly LinkRecord[]): LinkRecord[] {
  return records
    .map((record, made) => ({ record, made }))
    .sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt) || b.made - a.made)
    .map((x) => x.record);
}

/** Links that are a week past their expiry open nothing and are no longer listed or kept. */
export const KEEP_AFTER_EXPIRY_MS = 7 * 24 * 3600 * 1000;

export function withoutStale(records: readonly LinkRecord[], now: number): LinkRecord[] {
  return records.filter((r) => Date.parse(r.expiresAt) + KEEP_AFTER_EXPIRY_MS > now);
}

/** The later of two ISO times (either may be null). */
export function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}
