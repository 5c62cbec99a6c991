// The silence alarm (pure): silent once every peak stayed below the threshold for `afterMs`;
// the first window at or above the threshold ends it. Windows without audio (the encoder is
// restarting) neither start nor end silence.

export interface SilenceSettings {
  thresholdDbfs: number;
  afterMs: number;
}

export type SilenceChange = 'silent' | 'sound' | null;

export class SilenceDetector {
  readonly #settings: SilenceSettings;
  #quietSince: number | null = null;
  #silent = false;

  constructor(settings: SilenceSettings) {
    this.#settings = settings;
  }

  get silent(): boolean {
    return this.#silent;
  }

  /** Feeds one window's loudest peak (or null for no audio) at time `now` (ms). */
  update(now: number, peakDbfs: number | null): SilenceChange {
    if (peakDbfs === null) return null;
    if (peakDbfs >= this.#settings.thresholdDbfs) {
      this.#quietSince = null;
      if (!this.#silent) return null;
      this.#silent = false;
      return 'sound';
    }
    this.#quietSince ??= now;
    if (this.#silent || now - this.#quietSince < this.#settings.afterMs) return null;
    this.#silent = true;
    return 'silent';
  }
}
