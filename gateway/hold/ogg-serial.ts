// A held Ogg source resumes as a new link of a chained stream (RFC 3533 §4: a link starts with
// its BOS pages; links follow one another). Its header pages are sent again, and players already
// connected receive them again too; a decoder recognises a new link only by a new serial number
// (ffmpeg reads header pages of a serial it already knows as audio and fails), so every page sent
// after a resume carries its serial XOR a mask, with its CRC computed again. Pure.
import { OGG_CAPTURE, OGG_HEADER_SIZE, oggPageCrc } from '../../stream/formats/ogg-page.ts';

/** A copy of `pages` (whole Ogg pages) with each serial number XORed with `mask`; other bytes as they are. */
export function reserial(pages: Buffer, mask: number): Buffer {
  const out = Buffer.from(pages);
  let at = 0;
  while (at + OGG_HEADER_SIZE <= out.length && out.subarray(at, at + 4).equals(OGG_CAPTURE)) {
    const segments = out[at + 26]!;
    let length = OGG_HEADER_SIZE + segments;
    for (let i = 0; i < segments; i++) length += out[at + OGG_HEADER_SIZE + i]!;
    if (at + length > out.length) break;
    const page = out.subarray(at, at + length);
    page.writeUInt32LE((page.readUInt32LE(14) ^ mask) >>> 0, 14);
    page.writeUInt32LE(oggPageCrc(page), 22);
    at += length;
  }
  return out;
}

/** A new nonzero mask, different from `previous`. */
export function nextSerialMask(previous: number, random: () => number = Math.random): number {
  for (;;) {
    const m = Math.floor(random() * 0xffffffff) >>> 0;
    if (m !== 0 && m !== previous) return m;
  }
}
