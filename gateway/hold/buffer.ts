// A held source's audio while the relay is away: aligned chunks (frames, Ogg pages) with the Ogg
// header pages in force for each, bounded in bytes. When full, the oldest chunks go, counted, so
// what is sent when the relay returns is the most recent audio and starts on a boundary.

export interface HeldChunk {
  readonly data: Buffer;
  /** Starts on a frame or page boundary. */
  readonly sync: boolean;
  /** Ogg: the header pages this chunk belongs to; null for other formats. */
  readonly headers: Buffer | null;
}

export class HoldBuffer {
  #chunks: HeldChunk[] = [];
  #bytes = 0;
  #limit: number;
  /** Bytes dropped to stay within the limit, over the buffer's life. */
  dropped = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get bytes(): number {
    return this.#bytes;
  }

  setLimit(limit: number): void {
    this.#limit = limit;
    this.#trim();
  }

  push(chunk: HeldChunk): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.data.length;
    this.#trim();
  }

  /** Everything kept, from its first boundary on; the buffer is empty afterwards. */
  take(): HeldChunk[] {
    let first = this.#chunks.findIndex((c) => c.sync);
    if (first === -1) first = this.#chunks.length;
    for (const c of this.#chunks.slice(0, first)) this.dropped += c.data.length;
    const out = this.#chunks.slice(first);
    this.#chunks = [];
    this.#bytes = 0;
    return out;
  }

  #trim(): void {
    // Whole chunks go, then anything up to the next boundary, so the head stays aligned.
    while (this.#bytes > this.#limit && this.#chunks.length > 0) {
      this.#drop();
      while (this.#chunks.length > 0 && !this.#chunks[0]!.sync) this.#drop();
    }
  }

  #drop(): void {
    const c = this.#chunks.shift()!;
    this.#bytes -= c.data.length;
    this.dropped += c.data.length;
  }
}
