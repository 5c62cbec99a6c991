// What the relay knows about each live source beyond the mount's own counters: bytes in and the
// bitrate measured over the last 10 s, how many sources the mount took since the relay started,
// and the silence an `icegate push` agent reports (contracts/source-stats.ts). Everything about a
// source goes with it: a new source starts with nothing reported (silent: null).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { RelaySources, SourceStats } from '../contracts/source-stats.ts';
import type { Clock, Timer } from '../stream/clock.ts';
import type { Mount } from '../stream/mount.ts';
import type { MountRegistry } from '../stream/mount-registry.ts';

/** The measured bitrate spans this much. */
export const RATE_WINDOW_MS = 10_000;
/** …from samples this far apart. */
export const SAMPLE_MS = 2000;
/** Reports of one silence differ by less than this (whole seconds, request time). */
const SAME_SILENCE_MS = 2000;
/** Mount names whose start count is kept after their source left: sources may name new mounts. */
const MAX_REMEMBERED = 1000;

interface Sample {
  at: number;
  bytes: number;
}

interface Live {
  mount: Mount;
  /** mount.bytesRead when the source started. */
  base: number;
  samples: Sample[];
  silent: boolean | null;
  silentSince: number | null;
}

/** kbit/s between the oldest sample and now; null while they are less than SAMPLE_MS apart. Pure. */
export function measuredKbps(samples: readonly Sample[], now: Sample): number | null {
  const first = samples[0];
  if (first === undefined || now.at - first.at < SAMPLE_MS) return null;
  return Math.round(((now.bytes - first.bytes) * 8) / (now.at - first.at));
}

export interface SourceTrackerEvents {
  /** A source's reported silence began (since: ms) or ended, for the relay's log. */
  silence: [mount: string, silent: boolean, since: number | null];
}

export class SourceTracker extends EventEmitter<SourceTrackerEvents> {
  /** Changes with every relay process, so the supervisor tells a restarted relay's counts apart. */
  readonly instance = `${process.pid}:${randomUUID()}`;
  readonly #clock: Clock;
  readonly #live = new Map<string, Live>();
  readonly #starts = new Map<string, number>();
  #timer: Timer | null = null;

  constructor(registry: MountRegistry, clock: Clock) {
    super();
    this.#clock = clock;
    registry.on('source-start', (mount) => this.#started(mount));
    registry.on('source-end', (mount) => this.#live.delete(mount.name));
    this.#tick();
  }

  close(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  /** Records a silence report for the mount's live source; false when it has none. */
  reportSilence(mount: string, silent: boolean, forSeconds: number): boolean {
    const live = this.#live.get(mount);
    if (live === undefined) return false;
    const now = this.#clock.now();
    const was = live.silent;
    const since = silent ? now - forSeconds * 1000 : null;
    // A refresh of the same silence says `for` in whole seconds: keep the time already shown.
    const same = since !== null && live.silentSince !== null && Math.abs(since - live.silentSince) < SAME_SILENCE_MS;
    live.silentSince = same ? live.silentSince : since;
    live.silent = silent;
    if (silent !== was && (silent || was === true)) this.emit('silence', mount, silent, live.silentSince);
    return true;
  }

  stats(mount: string): SourceStats | null {
    const live = this.#live.get(mount);
    if (live === undefined) return null;
    const bytes = live.mount.bytesRead;
    return {
      starts: this.#starts.get(mount) ?? 1,
      bytesIn: bytes - live.base,
      measuredKbps: measuredKbps(live.samples, { at: this.#clock.now(), bytes }),
      silent: live.silent,
      silentSince: live.silentSince,
    };
  }

  snapshot(): RelaySources {
    const mounts: Record<string, SourceStats> = {};
    for (const name of this.#live.keys()) {
      const s = this.stats(name);
      if (s !== null) mounts[name] = s;
    }
    return { instance: this.instance, mounts };
  }

  #started(mount: Mount): void {
    const starts = (this.#starts.get(mount.name) ?? 0) + 1;
    this.#starts.delete(mount.name);
    this.#starts.set(mount.name, starts);
    if (this.#starts.size > MAX_REMEMBERED) {
      const idle = [...this.#starts.keys()].find((name) => !this.#live.has(name) && name !== mount.name);
      if (idle !== undefined) this.#starts.delete(idle);
    }
    const now = this.#clock.now();
    this.#live.set(mount.name, { mount, base: mount.bytesRead, samples: [{ at: now, bytes: mount.bytesRead }], silent: null, silentSince: null });
  }

  #tick(): void {
    this.#timer = this.#clock.after(SAMPLE_MS, () => {
      const now = this.#clock.now();
      for (const live of this.#live.values()) {
        live.samples.push({ at: now, bytes: live.mount.bytesRead });
        while (live.samples.length > 1 && now - live.samples[0]!.at > RATE_WINDOW_MS) live.samples.shift();
      }
      this.#tick();
    });
  }
}

const trackers = new WeakMap<object, SourceTracker>();

export function attachSourceTracker(ctx: { registry: MountRegistry }, tracker: SourceTracker): void {
  trackers.set(ctx.registry, tracker);
}

export function sourceTrackerOf(ctx: { registry: MountRegistry }): SourceTracker | undefined {
  return trackers.get(ctx.registry);
}
