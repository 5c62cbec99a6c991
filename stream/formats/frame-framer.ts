// Aligns an MPEG audio or ADTS byte stream on frame boundaries, so a new listener starts on a
// frame header (Icecast 2.4.4 starts listeners mid-frame, docs/icecast-compatibility.md#where-a-listener-starts).
import type { AudioInfo, Chunk, Framer } from '../types.ts';
import { ChunkGrouper } from './chunk-grouper.ts';
import type { FrameHeader, FrameSyntax } from './frame-syntax.ts';
import { ID3_MARKER, id3v2Length } from './id3.ts';

const EMPTY = Buffer.alloc(0);

/**
 * Finding sync: a candidate header is accepted only when the header right after its frame is
 * valid too and has the same signature (a lone 0xFFE… in audio data or in an image is common; two
 * consistent headers exactly a frame apart are not). Once locked, each complete frame whose header
 * matches the locked signature is emitted without waiting for the next one; the first mismatch
 * drops the lock and the framer resyncs from there. ID3v2 tags met while not locked are skipped
 * whole. Skipped and resync bytes count as dropped.
 *
 * Sources do send AAC labelled audio/mpeg (and SOURCE without a type means audio/mpeg), so the
 * framer is given the syntax the Content-Type announces first and may lock onto the others too;
 * `codec` tells which one it found.
 *
 * The bytes carried between pushes are at most one frame plus a header (the candidate waiting
 * for its successor), so garbage cannot grow them.
 */
export class FrameFramer implements Framer {
  #syntaxes: readonly FrameSyntax[];
  #syntax: FrameSyntax;
  #carry: Buffer = EMPTY;
  /** Bytes of an ID3 tag still to skip in the coming input. */
  #skip = 0;
  #locked = false;
  #signature = 0;
  #dropped = 0;
  #info: AudioInfo = {};
  /** Bytes and decoded seconds of the frames emitted (measuredKbps). */
  #frameBytes = 0;
  #frameSeconds = 0;

  constructor(preferred: FrameSyntax, ...others: FrameSyntax[]) {
    this.#syntaxes = [preferred, ...others];
    this.#syntax = preferred;
  }

  get codec(): 'mp3' | 'aac' {
    return this.#syntax.codec;
  }
  headerPages(): Buffer | null {
    return null;
  }
  headerGeneration(): number {
    return 0;
  }
  audioInfo(): AudioInfo {
    return this.#info;
  }
  droppedBytes(): number {
    return this.#dropped;
  }
  measuredKbps(): number | null {
    return this.#frameSeconds >= 1 ? (this.#frameBytes * 8) / this.#frameSeconds / 1000 : null;
  }
  #count(frame: FrameHeader): void {
    this.#frameBytes += frame.length;
    this.#frameSeconds += frame.samples / frame.samplerate;
  }

  push(data: Buffer): Chunk[] {
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, data.length);
      this.#skip -= n;
      this.#dropped += n;
      data = data.subarray(n);
    }
    // A frame split across pushes costs one copy of this input; chunks stay one contiguous buffer.
    const buf = this.#carry.length ? Buffer.concat([this.#carry, data]) : data;
    const out = new ChunkGrouper(buf);
    const pos = this.#scan(buf, out);
    out.close();
    this.#carry = pos < buf.length ? Buffer.from(buf.subarray(pos)) : EMPTY;
    return out.chunks;
  }

  /** Emits whole frames into `out`; returns where the unconsumed tail begins. */
  #scan(buf: Buffer, out: ChunkGrouper): number {
    const n = buf.length;
    let pos = 0;
    let id3At = -1;
    while (pos < n) {
      if (this.#locked) {
        const { headerSize, parse, signature } = this.#syntax;
        if (n - pos < headerSize) return pos;
        const frame = parse(buf, pos);
        if (frame && signature(buf, pos) === this.#signature) {
          if (n - pos < frame.length) return pos;
          this.#count(frame);
          out.add(pos, pos + frame.length);
          pos += frame.length;
          continue;
        }
        this.#locked = false;
      }
      // Not locked: jump to the next 0xFF or ID3 marker, dropping what lies before it.
      if (id3At < pos) id3At = indexOrEnd(buf, ID3_MARKER, pos);
      let next = Math.min(indexOrEnd(buf, 0xff, pos), id3At);
      if (next === n) next = Math.max(pos, n - 2); // the last bytes may begin an "ID3" marker
      this.#dropped += next - pos;
      pos = next;
      if (pos === id3At) {
        const tag = id3v2Length(buf, pos);
        if (tag === 'need') return pos;
        if (tag !== null) {
          const take = Math.min(tag, n - pos);
          this.#dropped += take;
          this.#skip = tag - take;
          pos += take;
          continue;
        }
      }
      const found = buf[pos] === 0xff ? this.#sync(buf, pos) : n - pos < 3 && id3v2Length(buf, pos) === 'need' ? 'need' : null;
      if (found === 'need') return pos;
      if (found === null) {
        this.#dropped++;
        pos++;
        continue;
      }
      if (this.#info.samplerate === undefined) this.#info = infoOf(found);
      this.#count(found);
      out.add(pos, pos + found.length);
      pos += found.length;
    }
    return pos;
  }

  /**
   * Tries each syntax at a 0xFF byte: locks onto the first whose frame is followed by a consistent
   * header. 'need' when a syntax needs more bytes to decide.
   */
  #sync(buf: Buffer, pos: number): FrameHeader | 'need' | null {
    for (const syntax of this.#syntaxes) {
      const { headerSize, parse, signature } = syntax;
      if (buf.length - pos < headerSize) return 'need';
      const frame = parse(buf, pos);
      if (!frame) continue;
      const after = pos + frame.length;
      if (buf.length - after < headerSize) return 'need';
      const sig = signature(buf, pos);
      if (!parse(buf, after) || signature(buf, after) !== sig) continue;
      this.#syntax = syntax;
      this.#signature = sig;
      this.#locked = true;
      return frame;
    }
    return null;
  }
}

function indexOrEnd(buf: Buffer, what: number | Buffer, from: number): number {
  const i = buf.indexOf(what, from);
  return i < 0 ? buf.length : i;
}

function infoOf(frame: FrameHeader): AudioInfo {
  const info: AudioInfo = { samplerate: frame.samplerate };
  if (frame.channels !== undefined) info.channels = frame.channels;
  if (frame.bitrate !== undefined) info.bitrate = frame.bitrate;
  return info;
}
