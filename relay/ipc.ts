// The relay core's side of the supervisor's IPC channel (contracts/ipc.ts): `ready`
// with the port it actually bound, then pings, mount and listener snapshots, the operator's
// actions and live reloads. The actions are the mount's own operations, the same ones the admin
// API's killclient / killsource / updinfo commands call (relay/admin/mount-commands.ts).
import { ChildError, sendReady, serveRequests } from '../contracts/ipc.ts';
import { acceptsUrlUpdates, cleanTitle } from './admin/metadata.ts';
import { trustList } from '../stream/client-ip.ts';
import type { Mount } from '../stream/mount.ts';
import type { RunningRelay } from './start.ts';
import { allMountStats } from './status/snapshot.ts';
import { setUnlistedMounts } from './status/unlisted.ts';
import { unlistedMounts } from '../config/unlisted-mounts.ts';
import { sourceTrackerOf } from './source-tracker.ts';

/** Does nothing unless the relay runs under `icegate start` (an IPC channel exists). */
export function serveSupervisor(relay: RunningRelay): void {
  if (process.send === undefined) return;
  const { ctx } = relay;
  const mountOf = (name: string): Mount => {
    const mount = ctx.registry.get(name);
    if (!mount) throw new ChildError('unknown-mount', `no mount ${name}`);
    return mount;
  };
  serveRequests((r) => {
    switch (r.method) {
      case 'ping':
        return 'pong';
      case 'snapshot':
        return {
          mounts: allMountStats(ctx),
          listeners: Object.fromEntries(ctx.registry.list().map((m) => [m.name, m.listenerCount])),
          sources: sourceTrackerOf(ctx)?.snapshot() ?? null,
        };
      case 'listeners': {
        const mount = mountOf(r.params.mount);
        // Stream listeners, HLS players and the listeners the gateway's edge reports.
        return mount.listenerStats();
      }
      case 'kick': {
        const mount = mountOf(r.params.mount);
        const id = r.params.id;
        if (!mount.kickListener(id)) throw new ChildError('unknown-listener', `no listener ${id} on ${mount.name}`);
        return `listener ${id} removed from ${mount.name}`;
      }
      case 'kill-source': {
        const mount = mountOf(r.params.mount);
        if (!mount.killSource()) throw new ChildError('no-source', `${mount.name} has no source`);
        return `source of ${mount.name} removed`;
      }
      case 'metadata': {
        const mount = mountOf(r.params.mount);
        if (!mount.live) throw new ChildError('no-source', `${mount.name} has no source`);
        if (!acceptsUrlUpdates(mount.codec, mount.contentType)) throw new ChildError('bad-request', `${mount.name} takes its titles from the stream itself`);
        mount.setTitle(cleanTitle(r.params.title));
        return `title of ${mount.name} set`;
      }
      case 'reload': {
        // Settings only (mounts, limits, names, trusted proxies): sockets and streams are untouched.
        // Everything that can refuse runs before anything is swapped, so a refusal changes nothing.
        const config = r.params.config.relay;
        const next = { ...config, port: ctx.config.port };
        let trust;
        try {
          trust = trustList(config.trustedProxies);
        } catch (error) {
          throw new ChildError('reload-refused', `relay settings unchanged: ${(error as Error).message}`);
        }
        const previous = ctx.config;
        try {
          ctx.config = next;
          ctx.registry.reconfigure(next);
        } catch (error) {
          ctx.config = previous;
          ctx.registry.reconfigure(previous);
          throw new ChildError('reload-refused', `relay settings unchanged: ${(error as Error).message}`);
        }
        ctx.trust = trust;
        setUnlistedMounts(ctx, unlistedMounts(r.params.config.gateway.mounts));
        return 'relay settings applied';
      }
      default:
        throw new ChildError('not-found', `the relay has no ${r.method}`);
    }
  });
  sendReady({ relay: relay.port(), shoutcast: relay.shoutcast?.port() ?? null });
}
