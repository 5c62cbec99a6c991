// Signed stream URLs that any player can open: no header, cookie or password prompt, just a link.
//
// Format (version 1). The token is one path segment in front of the listener path:
//
//   /t/<token>/live.mp3              the stream
//   /t/<token>/live.mp3.m3u          its playlists
//   /t/<token>/hls/live.mp3/a.m3u8   HLS: relative segment URIs resolve to /t/<token>/hls/live.mp3/…,
//                                    so every segment inherits the token (RFC 3986 §5.2; a query
//                                    string would be dropped, docs/hls.md#tokens-in-the-path)
//
//   <token>  = <kid> "." <claims> "." <mac>
//   kid      = 1–32 of [A-Za-z0-9_-]: which key of the keyring signed it
//   claims   = base64url(UTF-8 JSON [1, mount, exp, maxUses, id])
//              exp: Unix seconds; maxUses: concurrent listeners allowed, 0 = unlimited;
//              id: 16 random bytes, base64url, the handle for revocation and use counting (never
//              starting with "-", so `icegate token --revoke ID` cannot read it as an option)
//   mac      = base64url(HMAC-SHA256(keyring[kid], "icegate-stream-token\n" + kid + "\n" + claims))
//
// The MAC covers the claims exactly as sent, so nothing is re-serialised before checking it, and
// it is compared in constant time. The newest key (the last one in the keyring) signs; every key
// verifies, so a key is rotated by appending a new one and removing the old one once its links
// have expired (docs/gateway-security.md#signed-stream-links: kid-based rotation as in CloudFront and Cloudflare).
//
// Expiry is checked when a stream is opened, never during it: Icecast streams are endless, and a
// link that dies mid-programme is what listeners must never see (docs/hls.md#token-lifetime). Keep lifetimes short.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isMount } from './classify.ts';
import type { GatewayErrorCode } from './errors.ts';

export const TOKEN_PREFIX = '/t/';

const KID = /^[A-Za-z0-9_-]{1,32}$/;
const TOKEN = /^([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{1,1024})\.([A-Za-z0-9_-]{43})$/;
const ID = /^[A-Za-z0-9_-]{22}$/;
const MIN_SECRET_BYTES = 16;

export interface TokenClaims {
  readonly kid: string;
  readonly mount: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  /** Concurrent listeners allowed with this link; null = unlimited. */
  readonly maxUses: number | null;
  readonly id: string;
}

export type TokenVerdict =
  | { readonly kind: 'ok' | 'expired' | 'wrong-mount' | 'revoked'; readonly claims: TokenClaims }
  | { readonly kind: 'tampered' | 'unknown-key' | 'malformed' };

export const TOKEN_ERRORS: Readonly<Record<Exclude<TokenVerdict['kind'], 'ok'>, GatewayErrorCode>> = {
  expired: 'GW_TOKEN_EXPIRED',
  'wrong-mount': 'GW_TOKEN_WRONG_MOUNT',
  revoked: 'GW_TOKEN_REVOKED',
  tampered: 'GW_TOKEN_INVALID',
  'unknown-key': 'GW_TOKEN_INVALID',
  malformed: 'GW_TOKEN_INVALID',
};

export interface MintOptions {
  readonly mount: string;
  readonly ttlSeconds: number;
  /** Concurrent listeners allowed; omitted or 0 = unlimited. */
  readonly maxUses?: number;
  /** Default: 16 random bytes. */
  readonly id?: string;
}

export class TokenKeyError extends Error {}

export class StreamTokens {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #signer: string;
  readonly #revoked: Set<string>;

  /** `keys`: { kid: secret }, oldest first; the last one signs. Throws TokenKeyError naming the bad kid. */
  constructor(keys: Readonly<Record<string, string>>, revoked: Iterable<string> = []) {
    const entries = Object.entries(keys);
    if (entries.length === 0) throw new TokenKeyError('the token keyring is empty');
    for (const [kid, secret] of entries) {
      if (!KID.test(kid)) throw new TokenKeyError(`token key id "${kid.slice(0, 40)}" must be 1–32 of A–Z a–z 0–9 _ -`);
      if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) throw new TokenKeyError(`token key "${kid}" must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    this.#keys = new Map(entries.map(([kid, secret]) => [kid, Buffer.from(secret, 'utf8')]));
    this.#signer = entries[entries.length - 1]![0];
    this.#revoked = new Set(revoked);
  }

  /** `now`: milliseconds since the epoch. Returns the token; put it in a URL with tokenPath(). */
  mint(options: MintOptions, now: number): string {
    const { mount, ttlSeconds, maxUses = 0, id = newTokenId() } = options;
    if (!isMount(mount)) throw new RangeError('the mount is not a valid mount name');
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive whole number');
    if (!Number.isSafeInteger(maxUses) || maxUses < 0) throw new RangeError('maxUses must be a whole number ≥ 0');
    if (!ID.test(id)) throw new RangeError('the token id must be 22 base64url characters');
    const exp = Math.floor(now / 1000) + ttlSeconds;
    const claims = Buffer.from(JSON.stringify([1, mount, exp, maxUses, id]), 'utf8').toString('base64url');
    return `${this.#signer}.${claims}.${mac(this.#keys.get(this.#signer)!, this.#signer, claims).toString('base64url')}`;
  }

  /** Checked in this order: shape, key, signature, claims, revocation, expiry, mount. */
  verify(token: string, mount: string, now: number): TokenVerdict {
    const parts = TOKEN.exec(token);
    if (!parts) return { kind: 'malformed' };
    const [, kid, encoded, sig] = parts as unknown as [string, string, string, string];
    const key = this.#keys.get(kid);
    if (!key) return { kind: 'unknown-key' };
    // Compared as text, so a second spelling of the same MAC (base64url's unused low bits) fails too.
    const expected = Buffer.from(mac(key, kid, encoded).toString('base64url'));
    if (!timingSafeEqual(Buffer.from(sig), expected)) return { kind: 'tampered' };
    const claims = decodeClaims(kid, encoded);
    if (!claims) return { kind: 'malformed' };
    if (this.#revoked.has(claims.id)) return { kind: 'revoked', claims };
    if (now >= claims.expiresAt) return { kind: 'expired', claims };
    if (claims.mount !== mount) return { kind: 'wrong-mount', claims };
    return { kind: 'ok', claims };
  }

  revoke(id: string): void {
    this.#revoked.add(id);
  }

  get revoked(): ReadonlySet<string> {
    return this.#revoked;
  }
}

/** The listener path carrying a token: tokenPath(t, '/live.mp3') → /t/<t>/live.mp3 */
export function tokenPath(token: string, path: string): string {
  return `${TOKEN_PREFIX}${token}${path}`;
}

/** Splits /t/<token><rest>; null when the path carries no token. `rest` is '' when nothing follows. */
export function splitTokenPath(path: string): { token: string; rest: string } | null {
  if (!path.startsWith(TOKEN_PREFIX)) return null;
  const slash = path.indexOf('/', TOKEN_PREFIX.length);
  if (slash === -1) return { token: path.slice(TOKEN_PREFIX.length), rest: '' };
  return { token: path.slice(TOKEN_PREFIX.length, slash), rest: path.slice(slash) };
}

/**
 * The mount a token claims, read WITHOUT checking anything: only for a request that names no
 * mount itself (the listening page of a link), whose token is then verified against this mount
 * like any other. Null when the token cannot even be read.
 */
export function claimedMount(token: string): string | null {
  const parts = TOKEN.exec(token);
  return parts ? (decodeClaims(parts[1]!, parts[2]!)?.mount ?? null) : null;
}

/**
 * The id a token claims, read WITHOUT checking anything: for a component behind the gateway (the
 * relay's HLS sessions, relay/hls/sessions.ts), which sees only requests the gateway verified.
 * Null when the token cannot be read. Accepts the link's path prefix too (/t/<token>).
 */
export function claimedId(token: string): string | null {
  const bare = token.startsWith(TOKEN_PREFIX) ? token.slice(TOKEN_PREFIX.length) : token;
  const parts = TOKEN.exec(bare);
  return parts ? (decodeClaims(parts[1]!, parts[2]!)?.id ?? null) : null;
}

function mac(key: Buffer, kid: string, claims: string): Buffer {
  return createHmac('sha256', key).update(`icegate-stream-token\n${kid}\n${claims}`, 'utf8').digest();
}

function decodeClaims(kid: string, encoded: string): TokenClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 5 || value[0] !== 1) return null;
  const [, mount, exp, maxUses, id] = value as unknown[];
  if (typeof mount !== 'string' || !isMount(mount)) return null;
  if (!Number.isSafeInteger(exp) || !Number.isSafeInteger(maxUses) || (maxUses as number) < 0) return null;
  if (typeof id !== 'string' || !ID.test(id)) return null;
  return { kid, mount, expiresAt: (exp as number) * 1000, maxUses: maxUses === 0 ? null : (maxUses as number), id };
}

/** 16 random bytes as base64url, drawn again when the text would start with "-". */
export function newTokenId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
