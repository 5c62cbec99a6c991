// Numbers and states in words for the dashboard: fixed, short, ASCII-only renderings so columns
// line up and nothing depends on the terminal's Unicode support (docs/supervision.md#the-dashboard).
import type { ComponentView } from '../contracts/control-api.ts';

const BYTE_UNITS = ['B', 'K', 'M', 'G', 'T', 'P'] as const;

/** 1536 → "1.5K", 10485760 → "10M": binary multiples, at most 4 characters before the unit. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return '-';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)}B`;
  // One decimal below 10 ("1.5K"), none above ("512K"); rounding 1023.9 up stays in its unit.
  const shown = value < 10 ? value.toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
  return `${shown}${BYTE_UNITS[unit]}`;
}

/** Bytes per second as bits per second, the unit streams are spoken of in: 16000 → "128k". */
export function formatBitrate(bytesPerSecond: number | null): string {
  if (bytesPerSecond === null || !Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) return '-';
  const bits = bytesPerSecond * 8;
  if (bits < 1000) return `${Math.round(bits)}b`;
  if (bits < 1_000_000) return `${Math.round(bits / 1000)}k`;
  const mbit = bits / 1_000_000;
  return `${mbit < 10 ? mbit.toFixed(1).replace(/\.0$/, '') : Math.round(mbit)}M`;
}

/** 59 → "59s", 61 → "1m01s", 3700 → "1h01m", 90000 → "1d01h": two units, most significant first. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${two(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d${two(Math.floor((s % 86400) / 3600))}h`;
}

/** 12.345 → "12%", 0.4 → "0.4%", null → "-". */
export function formatPercent(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return '-';
  if (percent > 0 && percent < 1) return `${percent.toFixed(1)}%`;
  return `${Math.round(percent)}%`;
}

/** used of total as a percentage; "-" when the total is unknown. */
export function percentOf(used: number, total: number): number | null {
  return total > 0 ? (used / total) * 100 : null;
}

/** A count with its peak, the way Icecast's status page shows them: "12/40". */
export function formatNowPeak(now: number, peak: number): string {
  return `${now}/${peak}`;
}

// Ten levels from empty to full, all in ASCII so they survive PuTTY, GNU screen and any locale
// (block and braille glyphs show as "?" there: chjj/blessed#98, Unitech/pm2#2183).
export const SPARK_LEVELS = ' .:-=+*#%@';

/**
 * The last `width` values as one character each, scaled to their maximum: 0 is a blank, any
 * non-zero value at least "." so a single listener is visible next to a hundred.
 */
export function sparkline(values: readonly number[], width: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width).map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const max = Math.max(0, ...shown);
  const top = SPARK_LEVELS.length - 1;
  const chars = shown.map((v) => (v === 0 || max === 0 ? SPARK_LEVELS[0] : SPARK_LEVELS[Math.max(1, Math.round((v / max) * top))]));
  return chars.join('').padStart(width, ' ');
}

/** The words a component's state is shown with; colour is only a second channel. */
export function componentStateWords(c: Pick<ComponentView, 'state' | 'nextRestartSeconds'>): string {
  const next = c.nextRestartSeconds === null ? '' : ` ${Math.max(0, Math.ceil(c.nextRestartSeconds))} s`;
  switch (c.state) {
    case 'starting':
    case 'running':
    case 'stopping':
    case 'stopped':
      return c.state;
    case 'backoff':
      return `backing off${next}`;
    case 'crash-looping':
      return `crash-looping${next}`;
    case 'failed':
      return next === '' ? 'failed' : `failed, retry${next}`;
  }
}

export type Tone = 'good' | 'warn' | 'bad' | 'plain';

/** How a component's state is coloured when colour is on. */
export function componentTone(state: ComponentView['state']): Tone {
  if (state === 'running') return 'good';
  if (state === 'starting' || state === 'stopping' || state === 'backoff') return 'warn';
  if (state === 'stopped') return 'plain';
  return 'bad';
}

/** "12:03:04" in UTC from an ISO time, or "-". */
export function formatClock(iso: string | null): string {
  if (iso === null) return '-';
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? '-' : time.toISOString().slice(11, 19);
}

/** Whole seconds from `from` to `to` (ISO times), or null when either is missing or invalid. */
export function secondsBetween(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  const a = Date.parse(from);
  const b = Date.parse(to);
  return Number.isNaN(a) || Number.isNaN(b) ? null : Math.floor((b - a) / 1000);
}
