// One mount's HLS output: follows the mount's source, cuts its audio into segments and keeps the
// window. The mount keeps its sequence numbers and timeline across sources; a new source starts
// with EXT-X-DISCONTINUITY (RFC 8216 §4.3.2.3: a new encoder session may change the encoding
// parameters and restarts its own timestamps).
import { EventEmitter } from 'node:events';
import type { Clock, Timer } from '../../stream/clock.ts';
import type { Mount } from '../../stream/mount.ts';
import { segmentName } from '../../stream/paths/hls.ts';
import { Segmenter, type Segment } from './segmenter.ts';
import { addTicks, samplesToTicks } from './pts.ts';
import { SegmentWindow, type StoredSegment, type WindowState } from './segment-window.ts';
import { addReadDeadline } from '../read-batch.ts';

export interface HlsSettings {
  /** Seconds, a whole number ≥ 1. */
  targetDuration: number;
  windowSegments: number;
}

/** How long before a segment's closing frame is due its source is read continuously again. */
const CUT_MARGIN_MS = 100;

export class MountPackager extends EventEmitter<{ segment: [segment: StoredSegment] }> {
  readonly mount: Mount;
  readonly window: SegmentWindow;
  readonly #segmenter: Segmenter;
  readonly #detach: () => void;

  /** `restored`: the mount's window as a previous relay process left it (window-store.ts). */
  constructor(mount: Mount, settings: HlsSettings, clock: Clock, restored?: WindowState) {
    super();
    // Every playlist request waiting for the first segment listens here, briefly.
    this.setMaxListeners(0);
    this.mount = mount;
    const epoch = clock.now().toString(36);
    this.window = new SegmentWindow({
      targetDuration: settings.targetDuration,
      windowSegments: settings.windowSegments,
      name: (seq, segment) => segmentName(epoch, seq, segment.codec),
    });
    // The playlist goes on where the killed relay left it, and so does the timeline: the audio
    // that follows is a new encoding sequence (RFC 8216 §4.3.2.3, EXT-X-DISCONTINUITY), but
    // timestamps that go on rather than back spare players a jump they would have to mend.
    const last = restored ? (restored.listed.at(-1) ?? restored.retired.at(-1)) : undefined;
    const startPts = last ? addTicks(last.pts, samplesToTicks(last.samples, last.samplerate)) : 0;
    this.#segmenter = new Segmenter({ targetDuration: settings.targetDuration, startPts });
    if (restored) {
      this.window.restoreState(restored);
      this.#segmenter.discontinue();
    }
    const onAudio = (_m: Mount, data: Buffer, codec: Mount['codec']): void => this.#publish(this.#segmenter.push(data, codec ?? 'other'));
    const onEnd = (): void => this.#publish(this.#segmenter.flush());
    // Mount counts a source that returns in its grace period (or takes over) as a reconnect; any
    // other start follows a source that was gone, and the playlist with it (404 meanwhile).
    let reconnects = mount.sourceReconnects;
    const onStart = (): void => {
      if (mount.sourceReconnects === reconnects) this.window.restart();
      reconnects = mount.sourceReconnects;
      this.#segmenter.discontinue();
    };
    mount.events.on('audio', onAudio);
    mount.events.on('source-end', onEnd);
    mount.events.on('source-start', onStart);
    // A source read in batches (relay/read-batch.ts) is read as data comes from shortly before the
    // frame that closes the segment is due, so the segment is listed as soon as before.
    const noDeadline = addReadDeadline(mount, () => this.#segmenter.msToCut() - CUT_MARGIN_MS);
    this.#detach = () => {
      noDeadline();
      mount.events.off('audio', onAudio);
      mount.events.off('source-end', onEnd);
      mount.events.off('source-start', onStart);
    };
  }

  /** Is there a playlist to serve: a source (or one held in its grace period) and a segment. */
  get serving(): boolean {
    return (this.mount.live || this.mount.inGrace) && this.window.size > 0;
  }

  /**
   * Resolves when the playlist has a segment, or false after `ms`: a player that asks right
   * after the source started waits for the first segment instead of getting a 404.
   */
  ready(clock: Clock, ms: number): Promise<boolean> {
    if (this.window.size > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: Timer | null = null;
      const done = (ok: boolean): void => {
        timer?.cancel();
        this.off('segment', onSegment);
        resolve(ok);
      };
      const onSegment = (): void => done(true);
      this.on('segment', onSegment);
      timer = clock.after(ms, () => done(false));
    });
  }

  detach(): void {
    this.#detach();
  }

  #publish(segments: Segment[]): void {
    for (const s of segments) this.emit('segment', this.window.add(s));
  }
}
