// What the control API's actions do (control-server.ts routes them here): component actions on
// the component set, mount actions through the relay (it reaches every listener, the edge's too:
// it tells the gateway to close them), bans through the gateway, reload and stop of the whole.
import { isIP } from 'node:net';
import type { ListenersPage, ListenerView, LogPage, StateSnapshot } from '../contracts/control-api.ts';
import type { Clock } from '../stream/clock.ts';
import type { ListenerStats } from '../stream/types.ts';
import type { ComponentSet } from './component-set.ts';
import type { ControlBackend, LinksBackend, ListenerUsersBackend } from './control-server.ts';
import type { LinkService } from './links/service.ts';
import { parseLinkRequest } from './links/request.ts';
import type { ListenerUserService } from './listener-users/service.ts';
import { ControlError } from './errors.ts';
import type { LogRing } from './log-ring.ts';

/** Listeners one page lists; `total` counts them all. */
const PAGE_SIZE = 500;

export interface BackendDeps {
  components: ComponentSet;
  clock: Clock;
  rings: ReadonlyMap<string, LogRing>;
  snapshot(): StateSnapshot;
  subscribe(listener: () => void): () => void;
  watch?(): () => void;
  readOnly(): boolean;
  reload(): Promise<string>;
  /** Starts stopping everything; the answer goes out first. */
  stop(): void;
  audit(entry: { user: string; action: string; target: string; ok: boolean; message: string }): void;
  /** The operator's links (links/service.ts); without them the link routes are 404. */
  links?: LinkService;
  /**
   * The htpasswd mounts' listener users (listener-users/service.ts), made on first use: bcrypt
   * is loaded only when an operator manages users, not at every start. Without it their routes are 404.
   */
  listenerUsers?: () => Promise<ListenerUserService>;
}

export function controlBackend(d: BackendDeps): ControlBackend {
  const { components } = d;
  const relay = () => components.running('relay');
  const gateway = () => components.running('gateway');
  return {
    snapshot: d.snapshot,
    subscribe: d.subscribe,
    ...(d.watch && { watch: d.watch }),
    readOnly: d.readOnly,
    listeners: async (mount) => listenersPage(mount, (await relay().request('listeners', { mount })) as ListenerStats[], d.clock.now(), (id) => d.links?.label(id) ?? null),
    logs: (name, tail): LogPage => {
      const ring = d.rings.get(name);
      if (!ring || !components.get(name)) throw new ControlError('unknown-component', name);
      return { component: name, lines: ring.tail(tail) };
    },
    component: async (name, action) => {
      const c = components.get(name);
      if (!c) throw new ControlError('unknown-component', name);
      if (action === 'stop') {
        if (c.state === 'stopped') throw new ControlError('already-stopped', name);
        await c.stop();
        return `${name} stopped`;
      }
      if (action === 'start') {
        if (c.state !== 'stopped') throw new ControlError('already-running', name);
        c.start();
        return `${name} starting`;
      }
      await c.restart();
      return `${name} restarting`;
    },
    killSource: async (mount) => String(await relay().request('kill-source', { mount })),
    kick: async (mount, id) => String(await relay().request('kick', { mount, id })),
    metadata: async (mount, title) => String(await relay().request('metadata', { mount, title })),
    ban: async (ip, seconds) => {
      if (!validBanTarget(ip)) throw new ControlError('bad-request', 'ip must be an IPv4 or IPv6 address, or an IPv6 /64 like 2001:db8:1:2::/64');
      return String(await gateway().request('ban', { ip, seconds }));
    },
    unban: async (ip) => {
      if (!validBanTarget(ip)) throw new ControlError('bad-request', 'not an address');
      return String(await gateway().request('unban', { ip }));
    },
    reload: d.reload,
    stop: async () => {
      setImmediate(d.stop);
      return 'stopping';
    },
    audit: d.audit,
    ...(d.links && { links: linksBackend(d.links) }),
    ...(d.listenerUsers && { listenerUsers: listenerUsersBackend(d.listenerUsers) }),
  };
}

function linksBackend(service: LinkService): LinksBackend {
  return {
    create: (body) => service.create(parseLinkRequest(body)),
    list: () => service.list(),
    revoke: (id) => service.revoke(id),
  };
}

function listenerUsersBackend(service: () => Promise<ListenerUserService>): ListenerUsersBackend {
  return {
    list: async () => (await service()).list(),
    set: async (body) => {
      const { parseListenerUserRequest } = await import('./listener-users/request.ts');
      return (await service()).set(parseListenerUserRequest(body));
    },
    remove: async (mount, name) => (await service()).remove(mount, name),
  };
}

/** `labelOf`: the label of a link id (the relay knows the id a listener came with, not the label). */
export function listenersPage(mount: string, stats: readonly ListenerStats[], now: number, labelOf: (linkId: string) => string | null = () => null): ListenersPage {
  const view = (l: ListenerStats): ListenerView => ({
    id: l.id,
    mount: l.mount,
    ip: l.ip,
    userAgent: l.userAgent,
    connectedAt: new Date(l.connectedAt).toISOString(),
    seconds: Math.max(0, Math.round((now - l.connectedAt) / 1000)),
    bytesSent: l.bytesSent,
    auth: l.auth,
    username: l.username ?? null,
    linkId: l.linkId ?? null,
    linkLabel: l.linkLabel ?? (l.linkId === undefined ? null : labelOf(l.linkId)),
  });
  const all = stats.map(view).sort((a, b) => a.connectedAt.localeCompare(b.connectedAt));
  return { mount, total: all.length, listeners: all.slice(0, PAGE_SIZE) };
}

/** An address, or an IPv6 /64 (a ban covers one subscriber's whole prefix). */
export function validBanTarget(ip: string): boolean {
  if (isIP(ip) !== 0) return true;
  const m = /^([0-9a-fA-F:]+)\/64$/.exec(ip);
  return m !== null && isIP(m[1]!) === 6;
}
