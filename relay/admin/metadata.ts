// Title updates (/admin/metadata, /admin.cgi), the pure parts (docs/icecast-compatibility.md#title-updates).
// Titles are read from the raw query bytes, because a title sent with `charset=ISO-8859-1` is
// not UTF-8 and would be destroyed by a UTF-8 query parser. Without charset= the bytes are UTF-8
// (Icecast-KH's default; 2.4.4's Latin-1 default is what garbles its status-json). Control
// characters become spaces, so a CR/LF in a title can never split a header or an XML line, and
// the title is cut to what one ICY metadata block carries.
import type { Codec } from '../../stream/types.ts';

/** 255×16 bytes per ICY block, minus `StreamTitle='`, `';` and the terminating NUL. */
export const MAX_TITLE_BYTES = 255 * 16 - 13 - 2 - 1;
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

/**
 * The bytes of the first `name=` parameter of a raw query string: `+` is a space and `%XX` a
 * byte, as in application/x-www-form-urlencoded; a `%` not followed by two hex digits is kept.
 */
export function rawQueryParam(rawQuery: string, name: string): Buffer | null {
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (formDecode(key).toString('utf8') === name) return formDecode(eq < 0 ? '' : pair.slice(eq + 1));
  }
  return null;
}

function formDecode(text: string): Buffer {
  const s = text.replace(/\+/g, ' ');
  const out: Buffer[] = [];
  let from = 0;
  for (let i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
    if (!/^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) continue;
    out.push(Buffer.from(s.slice(from, i), 'utf8'), Buffer.of(parseInt(s.slice(i + 1, i + 3), 16)));
    from = i + 3;
    i += 2;
  }
  out.push(Buffer.from(s.slice(from), 'utf8'));
  return Buffer.concat(out);
}

/** Labels of ISO-8859-1 (WHATWG's list for windows-1252, which it maps them to, plus iconv's spellings). */
const LATIN1 = new Set(['latin1', 'l1', 'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'iso88591', 'iso-ir-100', 'cp819', 'ibm819', 'csisolatin1', 'iso_8859-1:1987']);

/**
 * Text from title bytes in the given charset: ISO-8859-1 byte for byte (its C1 controls are
 * later turned into spaces like any control), another charset Node's TextDecoder knows, or else
 * UTF-8; invalid sequences become U+FFFD.
 */
export function decodeTitle(bytes: Buffer, charset: string | null): string {
  if (charset !== null && LATIN1.has(charset.trim().toLowerCase())) return bytes.toString('latin1');
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}

/** Control characters to spaces, then cut to `maxBytes` of UTF-8 on a character boundary. */
export function cleanTitle(text: string, maxBytes = MAX_TITLE_BYTES): string {
  const clean = text.replace(CONTROL, ' ');
  const bytes = Buffer.from(clean, 'utf8');
  if (bytes.length <= maxBytes) return clean;
  let end = Math.max(0, maxBytes);
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.toString('utf8', 0, end);
}

export type TitleUpdate = { kind: 'ok'; title: string; artist: string } | { kind: 'missing' };

/**
 * `song=` sets the whole title; otherwise `artist=` and `title=` are both needed, and players
 * show them as "artist - title" (docs/icecast-compatibility.md#title-updates).
 */
export function titleUpdate(rawQuery: string): TitleUpdate {
  const charsetBytes = rawQueryParam(rawQuery, 'charset');
  const charset = charsetBytes === null ? null : charsetBytes.toString('latin1').trim();
  const read = (name: string): string | null => {
    const bytes = rawQueryParam(rawQuery, name);
    return bytes === null ? null : decodeTitle(bytes, charset);
  };
  const song = read('song');
  if (song !== null) return { kind: 'ok', title: cleanTitle(song), artist: '' };
  const artist = read('artist');
  const title = read('title');
  if (artist === null || title === null) return { kind: 'missing' };
  const a = cleanTitle(artist);
  const room = MAX_TITLE_BYTES - Buffer.byteLength(a, 'utf8') - ' - '.length;
  return { kind: 'ok', artist: a, title: cleanTitle(title, room) };
}

/**
 * ICY titles exist only where the stream carries ICY blocks: MP3, AAC and other non-Ogg streams.
 * Icecast's Ogg handler (2.4.4: Vorbis only, by rebuilding the comment header) and WebM take no
 * URL updates; it then answers "Mountpoint will not accept URL updates", still with return 1.
 */
export function acceptsUrlUpdates(codec: Codec | null, contentType: string | null): boolean {
  if (codec === 'vorbis' || codec === 'opus' || codec === 'ogg') return false;
  return !/^(audio|video)\/(webm|x-matroska)\b/i.test(contentType ?? '');
}
