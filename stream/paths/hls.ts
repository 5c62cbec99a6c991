// The HLS URL grammar: /hls<mount>/<file>. The gateway's policy (policies/classify.ts) reads the
// same constants, so a path the gateway lets through is one the relay understands. Everything of
// a mount lives under one folder and the playlist names its segments relatively, so a stream-link
// prefix in front of it (/t/<token>/hls/…) carries over to every segment
// (docs/hls.md#tokens-in-the-path: a relative URI keeps the path, never the query).
import type { Codec } from '../types.ts';

export const HLS_PREFIX = '/hls';
/** A playlist or segment file name; the extension tells players the format (docs/hls.md#file-names-and-types). */
export const HLS_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.(m3u8|mp3|aac)$/;
/** The one playlist of a mount. */
export const PLAYLIST_FILE = 'live.m3u8';

export type HlsCodec = Extract<Codec, 'mp3' | 'aac'>;

export interface HlsPath {
  mount: string;
  file: string;
  part: 'playlist' | 'segment';
}

export function isHlsPath(path: string): boolean {
  return path.startsWith(`${HLS_PREFIX}/`);
}

/** The mount and file of an HLS path, or null when the path is not one. */
export function parseHlsPath(path: string): HlsPath | null {
  if (!isHlsPath(path)) return null;
  const slash = path.lastIndexOf('/');
  const mount = path.slice(HLS_PREFIX.length, slash);
  const file = path.slice(slash + 1);
  const m = HLS_FILE.exec(file);
  if (!m || mount.length < 2) return null;
  return { mount, file, part: m[1] === 'm3u8' ? 'playlist' : 'segment' };
}

/**
 * `<epoch>-<seq>.mp3`: the epoch (base 36) tells apart the segments of two lives of a mount,
 * whose sequence numbers both start at 0, so a cached segment can never stand for another.
 */
export function segmentName(epoch: string, seq: number, codec: HlsCodec): string {
  return `${epoch}-${seq}.${codec}`;
}

export const SEGMENT_CONTENT_TYPE: Readonly<Record<HlsCodec, string>> = { mp3: 'audio/mpeg', aac: 'audio/aac' };
/** RFC 8216 §4: the playlist's own type, which players check. */
export const PLAYLIST_CONTENT_TYPE = 'application/vnd.apple.mpegurl';
