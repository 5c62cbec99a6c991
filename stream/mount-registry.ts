// Mounts by name, and the decisions that involve more than one mount: source admission and
// takeover, listener admission through fallback chains, moves between mounts, fallback override.
import { EventEmitter } from 'node:events';
import type { RelayConfig } from '../config/schema.ts';
import type { Clock } from './clock.ts';
import { Mount, type ListenerSession, type MountSettings, type SourceEndReason } from './mount.ts';
import type { Listener } from './listener.ts';
import { formatFamily } from './format-family.ts';
import { isReservedPath } from './paths/reserved.ts';
import { takeoverDecision } from './takeover.ts';

/** Icecast's MAX_FALLBACK_DEPTH. */
const MAX_FALLBACK_DEPTH = 10;
export type SourceAdmission =
  /** `takeover`: the address of the source it replaces; `credentials`: to attach the source with. */
  | { ok: true; mount: Mount; takeover: { previousIp: string } | null; credentials: string }
  | { ok: false; code: 'RELAY_MOUNT_IN_USE' | 'RELAY_TOO_MANY_SOURCES' | 'RELAY_MOUNT_RESERVED' };

export type ListenAdmission =
  | { ok: true; mount: Mount }
  | { ok: false; code: 'RELAY_NOT_FOUND' | 'RELAY_MAX_LISTENERS' | 'RELAY_CONNECTION_LIMIT' };

export type MoveResult =
  | { ok: true; moved: number }
  | { ok: false; reason: 'no-such-source' | 'no-such-destination' | 'identical' | 'destination-not-running' | 'incompatible' };

export interface RegistryEvents {
  'source-start': [mount: Mount];
  'source-end': [mount: Mount, reason: SourceEndReason];
  'listener-add': [mount: Mount, listener: Listener];
  'listener-remove': [mount: Mount, listener: Listener, reason: string];
  'slow-listener': [mount: Mount, listener: Listener];
  /** An HLS player counted as a listener (relay/hls/sessions.ts). */
  'session-add': [mount: Mount, session: ListenerSession];
  'session-remove': [mount: Mount, session: ListenerSession, reason: string];
}

export class MountRegistry extends EventEmitter<RegistryEvents> {
  #mounts = new Map<string, Mount>();
  /** Mounts whose source (an on-demand relay) starts when a listener arrives: served while idle. */
  #onDemand = new Set<string>();
  #config: RelayConfig;
  #clock: Clock;
  readonly #coalesceMs: number | undefined;
  #nextListenerId = 1;

  /** `coalesceMs`: for every mount, how long audio may be staged before listeners get it (Mount). */
  constructor(config: RelayConfig, clock: Clock, o: { coalesceMs?: number } = {}) {
    super();
    this.#config = config;
    this.#clock = clock;
    this.#coalesceMs = o.coalesceMs;
    for (const name of Object.keys(config.mounts)) this.ensure(name);
  }

  get config(): RelayConfig {
    return this.#config;
  }

  /** Apply a new relay config to existing mounts (settings only; sockets are untouched). */
  reconfigure(config: RelayConfig): void {
    this.#config = config;
    for (const name of Object.keys(config.mounts)) this.ensure(name);
    for (const m of this.#mounts.values()) m.updateSettings(this.settingsFor(m.name));
  }

  settingsFor(name: string): MountSettings {
    const l = this.#config.limits;
    const m = this.#config.mounts[name];
    return {
      burstSize: m?.burstSize ?? l.burstSize,
      burstSeconds: l.burstSeconds,
      queueSize: m?.queueSize ?? l.queueSize,
      sourceTimeout: m?.sourceTimeout ?? l.sourceTimeout,
      maxListeners: m?.maxListeners ?? -1,
      maxListenerDuration: m?.maxListenerDuration ?? 0,
      metadataInterval: m?.metadataInterval ?? 16000,
      fallbackMount: m?.fallbackMount ?? null,
      fallbackOverride: m?.fallbackOverride ?? true,
      fallbackWhenFull: m?.fallbackWhenFull ?? false,
      hidden: m?.hidden ?? false,
      overrides: {
        streamName: m?.streamName ?? null,
        streamDescription: m?.streamDescription ?? null,
        streamUrl: m?.streamUrl ?? null,
        genre: m?.genre ?? null,
        bitrate: m?.bitrate ?? null,
        public: m?.public ?? null,
      },
    };
  }

  get(name: string): Mount | undefined {
    return this.#mounts.get(name);
  }

  list(): Mount[] {
    return [...this.#mounts.values()];
  }

  ensure(name: string): Mount {
    let m = this.#mounts.get(name);
    if (m) return m;
    m = new Mount(name, this.settingsFor(name), this.#clock, this.#coalesceMs);
    m.events.on('source-start', (mount) => {
      this.emit('source-start', mount);
      this.#override(mount);
    });
    m.events.on('source-end', (mount, reason) => {
      this.emit('source-end', mount, reason);
      this.#sourceEnded(mount, reason);
    });
    m.events.on('source-gone', (mount) => this.#sourceGone(mount));
    m.events.on('listener-add', (mount, l) => this.emit('listener-add', mount, l));
    m.events.on('listener-remove', (mount, l, reason) => {
      this.emit('listener-remove', mount, l, reason);
      this.#forgetIfIdle(mount);
    });
    m.events.on('slow-listener', (mount, l) => this.emit('slow-listener', mount, l));
    m.events.on('session-add', (mount, session) => this.emit('session-add', mount, session));
    m.events.on('session-remove', (mount, session, reason) => {
      this.emit('session-remove', mount, session, reason);
      this.#forgetIfIdle(mount);
    });
    this.#mounts.set(name, m);
    return m;
  }

  /** Mark a mount on-demand: it exists and admits listeners while idle (docs/icecast-compatibility.md#relays). */
  setOnDemand(name: string, on: boolean): void {
    if (on) {
      this.#onDemand.add(name);
      this.ensure(name);
    } else if (this.#onDemand.delete(name)) {
      const m = this.#mounts.get(name);
      if (m) this.#forgetIfIdle(m);
    }
  }

  nextListenerId(): number {
    return this.#nextListenerId++;
  }

  liveSources(): number {
    let n = 0;
    for (const m of this.#mounts.values()) if (m.live) n++;
    return n;
  }

  totalListeners(): number {
    let n = 0;
    for (const m of this.#mounts.values()) n += m.listenerCount;
    return n;
  }

  /**
   * Icecast's order after authentication: mount in use, then the source limit
   * (docs/icecast-compatibility.md#source-authentication-and-check-order). A live mount is taken
   * over only by the same credentials after relay.limits.takeoverAfter seconds of silence
   * (stream/takeover.ts). `credentials`: credentialKey of the connection, '' when it has none.
   */
  admitSource(name: string, credentials = ''): SourceAdmission {
    if (isReservedPath(name)) return { ok: false, code: 'RELAY_MOUNT_RESERVED' };
    const existing = this.#mounts.get(name);
    if (existing?.live) {
      const decision = takeoverDecision({
        idleMs: existing.sourceIdleMs,
        afterMs: this.#config.limits.takeoverAfter * 1000,
        sameCredentials: existing.sourceCredentials === credentials,
      });
      if (decision === 'in-use') return { ok: false, code: 'RELAY_MOUNT_IN_USE' };
      return { ok: true, mount: existing, takeover: { previousIp: existing.sourceInfo?.ip ?? '' }, credentials };
    }
    if (this.liveSources() >= this.#config.limits.sources) return { ok: false, code: 'RELAY_TOO_MANY_SOURCES' };
    return { ok: true, mount: this.ensure(name), takeover: null, credentials };
  }

  /**
   * Where a listener asking for `name` ends up: the mount, or a live fallback (docs/icecast-compatibility.md#fallbacks).
   * `counted: false` (a gateway edge's pull) ignores the limits: its listeners were admitted by the edge.
   */
  admitListener(name: string, o: { counted?: boolean } = {}): ListenAdmission {
    const counted = o.counted ?? true;
    if (counted && this.totalListeners() >= this.#config.limits.clients) return { ok: false, code: 'RELAY_CONNECTION_LIMIT' };
    let mount = this.#mounts.get(name);
    let full = false;
    for (let depth = 0; mount && depth <= MAX_FALLBACK_DEPTH; depth++) {
      const s = mount.settings;
      const serving = mount.live || mount.inGrace || this.#onDemand.has(mount.name);
      const isFull = counted && s.maxListeners >= 0 && mount.listenerCount >= s.maxListeners;
      if (serving && !isFull) return { ok: true, mount };
      if (serving && isFull) {
        full = true;
        if (!s.fallbackWhenFull) break;
      }
      mount = s.fallbackMount ? this.#mounts.get(s.fallbackMount) : undefined;
    }
    return { ok: false, code: full ? 'RELAY_MAX_LISTENERS' : 'RELAY_NOT_FOUND' };
  }

  /**
   * Move listeners between mounts without disconnecting them. `rehome` makes the destination the
   * listeners' home (an operator's move sticks; a fallback move remembers where they came from).
   */
  move(fromName: string, toName: string, filter: (l: Listener) => boolean = () => true, rehome = false): MoveResult {
    const from = this.#mounts.get(fromName);
    const to = this.#mounts.get(toName);
    if (!from) return { ok: false, reason: 'no-such-source' };
    if (!to) return { ok: false, reason: 'no-such-destination' };
    if (from === to) return { ok: false, reason: 'identical' };
    if (!to.live) return { ok: false, reason: 'destination-not-running' };
    if (!compatible(from, to)) return { ok: false, reason: 'incompatible' };
    let moved = 0;
    for (const l of [...from.listeners]) {
      if (!filter(l)) continue;
      from.releaseListener(l);
      if (rehome) l.home = to.name;
      to.adoptListener(l);
      moved++;
    }
    this.#forgetIfIdle(from);
    return { ok: true, moved };
  }

  /**
   * A source left. Its listeners move to a live fallback at once; without one they are held for
   * the grace period (not after an explicit kill), then closed.
   */
  #sourceEnded(mount: Mount, reason: SourceEndReason): void {
    if (reason === 'replaced') return;
    const grace = this.#config.limits.sourceGrace;
    if (this.#liveFallback(mount) || reason === 'killed' || grace <= 0 || mount.listenerCount === 0) {
      this.#sourceGone(mount);
    } else {
      mount.hold(grace * 1000);
    }
  }

  /** The source is gone for good: listeners go to the fallback, or are closed (docs/icecast-compatibility.md#source-lifetime). */
  #sourceGone(mount: Mount): void {
    mount.release();
    const fallback = this.#liveFallback(mount);
    if (fallback && mount.listeners.size > 0) this.move(mount.name, fallback.name);
    for (const l of [...mount.listeners]) mount.removeListener(l, 'source-gone');
    // HLS sessions cannot follow to a fallback: their playlist is this mount's.
    for (const s of [...mount.sessions]) mount.removeSession(s, 'source-gone');
    mount.queue.clear();
    this.#forgetIfIdle(mount);
  }

  #liveFallback(mount: Mount): Mount | null {
    let name = mount.settings.fallbackMount;
    for (let depth = 0; name && depth < MAX_FALLBACK_DEPTH; depth++) {
      const m = this.#mounts.get(name);
      if (!m) return null;
      if (m.live) return compatible(mount, m) ? m : null;
      name = m.settings.fallbackMount;
    }
    return null;
  }

  /**
   * fallback-override: when a source returns, its own listeners come back from wherever they were
   * moved. Only listeners whose home is this mount move (Icecast moves everyone on the fallback,
   * icecast-kh#367).
   */
  #override(mount: Mount): void {
    if (!mount.settings.fallbackOverride) return;
    for (const other of this.#mounts.values()) {
      if (other === mount || other.listeners.size === 0) continue;
      if (![...other.listeners].some((l) => l.home === mount.name)) continue;
      this.move(other.name, mount.name, (l) => l.home === mount.name);
    }
  }

  /** Mounts created by a source (not in the config) disappear once nothing uses them. */
  #forgetIfIdle(mount: Mount): void {
    if (mount.live || mount.inGrace || mount.listenerCount > 0) return;
    if (this.#config.mounts[mount.name] || this.#onDemand.has(mount.name)) return;
    this.#mounts.delete(mount.name);
  }
}

/** Listeners may only move between mounts whose format allows it (same codec family). */
export function compatible(a: Mount, b: Mount): boolean {
  const fa = formatFamily(a.codec, a.contentType);
  const fb = formatFamily(b.codec, b.contentType);
  return fa !== null && fa === fb;
}
