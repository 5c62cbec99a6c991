// Real-time pacing of a looped file, in media time: which frames are due once `untilMs` of audio
// should have been played. Frame start times are computed once per loop from the file, never by
// adding up deltas, so hours of looping do not drift.
import type { Mp3Frame } from './mp3-frames.ts';

export class FilePacer {
  readonly loopMs: number;
  readonly #buf: Buffer;
  readonly #frames: readonly Mp3Frame[];
  readonly #startMs: number[];
  #index = 0;
  #loop = 0;

  constructor(buf: Buffer, frames: readonly Mp3Frame[]) {
    if (frames.length === 0) throw new Error('a file mount needs at least one audio frame');
    this.#buf = buf;
    this.#frames = frames;
    let t = 0;
    this.#startMs = frames.map((f) => {
      const start = t;
      t += f.durationMs;
      return start;
    });
    this.loopMs = t;
  }

  /** Media time at which the next frame starts. */
  get positionMs(): number {
    return this.#loop * this.loopMs + this.#startMs[this.#index]!;
  }

  /**
   * The frames that start at or before `untilMs`, as slices of the file (adjacent frames in one
   * slice; the loop point and skipped tags split them).
   */
  take(untilMs: number): Buffer[] {
    const out: Buffer[] = [];
    let from = -1;
    let to = -1;
    while (this.positionMs <= untilMs) {
      const f = this.#frames[this.#index]!;
      if (f.offset !== to) {
        if (from >= 0) out.push(this.#buf.subarray(from, to));
        from = f.offset;
      }
      to = f.offset + f.length;
      if (++this.#index === this.#frames.length) {
        this.#index = 0;
        this.#loop++;
      }
    }
    if (from >= 0) out.push(this.#buf.subarray(from, to));
    return out;
  }
}
