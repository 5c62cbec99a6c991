// On-demand relays (Icecast <on-demand>, docs/icecast-compatibility.md#relays): the upstream is pulled only
// while the local mount has listeners. The mount stays in the registry while idle so a listener
// is admitted; it is then held (Mount.hold) until the upstream delivers, and lands on the fallback
// or is closed if the upstream does not come within `holdMs`.
import type { RelayContext } from '../context.ts';
import type { Timer } from '../clock.ts';
import type { Mount } from '../mount.ts';
import type { RelayPull } from './pull.ts';

export interface OnDemandOptions {
  /** How long a listener waits for the upstream. */
  holdMs: number;
  /** How long the upstream stays connected after the last listener left. */
  lingerMs: number;
}

export interface OnDemand {
  /**
   * True once after a listener started the pull: the first source of a session is a start, not a
   * reconnect, so the hold is released rather than counted as a source reconnect.
   */
  takeFresh(): boolean;
  stop(): void;
}

export function onDemand(ctx: Pick<RelayContext, 'registry' | 'clock'>, name: string, pull: Pick<RelayPull, 'start' | 'stop'>, o: OnDemandOptions): OnDemand {
  const registry = ctx.registry;
  let linger: Timer | null = null;
  let fresh = false;
  const onAdd = (mount: Mount): void => {
    if (mount.name !== name) return;
    linger?.cancel();
    linger = null;
    pull.start();
    if (!mount.live && !mount.inGrace) {
      mount.hold(o.holdMs);
      fresh = true;
    }
  };
  // HLS players (sessions) keep the upstream too, once a stream listener started it.
  const onRemove = (mount: Mount): void => {
    if (mount.name !== name || mount.listenerCount > 0 || linger) return;
    linger = ctx.clock.after(o.lingerMs, () => {
      linger = null;
      if ((registry.get(name)?.listenerCount ?? 0) === 0) pull.stop();
    });
  };
  registry.setOnDemand(name, true);
  registry.on('listener-add', onAdd);
  registry.on('listener-remove', onRemove);
  registry.on('session-remove', onRemove);
  return {
    takeFresh() {
      const f = fresh;
      fresh = false;
      return f;
    },
    stop() {
      registry.off('listener-add', onAdd);
      registry.off('listener-remove', onRemove);
      registry.off('session-remove', onRemove);
      linger?.cancel();
      pull.stop();
      registry.setOnDemand(name, false);
    },
  };
}
