// The response head a player gets for a mount, byte-compatible with Icecast 2.4.4 (docs/icecast-compatibility.md#listener-response-head):
// HTTP/1.0 200, no Content-Length, `icy-x:value` lines with no space after the colon, sorted by
// name, ice-audio-info passed through, icy-metaint only when asked for and only for non-Ogg.
import type { Codec, MountStats } from './types.ts';
import { renderHead } from './responses.ts';
import { listenerHeaders } from './source-headers.ts';
import { CORS_HEADERS } from './cors.ts';

/** Icy-MetaData with a non-zero integer asks for in-band titles; Ogg never gets them (docs/icecast-compatibility.md#listener-response-head). */
export function wantsIcy(value: string | undefined, codec: Codec | null): boolean {
  if (codec === 'vorbis' || codec === 'opus' || codec === 'ogg') return false;
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n !== 0;
}

/** The icy-* / ice-audio-info lines for a mount; a bitrate learnt from frame headers fills in. */
export function icyLines(stats: MountStats): string[] {
  const d = stats.description;
  return listenerHeaders({ ...d, public: stats.public, bitrate: d.bitrate ?? stats.audioInfo.bitrate });
}

/** CORS beyond the Allow-Origin line every relay response already carries. */
const CORS_LINES = CORS_HEADERS.filter(([k]) => k !== 'Access-Control-Allow-Origin').map(([k, v]) => `${k}: ${v}`);

export function listenerResponseHead(stats: MountStats, metaint: number | null, date: Date): Buffer {
  const lines = [...CORS_LINES, ...icyLines(stats)];
  if (metaint) lines.push(`icy-metaint:${metaint}`);
  return renderHead({ status: 200, contentType: stats.contentType ?? 'application/octet-stream', date, lines });
}
