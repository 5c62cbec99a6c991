// What the operator types after `b`: an address (or an IPv6 /64) and an optional duration,
// e.g. "203.0.113.7", "203.0.113.7 30m", "2001:db8:1:2::/64 2h", "198.51.100.4 forever".
import { isIP } from 'node:net';

export const DEFAULT_BAN_SECONDS = 3600;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export type BanInput = { ok: true; ip: string; seconds: number | null } | { ok: false; error: string };

/** "90" (seconds), "30m", "2h", "7d", or "forever" / "0" for a ban until lifted (null). */
export function parseDuration(text: string): number | null | undefined {
  if (text === 'forever' || text === '0') return null;
  const match = /^(\d{1,7})([smhd]?)$/.exec(text);
  if (match === null) return undefined;
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1);
  return seconds > 0 ? seconds : undefined;
}

export function parseBanInput(text: string): BanInput {
  const [ip, duration, ...rest] = text.trim().split(/\s+/);
  if (ip === undefined || ip === '') return { ok: false, error: 'type an address, e.g. 203.0.113.7 1h' };
  if (rest.length > 0) return { ok: false, error: 'type an address and at most one duration' };
  const v6net = /^(.+)\/64$/.exec(ip);
  if (v6net !== null ? isIP(v6net[1]!) !== 6 : isIP(ip) === 0) return { ok: false, error: `"${ip}" is not an IP address (or an IPv6 /64)` };
  if (duration === undefined) return { ok: true, ip, seconds: DEFAULT_BAN_SECONDS };
  const seconds = parseDuration(duration);
  if (seconds === undefined) return { ok: false, error: `"${duration}" is not a duration: 90, 30m, 2h, 7d or forever` };
  return { ok: true, ip, seconds };
}

/** How a ban's length is said in the confirmation. */
export function banLengthWords(seconds: number | null): string {
  if (seconds === null) return 'until the ban is lifted';
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]] as const) {
    if (seconds % size === 0) return `for ${seconds / size} ${unit}${seconds === size ? '' : 's'}`;
  }
  return `for ${seconds} second${seconds === 1 ? '' : 's'}`;
}
