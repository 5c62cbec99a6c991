// HTTP Basic credentials (RFC 7617) and a comparison that does not leak how much of a secret an
// attacker guessed right.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeText } from './header-lines.ts';

export interface BasicCredentials {
  user: string;
  password: string;
}

/**
 * Parses an Authorization value. The scheme is case-insensitive (RFC 9110 §11.1); the payload is
 * strict base64 of "user:password", split at the first colon (RFC 7617 §2), decoded as UTF-8
 * when valid, else Latin-1. null for anything else.
 */
export function parseBasic(header?: string): BasicCredentials | null {
  if (header === undefined) return null;
  const match = /^basic +([A-Za-z0-9+/]+={0,2})$/i.exec(header);
  const encoded = match?.[1];
  // Padding is optional in practice, but a length of 4n+1 can never be base64.
  if (encoded === undefined || encoded.replace(/=+$/, '').length % 4 === 1) return null;
  const text = decodeText(Buffer.from(encoded, 'base64'));
  const colon = text.indexOf(':');
  if (colon === -1) return null;
  const user = text.slice(0, colon);
  const password = text.slice(colon + 1);
  // RFC 7617 §2: neither part may contain control characters.
  if (/[\x00-\x1f\x7f]/.test(text)) return null;
  return { user, password };
}

// A per-process key: comparing HMACs gives equal-length inputs to timingSafeEqual whatever the
// lengths of the secrets, so neither the content nor the length of the expected value leaks.
const key = randomBytes(32);

function digest(text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** Constant-time string equality. */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
