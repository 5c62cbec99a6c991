// What the status pages and the admin API read from a running relay: the server's description
// and every mount's stats, taken at one moment.
import type { RelayContext } from '../../stream/context.ts';
import type { MountStats } from '../../stream/types.ts';
import { publicBase, type RouteRequest } from '../http-app.ts';
import type { ServerInfo } from './icestats.ts';
import { withUnlisted } from './unlisted.ts';

export function serverInfo(ctx: RelayContext): ServerInfo {
  const c = ctx.config;
  return { hostname: c.hostname, location: c.location, admin: c.admin, startedAt: ctx.startedAt };
}

/** Every mount; the gateway's private mounts (unlisted.ts) marked hidden like the relay's own hidden ones. */
export function allMountStats(ctx: RelayContext): MountStats[] {
  return withUnlisted(ctx, ctx.registry.list().map((m) => m.stats()));
}

/**
 * Listen URLs with the scheme and host the client used (through the gateway: the public ones),
 * not Icecast's always-http hostname:port (xiph/Icecast-Server#45). Mount names made by sources
 * may hold spaces or non-ASCII text, which a URL must carry percent-encoded.
 */
export function listenUrlFor(ctx: RelayContext, r: RouteRequest): (mount: string) => string {
  const base = publicBase(ctx, r.client);
  // Through a stream link the player must come back through the same link (client-ip.ts prefix).
  return (mount) => `${base}${r.client.prefix}${encodeURI(mount)}`;
}
