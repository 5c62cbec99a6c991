// MPEG-1/2/2.5 audio Layer I/II/III frame headers (ISO/IEC 11172-3 §2.4.1.3, 13818-3; MPEG 2.5
// is the Fraunhofer extension that takes the lowest version code).
import type { FrameHeader, FrameSyntax } from './frame-syntax.ts';

const enum Version {
  V25 = 0,
  V2 = 2,
  V1 = 3,
}

// Bitrates in kbit/s by index 1..14; index 0 is free format and 15 is forbidden.
const BITRATES_V1 = [
  [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448], // Layer I
  [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384], // Layer II
  [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320], // Layer III
];
const BITRATES_V2 = [
  [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256], // Layer I
  [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160], // Layers II and III
  [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];
const SAMPLERATES: Record<Version, readonly number[]> = {
  [Version.V1]: [44100, 48000, 32000],
  [Version.V2]: [22050, 24000, 16000],
  [Version.V25]: [11025, 12000, 8000],
};

export interface MpegHeader extends FrameHeader {
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  channels: number;
  bitrate: number;
}

/**
 * Parses the 4-byte header at `off`. Rejects the reserved version and layer codes, free format
 * (bitrate index 0: its frame length is not in the header, so it cannot be framed), the forbidden
 * bitrate index 15, the reserved samplerate index and the reserved emphasis value.
 */
export function parseMpegHeader(buf: Buffer, off: number): MpegHeader | null {
  if (off + 4 > buf.length) return null;
  const b1 = buf[off + 1]!;
  const b2 = buf[off + 2]!;
  const b3 = buf[off + 3]!;
  if (buf[off] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const version = ((b1 >> 3) & 3) as Version | 1;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const srIndex = (b2 >> 2) & 3;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || srIndex === 3) return null;
  if ((b3 & 3) === 2) return null;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const table = version === Version.V1 ? BITRATES_V1 : BITRATES_V2;
  const bitrate = table[layer - 1]![bitrateIndex - 1]!;
  const samplerate = SAMPLERATES[version][srIndex]!;
  const padding = (b2 >> 1) & 1;
  let length: number;
  if (layer === 1) length = (Math.floor((12000 * bitrate) / samplerate) + padding) * 4;
  else if (layer === 3 && version !== Version.V1) length = Math.floor((72000 * bitrate) / samplerate) + padding;
  else length = Math.floor((144000 * bitrate) / samplerate) + padding;
  // ISO/IEC 11172-3 §2.4.2.1: 384 samples in Layer I, 1152 in II and III; 13818-3 halves
  // Layer III's granules to 576 at the lower sampling frequencies.
  const samples = layer === 1 ? 384 : layer === 3 && version !== Version.V1 ? 576 : 1152;
  return {
    length,
    samplerate,
    samples,
    bitrate,
    channels: b3 >> 6 === 3 ? 1 : 2,
    version: version === Version.V1 ? 1 : version === Version.V2 ? 2 : 2.5,
    layer,
  };
}

export const mpegSyntax: FrameSyntax = {
  codec: 'mp3',
  headerSize: 4,
  // Layer II, 160 kbit/s at 8 kHz (MPEG 2.5) with padding: 144000·160/8000 + 1 = 2881.
  maxFrameSize: 2881,
  parse: parseMpegHeader,
  // Version, layer, samplerate and mono-or-not are fixed for a stream; bitrate (VBR), padding,
  // CRC and stereo/joint-stereo (encoders switch per frame) are not.
  signature: (buf, off) => ((buf[off + 1]! & 0xfe) << 16) | ((buf[off + 2]! & 0x0c) << 8) | (buf[off + 3]! >> 6 === 3 ? 1 : 0),
};
