// The address a limit is keyed on. One IPv6 host usually owns a whole /64 and can rotate through
// 2^64 addresses, so counting per address would let it dodge every limit and fill the limiter's
// memory (docs/gateway-security.md#address-keys); IPv6 is therefore grouped by its /64 prefix.
import { isIP } from 'node:net';
import { plainAddress } from '../../stream/client-ip.ts';

/** "192.0.2.7" → "192.0.2.7"; "2001:db8:1:2:3:4:5:6" → "2001:db8:1:2::/64"; null if not an address. */
export function ipKey(address: string): string | null {
  const ip = plainAddress(address.replace(/%.*$/, ''));
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family !== 6) return null;
  const groups = expandIpv6(ip);
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/** Eight hex groups, "::" expanded and a trailing dotted IPv4 part turned into two groups. */
export function expandIpv6(ip: string): string[] {
  let text = ip.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right];
}
