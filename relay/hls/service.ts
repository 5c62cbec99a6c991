// HLS for every MP3 and AAC mount: a packager per mount, created when the mount's first source
// starts (file mounts and pulled relays included), and the listener sessions.
import type { RelayContext } from '../../stream/context.ts';
import type { Mount } from '../../stream/mount.ts';
import { MountPackager, type HlsSettings } from './packager.ts';
import { HlsSessions } from './sessions.ts';

/** A session ends after this many target durations without a request. */
export const SESSION_IDLE_TARGETS = 3;

export class HlsService {
  readonly settings: HlsSettings;
  readonly sessions: HlsSessions;
  // Keyed by the mount object: a mount the registry forgets takes its segments with it.
  readonly #packagers = new WeakMap<Mount, MountPackager>();
  readonly #ctx: RelayContext;
  readonly #onSource = (mount: Mount): void => {
    if (!this.#packagers.has(mount)) this.#packagers.set(mount, new MountPackager(mount, this.settings, this.#ctx.clock));
  };

  constructor(ctx: RelayContext, settings: HlsSettings) {
    this.#ctx = ctx;
    this.settings = settings;
    this.sessions = new HlsSessions(ctx.registry, ctx.clock, SESSION_IDLE_TARGETS * settings.targetDuration * 1000);
    ctx.registry.on('source-start', this.#onSource);
  }

  packagerOf(mount: Mount): MountPackager | undefined {
    return this.#packagers.get(mount);
  }

  close(): void {
    this.#ctx.registry.off('source-start', this.#onSource);
    this.sessions.close();
  }
}
