// The listener's or source's real address. Forwarding headers are believed only from the peers
// in relay.trustedProxies (the gateway); Icecast 2.4 ignores them entirely, so its logs and stats
// behind a proxy show only the proxy (docs/icecast-compatibility.md#client-addresses).
import { BlockList, isIP } from 'node:net';

export interface Forwarded {
  /** The client address to use for stats, logs and decisions. */
  ip: string;
  /** 'https' when a trusted proxy says the client connected over TLS. */
  proto: 'http' | 'https';
  /** Host as the client sent it, when a trusted proxy forwarded it. */
  host: string | null;
  /**
   * Path in front of the request's own in the URL the client used ('' when none): the gateway's
   * X-Forwarded-Prefix for a request made through a stream link, "/t/<token>". Believed only from
   * a trusted proxy, and only when it is plain path segments, so it can be put into a URL as is.
   */
  prefix: string;
  /**
   * The mount of the stream link the request came through (the gateway's X-Icegate-Mount, sent
   * only after it verified the link), or null: the listening page and public status then show
   * that mount alone (relay/page/mounts.ts). Believed only from a trusted proxy.
   */
  linkMount: string | null;
}

/** One or more "/segment"s of unreserved characters (RFC 3986 §2.3); a stream link's token is base64url and dots. */
const PREFIX = /^(?:\/[A-Za-z0-9._~-]+)+$/;
const MAX_PREFIX = 2048;
/** A mount name as a header carries it: "/" then printable ASCII, the rest percent-encoded (UTF-8). */
const LINK_MOUNT = /^\/[\x21-\x7e]{1,1023}$/;

export function trustList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr!, family);
    else list.addSubnet(addr!, Number(bits), family);
  }
  return list;
}

/** Strip the IPv4-mapped IPv6 prefix Node reports on dual-stack sockets. */
export function plainAddress(addr: string | undefined): string {
  if (!addr) return '';
  return addr.startsWith('::ffff:') && isIP(addr.slice(7)) === 4 ? addr.slice(7) : addr;
}

function trusted(list: BlockList, peer: string): boolean {
  const family = isIP(peer);
  if (family === 0) return false;
  return list.check(peer, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Resolve the client from the socket peer and, for a trusted peer, the gateway's headers. The
 * gateway overwrites X-Forwarded-For with the one address it saw, so the right-most entry is the
 * one a trusted proxy vouches for.
 */
export function resolveClient(
  list: BlockList,
  peerAddress: string | undefined,
  header: (name: string) => string | undefined,
): Forwarded {
  const peer = plainAddress(peerAddress);
  const host = header('host') ?? null;
  if (!trusted(list, peer)) return { ip: peer, proto: 'http', host, prefix: '', linkMount: null };
  const xff = header('x-forwarded-for');
  const last = xff?.split(',').pop()?.trim();
  const ip = last && isIP(last) ? plainAddress(last) : peer;
  const proto = header('x-forwarded-proto')?.trim().toLowerCase() === 'https' ? 'https' : 'http';
  const fhost = header('x-forwarded-host')?.trim();
  const prefix = header('x-forwarded-prefix')?.trim() ?? '';
  const safe = prefix.length <= MAX_PREFIX && PREFIX.test(prefix) && !prefix.split('/').some((s) => s === '.' || s === '..');
  const linkMount = linkMountOf(header('x-icegate-mount')?.trim());
  return { ip, proto, host: fhost || host, prefix: safe ? prefix : '', linkMount };
}

function linkMountOf(value: string | undefined): string | null {
  if (value === undefined || !LINK_MOUNT.test(value)) return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
