// Ogg pages (RFC 3533 §6): "OggS", version 0, header type, granule position, serial number,
// sequence number, CRC-32, segment count, segment table, body.

export const OGG_CAPTURE = Buffer.from('OggS', 'latin1');
export const OGG_HEADER_SIZE = 27;
/** 27-byte header + 255 lacing values + 255 × 255 body bytes. */
export const OGG_MAX_PAGE = OGG_HEADER_SIZE + 255 + 255 * 255;

export const FLAG_CONTINUED = 0x01;
export const FLAG_BOS = 0x02;
export const FLAG_EOS = 0x04;

export interface OggPage {
  /** The whole page, a subarray of the input. */
  readonly bytes: Buffer;
  readonly flags: number;
  readonly serial: number;
  /** The lacing values (RFC 3533 §6: a value below 255 ends a packet). */
  readonly lacing: Buffer;
  /** Where the body starts in `bytes`. */
  readonly bodyOffset: number;
}

/** 'need': a page may start here but is not complete; 'bad': no valid page starts here. */
export type PageRead = OggPage | 'need' | 'bad';

// CRC-32 of RFC 3533 §6 / the Ogg framing spec: polynomial 0x04C11DB7, not reflected, initial
// value 0, no final XOR, computed over the page with its CRC field set to zero.
const CRC_TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let r = i << 24;
  for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  CRC_TABLE[i] = r >>> 0;
}

function crcUpdate(crc: number, buf: Buffer, from: number, to: number): number {
  for (let i = from; i < to; i++) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ buf[i]!) & 0xff]!;
  return crc;
}

/** The Ogg CRC of a page, with the stored CRC field (bytes 22–25) counted as zero. */
export function oggPageCrc(page: Buffer): number {
  let crc = crcUpdate(0, page, 0, 22);
  for (let i = 0; i < 4; i++) crc = (crc << 8) ^ CRC_TABLE[(crc >>> 24) & 0xff]!;
  return crcUpdate(crc, page, 26, page.length) >>> 0;
}

/** Reads the page at `off` and verifies its CRC. */
export function readOggPage(buf: Buffer, off: number): PageRead {
  const avail = buf.length - off;
  for (let i = 0; i < 4 && i < avail; i++) if (buf[off + i] !== OGG_CAPTURE[i]) return 'bad';
  if (avail < OGG_HEADER_SIZE) return avail > 4 && buf[off + 4] !== 0 ? 'bad' : 'need';
  if (buf[off + 4] !== 0) return 'bad';
  const segments = buf[off + 26]!;
  if (avail < OGG_HEADER_SIZE + segments) return 'need';
  const lacing = buf.subarray(off + OGG_HEADER_SIZE, off + OGG_HEADER_SIZE + segments);
  let body = 0;
  for (const v of lacing) body += v;
  const length = OGG_HEADER_SIZE + segments + body;
  if (avail < length) return 'need';
  const bytes = buf.subarray(off, off + length);
  if (oggPageCrc(bytes) !== bytes.readUInt32LE(22)) return 'bad';
  return { bytes, flags: bytes[5]!, serial: bytes.readUInt32LE(14), lacing, bodyOffset: OGG_HEADER_SIZE + segments };
}
