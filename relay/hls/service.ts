// HLS for every MP3 and AAC mount: a packager per mount, created when the mount's first source
// starts (file mounts and pulled relays included), and the listener sessions. With a store
// (window-store.ts) every window is saved as it changes, and the windows a killed relay left are
// taken up again: served as they were until the mount's source is back (the gateway holds it and
// reconnects within about a second), then continued with EXT-X-DISCONTINUITY
// (docs/hls.md#across-a-relay-restart).
import type { RelayContext } from '../../stream/context.ts';
import type { Mount } from '../../stream/mount.ts';
import { MountPackager, type HlsSettings } from './packager.ts';
import { HlsSessions } from './sessions.ts';
import { SegmentWindow } from './segment-window.ts';
import { segmentName } from '../../stream/paths/hls.ts';
import type { SavedWindow, WindowStore } from './window-store.ts';

/** A session ends after this many target durations without a request. */
export const SESSION_IDLE_TARGETS = 3;

/**
 * A window left by a previous relay process: its numbers (and segments) go to the mount's packager
 * when its source starts; until then, and at most until `until`, the route serves it as it was.
 */
interface Restored {
  readonly saved: SavedWindow;
  /** The same segments, as a read-only window for the route meanwhile. */
  readonly window: SegmentWindow;
  readonly until: number;
}

export class HlsService {
  readonly settings: HlsSettings;
  readonly sessions: HlsSessions;
  // Keyed by the mount object: a mount the registry forgets takes its segments with it.
  readonly #packagers = new WeakMap<Mount, MountPackager>();
  readonly #restored = new Map<string, Restored>();
  readonly #ctx: RelayContext;
  readonly #store: WindowStore | null;
  readonly #onSource = (mount: Mount): void => {
    if (this.#packagers.has(mount)) return;
    const restored = this.#restored.get(mount.name);
    this.#restored.delete(mount.name);
    const packager = new MountPackager(mount, this.settings, this.#ctx.clock, restored?.saved.state);
    this.#packagers.set(mount, packager);
    const store = this.#store;
    if (store) packager.on('segment', () => store.save(mount.name, this.settings.targetDuration, packager.window.exportState(), Date.now()));
  };

  constructor(ctx: RelayContext, settings: HlsSettings, store: WindowStore | null = null) {
    this.#ctx = ctx;
    this.settings = settings;
    this.#store = store;
    this.sessions = new HlsSessions(ctx.registry, ctx.clock, SESSION_IDLE_TARGETS * settings.targetDuration * 1000);
    if (store) this.#restore(store.loadAll());
    ctx.registry.on('source-start', this.#onSource);
  }

  packagerOf(mount: Mount): MountPackager | undefined {
    return this.#packagers.get(mount);
  }

  /** The window a previous relay process left for `mount`, while it is served without its source. */
  restoredWindow(mount: string): SegmentWindow | undefined {
    const r = this.#restored.get(mount);
    return r && this.#ctx.clock.now() <= r.until && r.window.size > 0 ? r.window : undefined;
  }

  close(): void {
    this.#ctx.registry.off('source-start', this.#onSource);
    this.sessions.close();
  }

  /**
   * A window saved within its own span (window × target duration) is listed again; an older one
   * keeps only its numbers, so MEDIA-SEQUENCE still never goes back. A changed target duration
   * starts over (§6.2.1: it never changes for a playlist). Served alone for
   * relay.limits.sourceGrace seconds, the time a relay waits for a source to come back.
   */
  #restore(saved: readonly SavedWindow[]): void {
    const now = this.#ctx.clock.now();
    const span = this.settings.windowSegments * this.settings.targetDuration * 1000;
    for (const s of saved) {
      if (s.targetDuration !== this.settings.targetDuration) continue;
      const window = new SegmentWindow({ ...this.settings, name: (seq, seg) => segmentName('restored', seq, seg.codec) });
      window.restoreState(s.state);
      const fresh = Date.now() - s.savedAt <= span;
      if (!fresh) window.restart();
      const state = window.exportState();
      this.#restored.set(s.mount, { saved: { ...s, state }, window, until: fresh ? now + this.#ctx.config.limits.sourceGrace * 1000 : now });
    }
  }
}
