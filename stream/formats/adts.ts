// AAC ADTS frame headers (ISO/IEC 13818-7 §6.2, 14496-3 §1.A.2.2): 12-bit sync 0xFFF, layer 00,
// a 13-bit frame length that includes the 7-byte header (9 with CRC).
import type { FrameHeader, FrameSyntax } from './frame-syntax.ts';

const SAMPLERATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

export interface AdtsHeader extends FrameHeader {
  /** audio object type − 1: 0 Main, 1 LC, 2 SSR, 3 LTP */
  profile: number;
}

export function parseAdtsHeader(buf: Buffer, off: number): AdtsHeader | null {
  if (off + 7 > buf.length) return null;
  const b1 = buf[off + 1]!;
  const b2 = buf[off + 2]!;
  const b3 = buf[off + 3]!;
  if (buf[off] !== 0xff || (b1 & 0xf6) !== 0xf0) return null;
  const samplerate = SAMPLERATES[(b2 >> 2) & 0x0f];
  if (samplerate === undefined) return null;
  const length = ((b3 & 0x03) << 11) | (buf[off + 4]! << 3) | (buf[off + 5]! >> 5);
  const headerLength = b1 & 1 ? 7 : 9;
  if (length <= headerLength) return null;
  // Channel configuration 0 means "given in a program config element": unknown from the header.
  const config = ((b2 & 1) << 2) | (b3 >> 6);
  // number_of_raw_data_blocks_in_frame + 1 AAC frames of 1024 samples each (14496-3 §1.A.2.2.1).
  const samples = 1024 * ((buf[off + 6]! & 0x03) + 1);
  const header: AdtsHeader = { length, samplerate, samples, profile: b2 >> 6 };
  if (config !== 0) header.channels = config === 7 ? 8 : config;
  return header;
}

export const adtsSyntax: FrameSyntax = {
  codec: 'aac',
  headerSize: 7,
  maxFrameSize: 0x1fff,
  parse: parseAdtsHeader,
  // MPEG version, protection, profile, samplerate index and channel configuration are fixed for a
  // stream; the private bit is free for the encoder.
  signature: (buf, off) => (buf[off + 1]! << 16) | ((buf[off + 2]! & 0xfd) << 8) | (buf[off + 3]! & 0xc0),
};
