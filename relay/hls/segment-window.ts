// The segments of one mount: the sliding window the playlist lists, plus a few that just left it
// for players still fetching them. Bounded by count; pure.
//
// RFC 8216 §6.2.2: a segment is removed from the playlist only if what remains still lasts three
// target durations; EXT-X-MEDIA-SEQUENCE grows by one per removed segment and
// EXT-X-DISCONTINUITY-SEQUENCE by one per removed discontinuity, so every segment keeps its
// numbers. A removed segment stays downloadable for its own duration plus the playlist's
// (bis §6.2.2); two more segments cover that for any window.
import type { PlaylistState } from './playlist.ts';
import type { Segment } from './segmenter.ts';

/** Segments kept after leaving the playlist. */
export const EXTRA_SEGMENTS = 2;

export interface StoredSegment extends Segment {
  seq: number;
  name: string;
  /** Seconds. */
  duration: number;
}

export interface WindowOptions {
  targetDuration: number;
  /** Segments listed (at least 3; more while they last less than three target durations). */
  windowSegments: number;
  /** The file name of segment `seq`. */
  name(seq: number, segment: Segment): string;
}

/**
 * What a window is made of, to be kept across a relay restart (window-store.ts): the numbers and
 * the segments still listed or downloadable, each with its data.
 */
export interface WindowState {
  nextSeq: number;
  discontinuitySequence: number;
  listed: StoredSegment[];
  retired: StoredSegment[];
}

export class SegmentWindow {
  readonly #o: WindowOptions;
  #listed: StoredSegment[] = [];
  #retired: StoredSegment[] = [];
  #byName = new Map<string, StoredSegment>();
  #nextSeq = 0;
  #discontinuitySequence = 0;

  constructor(o: WindowOptions) {
    this.#o = o;
  }

  get size(): number {
    return this.#listed.length;
  }

  /** Publish a finished segment: it is listed from now on (never before it is complete, bis §6.2.1). */
  add(segment: Segment): StoredSegment {
    const seq = this.#nextSeq++;
    const stored: StoredSegment = { ...segment, seq, name: this.#o.name(seq, segment), duration: segment.samples / segment.samplerate };
    this.#listed.push(stored);
    this.#byName.set(stored.name, stored);
    this.#slide();
    return stored;
  }

  get(name: string): StoredSegment | undefined {
    return this.#byName.get(name);
  }

  playlist(): PlaylistState {
    return {
      targetDuration: this.#o.targetDuration,
      mediaSequence: this.#listed[0]?.seq ?? this.#nextSeq,
      discontinuitySequence: this.#discontinuitySequence,
      entries: this.#listed.map((s) => ({ uri: s.name, duration: s.duration, discontinuity: s.discontinuity })),
    };
  }

  /** The numbers and segments, for window-store.ts; the segments are shared, not copied. */
  exportState(): WindowState {
    return { nextSeq: this.#nextSeq, discontinuitySequence: this.#discontinuitySequence, listed: [...this.#listed], retired: [...this.#retired] };
  }

  /**
   * Take over a window a previous relay process kept (docs/hls.md#across-a-relay-restart): the
   * same segments under the same names and numbers, so MEDIA-SEQUENCE and
   * DISCONTINUITY-SEQUENCE go on for players that kept the playlist (RFC 8216 §6.2.1). Only on
   * an empty window.
   */
  restoreState(state: WindowState): void {
    if (this.#nextSeq !== 0 || this.#listed.length > 0) return;
    this.#nextSeq = state.nextSeq;
    this.#discontinuitySequence = state.discontinuitySequence;
    this.#listed = [...state.listed];
    this.#retired = [...state.retired];
    for (const s of [...this.#listed, ...this.#retired]) this.#byName.set(s.name, s);
    this.#trim();
  }

  /**
   * A new presentation (the mount's source came back after the playlist was gone): nothing of
   * the old one stays listed, where a joining player would start in hours-old audio. The numbers
   * go on, so MEDIA-SEQUENCE never goes back for a player that kept the URL; the old segments
   * stay downloadable like any that left the window.
   */
  restart(): void {
    for (const head of this.#listed.splice(0)) {
      if (head.discontinuity) this.#discontinuitySequence++;
      this.#retired.push(head);
    }
    this.#trim();
  }

  #slide(): void {
    const min = 3 * this.#o.targetDuration;
    let total = this.#listed.reduce((n, s) => n + s.duration, 0);
    while (this.#listed.length > this.#o.windowSegments && total - this.#listed[0]!.duration >= min) {
      const head = this.#listed.shift()!;
      total -= head.duration;
      if (head.discontinuity) this.#discontinuitySequence++;
      this.#retired.push(head);
    }
    this.#trim();
  }

  #trim(): void {
    while (this.#retired.length > EXTRA_SEGMENTS) this.#byName.delete(this.#retired.shift()!.name);
  }
}
