// ID3v2 tags (id3v2.4.0-structure §3.1): files and some sources put one before the first frame.
// Its body can hold images full of 0xFF bytes, so it is skipped whole rather than scanned.

export const ID3_MARKER = Buffer.from('ID3', 'latin1');

/**
 * Length of the ID3v2 tag at `off` (header, body and footer), 'need' when fewer than the 10 header
 * bytes are available, or null when the bytes there are not a tag header.
 */
export function id3v2Length(buf: Buffer, off: number): number | 'need' | null {
  const avail = buf.length - off;
  for (let i = 0; i < 3 && i < avail; i++) if (buf[off + i] !== ID3_MARKER[i]) return null;
  if (avail < 10) return 'need';
  // Version and revision are never 0xFF; the size is 4 × 7 bits ("syncsafe").
  if (buf[off + 3] === 0xff || buf[off + 4] === 0xff) return null;
  let size = 0;
  for (let i = 6; i < 10; i++) {
    const b = buf[off + i]!;
    if (b & 0x80) return null;
    size = size * 128 + b;
  }
  const footer = buf[off + 5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}
