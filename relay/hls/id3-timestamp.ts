// The tag every packed-audio segment starts with (RFC 8216 §3.4): an ID3v2.4 tag holding one PRIV
// frame owned by "com.apple.streaming.transportStreamTimestamp", whose payload is the 33-bit PTS
// of the segment's first sample as a big-endian 8-byte number. 73 bytes, in exactly Apple's
// layout: VLC accepts only a 53-byte PRIV payload and older VLC reads it at fixed offsets
// (docs/hls.md#packed-audio-segments).
import { PTS_MODULO } from './pts.ts';

const OWNER = 'com.apple.streaming.transportStreamTimestamp';
/** ID3 header 10 + PRIV frame header 10 + owner 44 + NUL + 8-byte timestamp. */
export const TIMESTAMP_TAG_SIZE = 73;

export function timestampTag(pts: number): Buffer {
  if (!Number.isInteger(pts) || pts < 0 || pts >= PTS_MODULO) throw new RangeError(`PTS out of range: ${pts}`);
  const tag = Buffer.alloc(TIMESTAMP_TAG_SIZE);
  tag.write('ID3', 0, 'latin1');
  tag[3] = 4; // ID3v2.4.0
  tag[4] = 0;
  tag[5] = 0; // no flags
  // Sizes are syncsafe (7 bits per byte); 63 and 53 are below 128, so plain bytes equal them.
  tag.writeUInt32BE(TIMESTAMP_TAG_SIZE - 10, 6);
  tag.write('PRIV', 10, 'latin1');
  tag.writeUInt32BE(TIMESTAMP_TAG_SIZE - 20, 14);
  // Frame flags at 18-19 stay zero.
  tag.write(OWNER, 20, 'latin1');
  tag[20 + OWNER.length] = 0;
  tag.writeBigUInt64BE(BigInt(pts), 65);
  return tag;
}
