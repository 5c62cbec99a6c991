// The gateway's edge (DESIGN.md: listener audio is fanned out once, by the process that holds the
// listener's socket). Each mount with listeners is pulled ONCE from the upstream, exactly as a
// slave relay pulls from its master, into a mount of the edge's own registry; every listener of
// that mount reads the shared queue there. It is the relay core's machinery, not a copy: RelayPull
// and its mount sink, the on-demand start and linger, Mount, Listener and serveListener.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { RelayConfig } from '../../config/schema.ts';
import type { ListenerStats, MountStats } from '../../relay/contracts.ts';
import { systemClock, type Clock } from '../../relay/clock.ts';
import type { RelayEvents } from '../../relay/context.ts';
import { serveListener, type ListenerIdentity, type ListenRequest } from '../../relay/listen.ts';
import type { RelayLog } from '../../relay/log.ts';
import { MountRegistry } from '../../relay/mount-registry.ts';
import type { BackoffPolicy } from '../../relay/pull/backoff.ts';
import { mountSink } from '../../relay/pull/mount-sink.ts';
import { onDemand, type OnDemand } from '../../relay/pull/on-demand.ts';
import { RelayPull, type PullSink, type PullStats } from '../../relay/pull/pull.ts';
import type { Credentials } from '../../relay/pull/upstream.ts';

export interface EdgeOptions {
  /** The upstream's origin, "http://host:port"; a mount is pulled from `<upstream><mount>`. */
  upstream: string;
  /** The edge's relay config (edge-config.ts). */
  config: RelayConfig;
  clock?: Clock;
  /** Sent with every pull, for an upstream whose mounts require listener credentials. */
  credentials?: Credentials | null;
  /** How long a listener of a mount not pulled yet waits for the upstream. Default 15 s. */
  holdMs?: number;
  /** How long a pull stays connected after its mount's last listener left. Default 5 s. */
  lingerMs?: number;
  connectTimeoutMs?: number;
  backoff?: BackoffPolicy;
  log?: RelayLog;
}

export interface EdgeMountStats {
  mount: MountStats;
  pull: PullStats;
  listeners: ListenerStats[];
}

export interface EdgeStats {
  mounts: EdgeMountStats[];
  /** Listeners over all mounts. */
  listeners: number;
}

interface Session {
  pull: RelayPull;
  demand: OnDemand;
}

/** The upstream has no such mount: its listeners are answered at once instead of waiting out the hold. */
const NOT_THERE = new Set([404, 410]);

export class Edge {
  readonly registry: MountRegistry;
  readonly #o: EdgeOptions;
  readonly #ctx: { config: RelayConfig; registry: MountRegistry; clock: Clock; events: EventEmitter<RelayEvents> };
  readonly #sessions = new Map<string, Session>();

  constructor(o: EdgeOptions) {
    this.#o = o;
    const clock = o.clock ?? systemClock;
    this.registry = new MountRegistry(o.config, clock);
    this.#ctx = { config: o.config, registry: this.registry, clock, events: new EventEmitter<RelayEvents>() };
  }

  /**
   * Serve a stream GET whose request was already read; the edge writes the response (Icecast's
   * head, deferred until the pull delivers, or a refusal from the relay's catalogue).
   */
  serve(socket: Socket, request: ListenRequest, who: ListenerIdentity): void {
    const name = request.path;
    const created = this.#open(name);
    serveListener(this.#ctx, socket, request, who);
    // Refused at admission (client limit, maxListeners): nobody to pull for.
    const session = this.#sessions.get(name);
    if (created && session && (this.registry.get(name)?.listeners.size ?? 0) === 0) this.#retire(name, session);
  }

  stats(): EdgeStats {
    const mounts: EdgeMountStats[] = [];
    let listeners = 0;
    for (const [name, session] of this.#sessions) {
      const mount = this.registry.get(name);
      if (!mount) continue;
      listeners += mount.listeners.size;
      mounts.push({ mount: mount.stats(), pull: session.pull.stats, listeners: [...mount.listeners].map((l) => l.stats()) });
    }
    return { mounts, listeners };
  }

  /** Close every listener and every pull. */
  close(): void {
    for (const mount of this.registry.list()) {
      for (const listener of [...mount.listeners]) mount.removeListener(listener, 'shutdown');
    }
    for (const [name, session] of [...this.#sessions]) this.#retire(name, session);
  }

  /** A pull for `name` that starts with its first listener; true when it did not exist yet. */
  #open(name: string): boolean {
    if (this.#sessions.has(name)) return false;
    const o = this.#o;
    let everLive = false;
    const sink: PullSink = {
      ...mountSink(this.#ctx, name, (mount) => {
        everLive = true;
        if (session.demand.takeFresh()) mount.release();
      }),
      refused: (status) => {
        if (!everLive && NOT_THERE.has(status)) this.#notThere(name, session);
      },
    };
    const pull = new RelayPull({
      url: `${o.upstream}${name}`,
      username: o.credentials?.username ?? null,
      password: o.credentials?.password ?? null,
      icyMetadata: true,
      clock: this.#ctx.clock,
      sink,
      idleTimeoutMs: this.registry.settingsFor(name).sourceTimeout * 1000,
      log: (level, message) => o.log?.(level, `${name}: ${message}`),
      ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
      ...(o.backoff ? { backoff: o.backoff } : {}),
    });
    const session = { pull } as Session;
    // on-demand's linger stops the pull through here, which also forgets the session.
    const control = {
      start: () => pull.start(),
      stop: () => {
        pull.stop();
        this.#retire(name, session);
      },
    };
    session.demand = onDemand(this.#ctx, name, control, { holdMs: o.holdMs ?? 15_000, lingerMs: o.lingerMs ?? 5_000 });
    this.#sessions.set(name, session);
    return true;
  }

  /** The upstream answered that it has no such mount before it ever streamed it: 404 to everyone waiting. */
  #notThere(name: string, session: Session): void {
    const mount = this.registry.get(name);
    if (mount) {
      // 'source-gone' closes a listener still waiting for its head with the catalogue's 404.
      for (const listener of [...mount.listeners]) mount.removeListener(listener, 'source-gone');
      mount.release();
    }
    this.#retire(name, session);
  }

  #retire(name: string, session: Session): void {
    if (this.#sessions.get(name) !== session) return;
    this.#sessions.delete(name);
    session.demand.stop();
  }
}
