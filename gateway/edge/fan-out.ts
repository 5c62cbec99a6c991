// The gateway's edge (docs/gateway-security.md#listener-fan-out-at-the-edge: listener audio is fanned out once, by the process that holds the
// listener's socket). Each mount with listeners is pulled ONCE from the upstream, exactly as a
// slave relay pulls from its master, into a mount of the edge's own registry; every listener of
// that mount reads the shared queue there. It is the relay core's machinery, not a copy: RelayPull
// and its mount sink, the on-demand start and linger, Mount, Listener and serveListener.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { RelayConfig } from '../../config/schema.ts';
import type { ListenerStats, MountStats } from '../../stream/types.ts';
import { systemClock, type Clock } from '../../stream/clock.ts';
import type { RelayEvents } from '../../stream/context.ts';
import { serveListener, type ListenerIdentity, type ListenRequest } from '../../stream/listen.ts';
import type { RelayLog } from '../../stream/log.ts';
import { MountRegistry } from '../../stream/mount-registry.ts';
import type { BackoffPolicy } from '../../stream/pull/backoff.ts';
import { mountSink } from '../../stream/pull/mount-sink.ts';
import { onDemand, type OnDemand } from '../../stream/pull/on-demand.ts';
import { RelayPull, type PullSink, type PullStats } from '../../stream/pull/pull.ts';
import type { Credentials } from '../../stream/pull/upstream.ts';
import { hangUp } from '../../stream/hang-up.ts';
import { renderError } from '../../stream/responses.ts';
import type { EdgeAdmission } from '../../contracts/edge.ts';
import { renderDeny } from '../ports/respond.ts';
import type { HoldStats } from '../hold/stats.ts';
import { watchPlayerHolds } from './player-hold.ts';

export interface EdgeOptions {
  /** The upstream's origin, "http://host:port"; a mount is pulled from `<upstream><mount>`. */
  upstream: string;
  /** The edge's relay config (edge-config.ts). */
  config: RelayConfig;
  clock?: Clock;
  /** Sent with every pull, for an upstream whose mounts require listener credentials. */
  credentials?: Credentials | null;
  /** More headers of every pull (the channel's X-Icegate-Edge, edge-report.ts). */
  pullHeaders?: readonly (readonly [string, string])[];
  /** How long a listener of a mount not pulled yet waits for the upstream. Default 15 s. */
  holdMs?: number;
  /** How long a pull stays connected after its mount's last listener left. Default 5 s. */
  lingerMs?: number;
  connectTimeoutMs?: number;
  /** Default EDGE_BACKOFF. */
  backoff?: BackoffPolicy;
  log?: RelayLog;
  /** Where player holds are counted (gateway/hold/stats.ts). */
  holdStats?: HoldStats;
}

/**
 * A pull that broke is usually a relay restarting, with players held (player-hold.ts) hearing
 * silence until it is back: try again after 200 ms, then every 500 ms at most (the relay answers
 * 404 until the held source is back on it), with jitter so many gateways do not knock in lockstep.
 * A pull runs only while its mount has players, so a missing mount is not polled for ever.
 */
export const EDGE_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 500, stableMs: 60_000, jitter: 0.25 };

export interface EdgeMountStats {
  mount: MountStats;
  pull: PullStats;
  listeners: ListenerStats[];
}

export interface EdgeStats {
  mounts: EdgeMountStats[];
  /** Listeners over all mounts. */
  listeners: number;
  /** The upstream's limits and its listeners besides ours, when the relay core reports them (edge-report.ts). */
  admission: EdgeAdmission | null;
}

interface Session {
  pull: RelayPull;
  demand: OnDemand;
  /** Stops the pull and forgets the session (what on-demand's linger calls). */
  stop(): void;
}

/** The upstream has no such mount: its listeners are answered at once instead of waiting out the hold. */
const NOT_THERE = new Set([404, 410]);

export class Edge {
  readonly registry: MountRegistry;
  /** Where holds are counted, for the report channel (report.ts); null when not counted. */
  readonly holdStats: HoldStats | null;
  readonly #o: EdgeOptions;
  readonly #ctx: { config: RelayConfig; registry: MountRegistry; clock: Clock; events: EventEmitter<RelayEvents> };
  readonly #sessions = new Map<string, Session>();
  /** The upstream's listeners besides ours and its limits, when it reports them (edge-report.ts). */
  #admission: EdgeAdmission | null = null;

  constructor(o: EdgeOptions) {
    this.#o = o;
    this.holdStats = o.holdStats ?? null;
    const clock = o.clock ?? systemClock;
    // What the pull reads the relay already coalesced (stream/coalescer.ts): staging it again would
    // only hold every chunk back another half second, and write no less often.
    this.registry = new MountRegistry(o.config, clock, { coalesceMs: 0 });
    this.#ctx = { config: o.config, registry: this.registry, clock, events: new EventEmitter<RelayEvents>() };
    if (o.holdStats) watchPlayerHolds(this.registry, o.holdStats, () => clock.now(), (level, message) => o.log?.(level, message));
  }

  /**
   * Serve a stream GET whose request was already read; the edge writes the response (Icecast's
   * head, deferred until the pull delivers, or a refusal from the relay's catalogue).
   */
  serve(socket: Socket, request: ListenRequest, who: ListenerIdentity): void {
    const name = request.path;
    const full = this.#upstreamFull(name);
    if (full) return hangUp(socket, renderError(full));
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
    return { mounts, listeners, admission: this.#admission };
  }

  /** The relay's admission figures: its limits count the listeners of every gateway and its own. */
  setAdmission(admission: EdgeAdmission | null): void {
    this.#admission = admission;
  }

  /** Close these listeners (killclient on the relay). */
  kick(ids: readonly number[]): void {
    const wanted = new Set(ids);
    for (const mount of this.registry.list()) {
      for (const l of [...mount.listeners]) if (wanted.has(l.id)) mount.removeListener(l, 'killed');
    }
  }

  /**
   * Move these listeners onto the pull of `to` without disconnecting them (moveclients on the
   * relay), with the relay core's own move. The pull of `to` starts if it is not running; the move
   * happens once it streams, or not at all if it does not within the hold time.
   */
  async move(ids: readonly number[], to: string): Promise<number> {
    const wanted = new Set(ids);
    const created = this.#open(to);
    const session = this.#sessions.get(to);
    session?.pull.start();
    const live = this.registry.get(to)?.live === true || (await this.#whenLive(to, this.#o.holdMs ?? 15_000));
    let moved = 0;
    const emptied: string[] = [];
    if (live) {
      for (const mount of this.registry.list()) {
        if (mount.name === to || ![...mount.listeners].some((l) => wanted.has(l.id))) continue;
        const r = this.registry.move(mount.name, to, (l) => wanted.has(l.id), true);
        if (r.ok) moved += r.moved;
        if (mount.listeners.size === 0) emptied.push(mount.name);
      }
    }
    // Moved listeners do not pass through on-demand's listener events: the pulls left empty (and
    // a pull started for nobody) linger out here.
    for (const name of [...emptied, ...(created || moved === 0 ? [to] : [])]) this.#lingerIfIdle(name);
    return moved;
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
        if (everLive) return;
        if (NOT_THERE.has(status)) this.#notThere(name, session);
        else if (status >= 500) this.#unavailable(name, session);
      },
      // Refusing connections is not "no such mount": the listener learns the server is down (502).
      unreachable: () => {
        if (!everLive) this.#unavailable(name, session);
      },
    };
    const pull = new RelayPull({
      url: `${o.upstream}${name}`,
      username: o.credentials?.username ?? null,
      password: o.credentials?.password ?? null,
      icyMetadata: true,
      ...(o.pullHeaders ? { headers: o.pullHeaders } : {}),
      clock: this.#ctx.clock,
      sink,
      idleTimeoutMs: this.registry.settingsFor(name).sourceTimeout * 1000,
      log: (level, message) => o.log?.(level, `${name}: ${message}`),
      ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
      backoff: o.backoff ?? EDGE_BACKOFF,
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
    session.stop = control.stop;
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

  /** The upstream is down or failing before it ever streamed this mount: 502 to everyone waiting. */
  #unavailable(name: string, session: Session): void {
    const mount = this.registry.get(name);
    if (mount) {
      for (const listener of [...mount.listeners]) {
        if (listener.deferredHead) {
          listener.deferredHead = null;
          listener.sink.write(renderDeny('GW_UPSTREAM_UNAVAILABLE'));
        }
        // 'source-gone' ends the socket after what was written, instead of cutting it.
        mount.removeListener(listener, 'source-gone');
      }
      mount.release();
    }
    this.#o.log?.('warn', `${name}: the upstream is unavailable; its listeners were answered 502`);
    this.#retire(name, session);
  }

  /** The upstream's limits count every gateway's listeners; null when there is room (or no figures). */
  #upstreamFull(name: string): 'RELAY_CONNECTION_LIMIT' | 'RELAY_MAX_LISTENERS' | null {
    const a = this.#admission;
    if (!a) return null;
    if (a.clients.others + this.registry.totalListeners() >= a.clients.limit) return 'RELAY_CONNECTION_LIMIT';
    const m = a.mounts[name];
    if (m && m.others + (this.registry.get(name)?.listenerCount ?? 0) >= m.max) return 'RELAY_MAX_LISTENERS';
    return null;
  }

  #whenLive(name: string, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const onStart = (mount: { name: string }): void => {
        if (mount.name !== name) return;
        timer.cancel();
        this.registry.off('source-start', onStart);
        resolve(true);
      };
      const timer = this.#ctx.clock.after(timeoutMs, () => {
        this.registry.off('source-start', onStart);
        resolve(false);
      });
      this.registry.on('source-start', onStart);
    });
  }

  /** Stop a pull nobody listens to after the linger, as on-demand does when its last listener leaves. */
  #lingerIfIdle(name: string): void {
    const idle = (): boolean => (this.registry.get(name)?.listeners.size ?? 0) === 0;
    if (!idle()) return;
    this.#ctx.clock.after(this.#o.lingerMs ?? 5_000, () => {
      const session = this.#sessions.get(name);
      if (session && idle()) session.stop();
    });
  }

  #retire(name: string, session: Session): void {
    if (this.#sessions.get(name) !== session) return;
    this.#sessions.delete(name);
    session.demand.stop();
  }
}
