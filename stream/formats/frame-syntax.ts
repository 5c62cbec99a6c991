// What the frame framer needs to know about a self-delimiting frame format (MPEG audio, ADTS).

export interface FrameHeader {
  /** Whole frame in bytes, header included. */
  length: number;
  samplerate: number;
  /** Audio samples per channel the frame decodes to: its duration is samples / samplerate. */
  samples: number;
  channels?: number;
  /** kbit/s (MPEG audio only; ADTS headers carry no bitrate). */
  bitrate?: number;
}

export interface FrameSyntax {
  readonly codec: 'mp3' | 'aac';
  /** Bytes needed to parse a header. */
  readonly headerSize: number;
  /** No frame of this syntax is longer; bounds the bytes carried between pushes. */
  readonly maxFrameSize: number;
  /** The header at `off` (at least headerSize bytes must be available), or null if invalid. */
  parse(buf: Buffer, off: number): FrameHeader | null;
  /**
   * The header fields that stay constant over a stream (version, layer, samplerate …) as one
   * number. Two consecutive headers with different signatures mean a false sync.
   */
  signature(buf: Buffer, off: number): number;
}
