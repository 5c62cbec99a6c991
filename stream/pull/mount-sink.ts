// A pull feeding one of the relay core's mounts. A relay is a source like any other: it needs a
// source slot (Icecast: relays count toward <sources>, docs/icecast-compatibility.md#relays), never takes a
// mount that has a live source, and its inline titles become the mount's title.
import type { RelayContext } from '../context.ts';
import type { Mount } from '../mount.ts';
import type { PullSink } from './pull.ts';

/** `beforeAttach`: last look at the mount before the relayed source attaches to it. */
export function mountSink(ctx: Pick<RelayContext, 'registry' | 'config' | 'events'>, name: string, beforeAttach?: (mount: Mount) => void): PullSink {
  const registry = ctx.registry;
  const inUse = `${name} has a live source`;
  const noSlot = (): string => `no source slot free (limits.sources is ${ctx.config.limits.sources})`;
  let mount: Mount | null = null;
  return {
    busy() {
      if (registry.get(name)?.live) return inUse;
      return registry.liveSources() >= ctx.config.limits.sources ? noSlot() : null;
    },
    start(info) {
      const admission = registry.admitSource(name);
      if (!admission.ok) return { refused: admission.code === 'RELAY_TOO_MANY_SOURCES' ? noSlot() : inUse };
      if (admission.takeover) return { refused: inUse };
      beforeAttach?.(admission.mount);
      mount = admission.mount;
      const handle = mount.attachSource(info);
      ctx.events.emit('source-connect', { mount: name, ip: info.ip, takeover: false });
      return handle;
    },
    title(title) {
      mount?.setTitle(title);
    },
  };
}
