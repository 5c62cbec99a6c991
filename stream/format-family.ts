// Which streams a listener can be moved between without its player breaking: the same codec.
// MP3 → MP3 with another bitrate is fine (every frame header is self-describing); Ogg Vorbis →
// Ogg Opus is not (a chained stream with a new codec stops most players).
import type { Codec } from './types.ts';

const MP3_TYPES = new Set(['audio/mpeg', 'audio/mp3', 'audio/mpeg3', 'audio/x-mpeg']);
const AAC_TYPES = new Set(['audio/aac', 'audio/aacp', 'audio/x-aac']);
const OGG_TYPES = new Set(['application/ogg', 'application/x-ogg', 'audio/ogg', 'video/ogg', 'audio/opus']);

/** The codec a content type announces before any data was parsed. */
export function codecOfContentType(contentType: string): Codec {
  const t = contentType.split(';')[0]!.trim().toLowerCase();
  if (MP3_TYPES.has(t)) return 'mp3';
  if (AAC_TYPES.has(t)) return 'aac';
  if (OGG_TYPES.has(t)) return 'ogg';
  return 'other';
}

/** A key equal for mounts whose listeners may move between each other; null when unknown. */
export function formatFamily(codec: Codec | null, contentType: string | null): string | null {
  if (codec && codec !== 'ogg' && codec !== 'other') return codec;
  if (!contentType) return codec;
  const fromType = codecOfContentType(contentType);
  if (fromType === 'other') return `other:${contentType.split(';')[0]!.trim().toLowerCase()}`;
  return codec ?? fromType;
}
