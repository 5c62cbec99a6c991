// Coalesces a mount's aligned chunks into fewer, larger ones before they reach the shared queue:
// fewer writes per listener (one syscall per chunk per listener), at the cost of a bounded delay.
// Each staged chunk starts on a frame or page boundary, so a merge that starts with one does too.
import type { Chunk } from './types.ts';
import type { Clock, Timer } from './clock.ts';

/** Coalescing target in bytes. */
export const CHUNK_TARGET = 8192;
/**
 * …but never hold audio back longer than this. At 128 kbit/s the timer, not the size, decides:
 * 500 ms means two writes per listener per second instead of ten, which measured 0.4× the CPU
 * (bench/RESULTS.md) for 0.4 s more delay at the live edge, invisible for radio.
 */
export const CHUNK_MAX_DELAY_MS = 500;

export class Coalescer {
  #pending: Buffer[] = [];
  #bytes = 0;
  #sync = true;
  #timer: Timer | null = null;
  /** When the timer publishes what is staged (clock ms). */
  #dueAt = Infinity;
  readonly #clock: Clock;
  readonly #publish: (chunk: Chunk) => void;
  readonly #maxDelayMs: number;

  /** `maxDelayMs` 0: publish every chunk as it comes (its source coalesced it already). */
  constructor(clock: Clock, publish: (chunk: Chunk) => void, maxDelayMs = CHUNK_MAX_DELAY_MS) {
    this.#clock = clock;
    this.#publish = publish;
    this.#maxDelayMs = maxDelayMs;
  }

  /** How long staged audio may wait, ms (0: not at all). */
  get maxDelayMs(): number {
    return this.#maxDelayMs;
  }

  stage(chunk: Chunk): void {
    if (chunk.sync && this.#bytes >= CHUNK_TARGET) this.flush();
    if (this.#pending.length === 0) this.#sync = chunk.sync;
    this.#pending.push(chunk.data);
    this.#bytes += chunk.data.length;
    if (this.#bytes >= CHUNK_TARGET || this.#maxDelayMs <= 0) this.flush();
    else if (!this.#timer) {
      this.#dueAt = this.#clock.now() + this.#maxDelayMs;
      this.#timer = this.#clock.after(this.#maxDelayMs, () => this.flush());
    }
  }

  /** ms until the timer publishes what is staged; Infinity when nothing waits. */
  dueInMs(): number {
    return this.#timer ? this.#dueAt - this.#clock.now() : Infinity;
  }

  /** Publish what is staged now. */
  flush(): void {
    this.#timer?.cancel();
    this.#timer = null;
    this.#dueAt = Infinity;
    if (this.#bytes === 0) return;
    const data = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#bytes);
    this.#pending = [];
    this.#bytes = 0;
    this.#publish({ data, sync: this.#sync });
  }
}
