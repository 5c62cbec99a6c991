// What a source says about its stream (ice-* / icy-* / x-audiocast-* request headers) and the
// icy-* lines listeners get from it, as Icecast 2.4.4 maps them (docs/icecast-compatibility.md#source-headers;
// src/source.c source_apply_mount, src/format.c format_prepare_headers).
import type { StreamDescription } from './types.ts';
import { decodeText, isSafeHeaderValue, type HeaderFields } from './header-lines.ts';
import { percentDecode } from './paths/request.ts';

/** Where each field comes from, first match wins: ice-* first, then icy-*, then x-audiocast-*. */
const SOURCES = {
  name: ['ice-name', 'icy-name', 'x-audiocast-name'],
  description: ['ice-description', 'icy-description', 'x-audiocast-description'],
  genre: ['ice-genre', 'icy-genre', 'x-audiocast-genre'],
  url: ['ice-url', 'icy-url', 'x-audiocast-url'],
  public: ['ice-public', 'icy-pub', 'x-audiocast-public', 'icy-public'],
  bitrate: ['ice-bitrate', 'icy-br', 'x-audiocast-bitrate'],
} as const;

/** Listener header names this module renders itself, so `extra` can never duplicate them. */
const RENDERED = new Set(['ice-audio-info', 'icy-name', 'icy-description', 'icy-genre', 'icy-url', 'icy-pub', 'icy-br']);
/**
 * Never forwarded: the legacy password header, the source's own metadata interval (it tells the
 * relay to strip inline metadata, docs/icecast-compatibility.md#icy-metadata) and ffmpeg's request header asking for metadata.
 */
const PRIVATE = new Set(['ice-password', 'icy-metaint', 'icy-metadata']);
const KNOWN: ReadonlySet<string> = new Set([...Object.values(SOURCES).flat(), 'ice-audio-info', ...PRIVATE]);

const MAX_AUDIO_INFO_PAIRS = 32;

export function describeSource(head: HeaderFields): StreamDescription {
  const pick = (names: readonly string[]): string | undefined =>
    names.map((n) => head.get(n)).find((v): v is string => v !== undefined && v !== '' && isSafeHeaderValue(v));
  const desc: StreamDescription = { extra: {} };
  const name = pick(SOURCES.name);
  if (name !== undefined) desc.name = name;
  const description = pick(SOURCES.description);
  if (description !== undefined) desc.description = description;
  const genre = pick(SOURCES.genre);
  if (genre !== undefined) desc.genre = genre;
  const url = pick(SOURCES.url);
  if (url !== undefined) desc.url = url;
  const pub = parsePublic(pick(SOURCES.public));
  if (pub !== undefined) desc.public = pub;
  const audioInfo = pick(['ice-audio-info']);
  if (audioInfo !== undefined) desc.audioInfo = audioInfo;
  const bitrate = parseBitrate(pick(SOURCES.bitrate)) ?? audioInfoBitrate(audioInfo);
  if (bitrate !== undefined) desc.bitrate = bitrate;
  // Other ice-X become icy-X, other icy-X pass through; ice-X wins over icy-X.
  for (const prefix of ['ice-', 'icy-']) {
    for (const [header, values] of head.headers) {
      if (!header.startsWith(prefix) || KNOWN.has(header)) continue;
      const target = `icy-${header.slice(4)}`;
      const value = values[0];
      if (RENDERED.has(target) || Object.hasOwn(desc.extra, target) || value === undefined || !isSafeHeaderValue(value)) continue;
      desc.extra[target] = value;
    }
  }
  return desc;
}

/**
 * The `k=v;k=v` pairs of ice-audio-info, values percent-decoded (libshout encodes them). Keys are
 * kept as sent: libshout sends `bitrate=`, BUTT `ice-bitrate=`.
 */
export function parseAudioInfo(raw: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of raw.split(';').slice(0, MAX_AUDIO_INFO_PAIRS)) {
    const eq = part.indexOf('=');
    const key = (eq === -1 ? '' : part.slice(0, eq)).trim();
    if (key === '' || pairs.has(key)) continue;
    const value = part.slice(eq + 1).trim();
    const decoded = percentDecode(value);
    pairs.set(key, decoded === null ? value : decodeText(decoded));
  }
  return pairs;
}

/** The source's own icy-metaint: its stream carries inline ICY metadata every N bytes. */
export function sourceMetaint(head: HeaderFields): number | null {
  const value = head.get('icy-metaint');
  if (value === undefined || !/^\d{1,9}$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}

/** Mount settings that win over what the source says; the shape of MountConfig's fields. */
export interface MountOverrides {
  streamName?: string | null;
  streamDescription?: string | null;
  streamUrl?: string | null;
  genre?: string | null;
  public?: boolean | null;
  bitrate?: number | null;
}

export function applyMountOverrides(desc: StreamDescription, o: MountOverrides = {}): StreamDescription {
  const out: StreamDescription = { ...desc, extra: { ...desc.extra } };
  if (o.streamName != null) out.name = o.streamName;
  if (o.streamDescription != null) out.description = o.streamDescription;
  if (o.streamUrl != null) out.url = o.streamUrl;
  if (o.genre != null) out.genre = o.genre;
  if (o.public != null) out.public = o.public;
  if (o.bitrate != null) out.bitrate = o.bitrate;
  return out;
}

/**
 * The source-derived lines of a listener response, without CRLF: Icecast's spelling (`icy-br:128`
 * with no space, `ice-audio-info: …` with one) in Icecast's order (sorted by name). Unlike 2.4.4,
 * icy-br appears once even when ice-audio-info also carries a bitrate. Values with control
 * characters (from a source or a config file) are left out rather than split a header.
 */
export function listenerHeaders(desc: StreamDescription, overrides: MountOverrides = {}): string[] {
  const d = applyMountOverrides(desc, overrides);
  const lines: [string, string, string][] = [];
  const add = (name: string, value: string | undefined, separator = ':'): void => {
    if (value !== undefined && isSafeHeaderValue(value)) lines.push([name, separator, value]);
  };
  add('ice-audio-info', d.audioInfo, ': ');
  add('icy-br', d.bitrate?.toString());
  add('icy-description', d.description);
  add('icy-genre', d.genre);
  add('icy-name', d.name);
  add('icy-pub', d.public === undefined ? undefined : d.public ? '1' : '0');
  add('icy-url', d.url);
  for (const [name, value] of Object.entries(d.extra)) {
    if (!RENDERED.has(name) && !PRIVATE.has(name)) add(name, value);
  }
  return lines.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map((parts) => parts.join(''));
}

/** Icecast reads ice-public with atoi(); "true"/"yes" are accepted too, anything else is ignored. */
function parsePublic(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (/^[+-]?\d+$/.test(v)) return Number(v) !== 0;
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  return undefined;
}

function parseBitrate(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,7}$/.test(value) ? Number(value) : undefined;
}

/** Icecast takes the listener's icy-br from any "bitrate=" inside ice-audio-info. */
function audioInfoBitrate(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const info = parseAudioInfo(raw);
  return parseBitrate(info.get('bitrate') ?? info.get('ice-bitrate'));
}
