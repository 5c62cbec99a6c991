// The key that makes the relay core believe a gateway's forwarding fields (X-Forwarded-For,
// X-Forwarded-Proto, X-Forwarded-Prefix, X-Icegate-Mount). The relay listens on loopback, where
// every local process is a peer with the gateway's address, so the address alone proves nothing
// (docs/gateway-security.md#forwarded-headers). `icegate start` makes one key per start and hands
// it to the relay and the gateway in their environment (readable only by their own user, never
// written to a log or a file); the gateway sends it with every request and pull it forwards, and
// the relay believes forwarding fields only from a trusted peer that sent it, and removes it
// before anything else reads the request. Without a key (`icegate relay` on its own) the relay
// believes no forwarding field at all.
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The environment variable both components read it from. */
export const FORWARD_KEY_ENV = 'ICEGATE_FORWARD_KEY';
/** The request field the gateway carries it in (lower case, as Node's headers objects spell it). */
export const FORWARD_KEY_HEADER = 'x-icegate-forward-key';

const KEY = /^[A-Za-z0-9_-]{32,128}$/;

/** 32 random bytes, base64url: what `icegate start` hands its relay and gateway. */
export function newForwardKey(): string {
  return randomBytes(32).toString('base64url');
}

/** The key of the environment, or null when it is absent or not a key (too short, other characters). */
export function readForwardKey(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env[FORWARD_KEY_ENV];
  return value !== undefined && KEY.test(value) ? value : null;
}

/** Whether a request's field carries `key`, compared in constant time. */
export function carriesForwardKey(key: string | null, given: string | undefined): boolean {
  if (key === null || given === undefined) return false;
  const a = Buffer.from(given.trim(), 'latin1');
  const b = Buffer.from(key, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}
