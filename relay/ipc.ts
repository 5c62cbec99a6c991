// The relay core's side of the supervisor's IPC channel (contracts/ipc.ts): `ready`
// with the port it actually bound, then pings, mount and listener snapshots, the operator's
// actions and live reloads. The actions are the mount's own operations, the same ones the admin
// API's killclient / killsource / updinfo commands call (relay/admin/mount-commands.ts).
import type { RelayConfig } from '../config/schema.ts';
import { ChildError, sendReady, serveRequests } from '../contracts/ipc.ts';
import { acceptsUrlUpdates, cleanTitle } from './admin/metadata.ts';
import { trustList } from '../stream/client-ip.ts';
import type { Mount } from '../stream/mount.ts';
import type { RunningRelay } from './start.ts';
import { allMountStats } from './status/snapshot.ts';

/** Does nothing unless the relay runs under `icegate start` (an IPC channel exists). */
export function serveSupervisor(relay: RunningRelay): void {
  if (process.send === undefined) return;
  const { ctx } = relay;
  const mountOf = (params: Record<string, unknown>): Mount => {
    const name = params.mount;
    const mount = typeof name === 'string' ? ctx.registry.get(name) : undefined;
    if (!mount) throw new ChildError('unknown-mount', `no mount ${String(name)}`);
    return mount;
  };
  serveRequests((method, params) => {
    switch (method) {
      case 'ping':
        return 'pong';
      case 'snapshot':
        return { mounts: allMountStats(ctx), listeners: Object.fromEntries(ctx.registry.list().map((m) => [m.name, m.listenerCount])) };
      case 'listeners': {
        const mount = mountOf(params);
        // Stream listeners, HLS players and the listeners the gateway's edge reports.
        return mount.listenerStats();
      }
      case 'kick': {
        const mount = mountOf(params);
        const id = Number(params.id);
        if (!mount.kickListener(id)) throw new ChildError('unknown-listener', `no listener ${String(params.id)} on ${mount.name}`);
        return `listener ${id} removed from ${mount.name}`;
      }
      case 'kill-source': {
        const mount = mountOf(params);
        if (!mount.killSource()) throw new ChildError('no-source', `${mount.name} has no source`);
        return `source of ${mount.name} removed`;
      }
      case 'metadata': {
        const mount = mountOf(params);
        if (!mount.live) throw new ChildError('no-source', `${mount.name} has no source`);
        if (!acceptsUrlUpdates(mount.codec, mount.contentType)) throw new ChildError('bad-request', `${mount.name} takes its titles from the stream itself`);
        mount.setTitle(cleanTitle(String(params.title)));
        return `title of ${mount.name} set`;
      }
      case 'reload': {
        // Settings only (mounts, limits, names, trusted proxies): sockets and streams are untouched.
        const config = params.relay as RelayConfig;
        ctx.config = { ...config, port: ctx.config.port };
        ctx.trust = trustList(config.trustedProxies);
        ctx.registry.reconfigure(ctx.config);
        return 'relay settings applied';
      }
      default:
        throw new ChildError('not-found', `the relay has no ${method}`);
    }
  });
  sendReady({ relay: relay.port(), shoutcast: relay.shoutcast?.port() ?? null });
}
