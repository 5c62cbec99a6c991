// gateway.privacy.anonymizeIps: listener addresses as the gateway shows them to anyone else (its
// log lines, the X-Forwarded-For it sends upstream, the security view) are cut to the network a
// household or a small office shares: an IPv4 /24, an IPv6 /48 (the usual end-site assignment,
// RFC 6177). The result is still an address, so the relay reads it like any other client address;
// limits and bans go on keying on the real one, in memory only.
import { isIP } from 'node:net';
import { plainAddress } from '../stream/client-ip.ts';
import { expandIpv6 } from './limits/ip-key.ts';

/**
 * "203.0.113.7" → "203.0.113.0"; "2001:db8:1:2::7" → "2001:db8:1::"; "::ffff:203.0.113.7" →
 * "203.0.113.0". '' when `ip` is not an address, so nothing unexpected is ever passed on.
 */
export function anonymizeIp(ip: string): string {
  const plain = plainAddress(ip.replace(/%.*$/, ''));
  const family = isIP(plain);
  if (family === 4) return plain.replace(/\.\d+$/, '.0');
  if (family !== 6) return '';
  const groups = expandIpv6(plain)
    .slice(0, 3)
    .map((g) => parseInt(g, 16));
  // Re-spelled through URL so it comes out in the canonical compressed form (RFC 5952).
  return new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}::]`).hostname.slice(1, -1);
}

/** The identity when anonymisation is off. */
export function ipDisplay(anonymize: boolean): (ip: string) => string {
  return anonymize ? anonymizeIp : (ip) => ip;
}
