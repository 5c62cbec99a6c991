// Cuts a mount's aligned MP3 or ADTS frames into packed-audio segments (RFC 8216 §3.4), with no
// transcoding: whole frames only, each segment prefixed with the ID3 timestamp tag. Pure: bytes
// in, finished segments out.
//
// A segment is closed before the frame that would take it past the target duration, so every
// EXTINF is ≤ TARGETDURATION, which both the rounded rule (RFC 8216 §4.3.3.1) and strict legacy
// players accept (docs/hls.md#cutting-segments). Frames are walked with the relay's own header
// parsers (relay/formats), which the mount's framer already aligned them with.
import type { Codec } from '../../stream/types.ts';
import { adtsSyntax } from '../../stream/formats/adts.ts';
import type { FrameSyntax } from '../../stream/formats/frame-syntax.ts';
import { mpegSyntax } from '../../stream/formats/mpeg.ts';
import { TIMESTAMP_TAG_SIZE, timestampTag } from './id3-timestamp.ts';
import type { HlsCodec } from '../../stream/paths/hls.ts';
import { addTicks, samplesToTicks } from './pts.ts';

export interface Segment {
  codec: HlsCodec;
  /** The ID3 timestamp tag, then whole frames. */
  data: Buffer;
  samplerate: number;
  samples: number;
  /** PTS of the first sample, 90 kHz, 33 bits. */
  pts: number;
  /** The segment starts a new encoding sequence: a source reconnect, a format change, a PTS wrap. */
  discontinuity: boolean;
}

export interface SegmenterOptions {
  /** Seconds; no segment is longer. */
  targetDuration: number;
  /** PTS of the first sample (tests start near the wrap). */
  startPts?: number;
}

const SYNTAXES: Readonly<Record<HlsCodec, FrameSyntax>> = { mp3: mpegSyntax, aac: adtsSyntax };

export class Segmenter {
  readonly #target: number;
  #frames: Buffer[] = [];
  #bytes = 0;
  #samples = 0;
  #codec: HlsCodec | null = null;
  #samplerate = 0;
  /** The timeline: PTS at the start of the current run of one samplerate, plus samples since. */
  #runPts: number;
  #runSamples = 0;
  #lastPts = -1;
  #discontinuity = false;

  constructor(o: SegmenterOptions) {
    this.#target = o.targetDuration;
    this.#runPts = o.startPts ?? 0;
  }

  /**
   * Frames as the mount's framer aligned them (`codec` is the framer's). Anything that is not a
   * whole frame ends the walk of this chunk: the framer never emits such bytes, so it would be
   * a fault, and a segment must not carry it.
   */
  push(data: Buffer, codec: Codec): Segment[] {
    const out: Segment[] = [];
    if (codec !== 'mp3' && codec !== 'aac') return out;
    let off = 0;
    while (off < data.length) {
      const found = frameAt(data, off, codec);
      if (!found || off + found.length > data.length) break;
      if (this.#codec !== null && (found.codec !== this.#codec || found.samplerate !== this.#samplerate)) {
        this.#close(out);
        this.#discontinuity = true;
      }
      if (this.#samples > 0 && (this.#samples + found.samples) > this.#target * found.samplerate) this.#close(out);
      if (found.samplerate !== this.#samplerate) this.#newRun(found.samplerate);
      this.#codec = found.codec;
      this.#frames.push(data.subarray(off, off + found.length));
      this.#bytes += found.length;
      this.#samples += found.samples;
      off += found.length;
    }
    return out;
  }

  /**
   * ms of audio until the open segment reaches the target duration, when the frame that closes
   * it is due (audio arrives in real time); Infinity before the first frame.
   */
  msToCut(): number {
    if (this.#samplerate <= 0) return Infinity;
    return Math.max(0, ((this.#target * this.#samplerate - this.#samples) * 1000) / this.#samplerate);
  }

  /** The source ended: what was cut so far is a (short) segment of its own. */
  flush(): Segment[] {
    const out: Segment[] = [];
    this.#close(out);
    return out;
  }

  /** The next segment begins a new encoding sequence (a new source on the mount). */
  discontinue(): void {
    this.#discontinuity = true;
  }

  /** Continue the timeline at a new samplerate from where the old one ended. */
  #newRun(samplerate: number): void {
    if (this.#samplerate > 0) this.#runPts = addTicks(this.#runPts, samplesToTicks(this.#runSamples, this.#samplerate));
    this.#runSamples = 0;
    this.#samplerate = samplerate;
  }

  #close(out: Segment[]): void {
    if (this.#samples === 0 || this.#codec === null) return;
    const pts = addTicks(this.#runPts, samplesToTicks(this.#runSamples, this.#samplerate));
    // A wrapped clock goes backwards; players are told to reset rather than left to guess.
    const wrapped = pts < this.#lastPts;
    out.push({
      codec: this.#codec,
      data: Buffer.concat([timestampTag(pts), ...this.#frames], TIMESTAMP_TAG_SIZE + this.#bytes),
      samplerate: this.#samplerate,
      samples: this.#samples,
      pts,
      discontinuity: this.#discontinuity || wrapped,
    });
    this.#lastPts = pts;
    this.#runSamples += this.#samples;
    this.#frames = [];
    this.#bytes = 0;
    this.#samples = 0;
    this.#discontinuity = false;
  }
}

/** The frame at `off` in the framer's syntax, or the other one (sources mislabel MP3 and AAC). */
function frameAt(data: Buffer, off: number, codec: HlsCodec): { codec: HlsCodec; length: number; samples: number; samplerate: number } | null {
  for (const c of codec === 'mp3' ? (['mp3', 'aac'] as const) : (['aac', 'mp3'] as const)) {
    const h = SYNTAXES[c].parse(data, off);
    if (h) return { codec: c, length: h.length, samples: h.samples, samplerate: h.samplerate };
  }
  return null;
}
