// The shared per-mount queue (Icecast's refbuf list, docs/icecast-compatibility.md#queue-and-burst): every listener reads the same
// Buffers, so memory grows with the mount, not with the listener count. A listener is a sequence
// number into this queue; when the chunk it needs has been trimmed it has fallen further behind
// than queueSize and is dropped as slow.
import type { Chunk } from './types.ts';

export interface QueuedChunk extends Chunk {
  /** Absolute stream offset of the first byte. */
  readonly start: number;
  /** Ogg codec header pages in force for this chunk (same Buffer for a whole header set). */
  readonly headers: Buffer | null;
}

export class StreamQueue {
  #chunks: QueuedChunk[] = [];
  #firstSeq = 0;
  #tail = 0;
  #retain: number;

  /** @param retain bytes kept behind the live edge: max(queueSize, burstSize). */
  constructor(retain: number) {
    this.#retain = retain;
  }

  get firstSeq(): number {
    return this.#firstSeq;
  }
  /** Sequence number the next appended chunk will get. */
  get nextSeq(): number {
    return this.#firstSeq + this.#chunks.length;
  }
  /** Absolute offset one past the newest byte. */
  get tail(): number {
    return this.#tail;
  }
  get bytes(): number {
    const first = this.#chunks[0];
    return first ? this.#tail - first.start : 0;
  }

  setRetain(retain: number): void {
    this.#retain = retain;
    this.#trim();
  }

  append(chunk: Chunk, headers: Buffer | null): void {
    this.#chunks.push({ data: chunk.data, sync: chunk.sync, start: this.#tail, headers });
    this.#tail += chunk.data.length;
    this.#trim();
  }

  at(seq: number): QueuedChunk | undefined {
    return this.#chunks[seq - this.#firstSeq];
  }

  /**
   * Where a new listener starts: the newest sync chunk at or before `tail - burst`, so it receives
   * at least `burst` bytes in its first write, beginning on a frame or page boundary (Icecast's
   * burst point, docs/icecast-compatibility.md#queue-and-burst). A queue shorter than the burst starts at its oldest sync chunk;
   * with none at all, at the live edge.
   */
  burstStart(burst: number): number {
    // burstSize 0 (Icecast's burst-on-connect 0): join at the live edge.
    if (burst <= 0) return this.nextSeq;
    const target = this.#tail - burst;
    let oldestSync = -1;
    for (let i = this.#chunks.length - 1; i >= 0; i--) {
      const c = this.#chunks[i]!;
      if (!c.sync) continue;
      if (c.start <= target) return this.#firstSeq + i;
      oldestSync = i;
    }
    return oldestSync >= 0 ? this.#firstSeq + oldestSync : this.nextSeq;
  }

  clear(): void {
    this.#firstSeq = this.nextSeq;
    this.#chunks = [];
  }

  #trim(): void {
    // Keep at least one chunk so the live edge is never empty while data flows.
    while (this.#chunks.length > 1 && this.#tail - this.#chunks[1]!.start >= this.#retain) {
      this.#chunks.shift();
      this.#firstSeq++;
    }
  }
}
