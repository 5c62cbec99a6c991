// Groups the whole frames/pages found in one push into chunks: subarrays of the input, no copies.
import type { Chunk } from '../types.ts';

/**
 * Frames and pages are small (an MP3 frame at 128 kbit/s is 418 bytes), and every chunk costs one
 * write per listener, so contiguous units are grouped until a chunk reaches this size. Whatever is
 * complete at the end of a push is emitted then, so a 32 kbit/s stream never waits for 4 KiB.
 */
export const CHUNK_TARGET = 4096;

export class ChunkGrouper {
  readonly chunks: Chunk[] = [];
  #buf: Buffer;
  #start = -1;
  #end = -1;

  constructor(buf: Buffer) {
    this.#buf = buf;
  }

  /** Add the unit buf[start, end); a gap since the previous unit closes the current chunk. */
  add(start: number, end: number): void {
    if (this.#start >= 0 && start !== this.#end) this.close();
    if (this.#start < 0) this.#start = start;
    this.#end = end;
    if (this.#end - this.#start >= CHUNK_TARGET) this.close();
  }

  close(): void {
    if (this.#start < 0) return;
    this.chunks.push({ data: this.#buf.subarray(this.#start, this.#end), sync: true });
    this.#start = -1;
  }
}
