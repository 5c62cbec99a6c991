// The MPEG audio frames of a whole MP3 file, with their durations, so a file mount can play it in
// real time. Sync is found the way the stream framer finds it (two consistent headers a frame
// apart), ID3v2 tags are skipped whole, and the Xing/Info/VBRI header frame that encoders put
// first is left out: it carries no audio and would click once per loop.
import { parseMpegHeader, mpegSyntax, type MpegHeader } from '../stream/formats/mpeg.ts';
import { id3v2Length } from '../stream/formats/id3.ts';

export interface Mp3Frame {
  offset: number;
  length: number;
  durationMs: number;
}

const INFO_TAGS = ['Xing', 'Info', 'VBRI'];

/** Samples per frame (ISO/IEC 11172-3 §2.4.2.1; MPEG-2/2.5 Layer III frames are half as long). */
function samplesPerFrame(h: MpegHeader): number {
  if (h.layer === 1) return 384;
  return h.layer === 3 && h.version !== 1 ? 576 : 1152;
}

/** Layer III side information length, which the Xing/Info tag follows (LAME's tag layout). */
function isInfoFrame(buf: Buffer, off: number, h: MpegHeader): boolean {
  if (h.layer !== 3) return false;
  const mono = h.channels === 1;
  const side = h.version === 1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  const crc = (buf[off + 1]! & 1) === 0 ? 2 : 0;
  const at = (o: number): string => buf.toString('latin1', off + o, off + o + 4);
  return INFO_TAGS.includes(at(4 + crc + side)) || at(4 + 32) === 'VBRI';
}

export function mp3Frames(buf: Buffer): Mp3Frame[] {
  const frames: Mp3Frame[] = [];
  const n = buf.length;
  let locked: number | null = null;
  let pos = 0;
  while (pos + 4 <= n) {
    const tag = id3v2Length(buf, pos);
    if (typeof tag === 'number') {
      pos += tag;
      locked = null;
      continue;
    }
    const h = parseMpegHeader(buf, pos);
    if (h && pos + h.length <= n) {
      const sig = mpegSyntax.signature(buf, pos);
      const after = pos + h.length;
      const confirmed = sig === locked || after === n || (parseMpegHeader(buf, after) !== null && mpegSyntax.signature(buf, after) === sig);
      if (confirmed) {
        if (!isInfoFrame(buf, pos, h)) frames.push({ offset: pos, length: h.length, durationMs: (samplesPerFrame(h) * 1000) / h.samplerate });
        locked = sig;
        pos = after;
        continue;
      }
    }
    locked = null;
    pos = nextCandidate(buf, pos + 1);
  }
  return frames;
}

/** The next byte that may start a frame (0xFF) or an ID3v2 tag ("I"). */
function nextCandidate(buf: Buffer, from: number): number {
  for (let i = from; i < buf.length; i++) {
    const b = buf[i];
    if (b === 0xff || b === 0x49) return i;
  }
  return buf.length;
}
