// The relay's view of the listeners that gateways' edges serve (docs/gateway-security.md#listener-fan-out-at-the-edge: the relay still knows
// every real listener, the gateway reports them). Each reported listener becomes a ListenerSession
// of a relay mount, with an id from the relay's own id space, so the limits, the stats, listclients,
// killclient, the JSON API and the metrics treat it like a listener of the relay's own. The edge
// stays the truth: a report adds, updates and removes; a full report (every new channel) replaces
// the gateway's whole set. Kicks and moves go back to the gateway on its command stream.
//
// A reported listener is shown on the relay mount its gateway's pull of that mount reads now
// (a fallback moved the pull, so the listeners hear the fallback), else on the mount of that name.
import type { Timer } from '../../stream/clock.ts';
import type { ListenerStats } from '../../stream/types.ts';
import type { RelayContext } from '../../stream/context.ts';
import type { ListenerSession } from '../../stream/mount.ts';
import type { EdgeAdmission, EdgeCertificate, EdgeCommand, EdgeHoldFigures, EdgeListener, EdgeReport, EdgeReportAnswer } from '../../contracts/edge.ts';

/** How long a gateway whose command stream dropped keeps its listeners on the relay: it reconnects and re-reports. */
export const EDGE_GRACE_MS = 5000;

export interface EdgeHubOptions {
  graceMs?: number;
}

/** Where a channel's commands are written (the command stream's response); false = pushed back. */
export interface CommandSink {
  send(command: EdgeCommand): void;
  close(): void;
}

export interface EdgeChannelView {
  gateway: string;
  connected: boolean;
  listeners: number;
}

type HubContext = Pick<RelayContext, 'registry' | 'clock' | 'config'>;

class Record {
  /** The mount shown now, null while none fits. */
  placedOn: string | null = null;
  /** bytesSent already added to a mount's total. */
  counted = 0;
  readonly session: EdgeSession;
  constructor(
    readonly relayId: number,
    public listener: EdgeListener,
    channel: Channel,
  ) {
    this.session = new EdgeSession(this, channel);
  }
}

class EdgeSession implements ListenerSession {
  /** Set while the hub itself takes the session off a mount: nothing to tell the gateway. */
  quiet = false;
  constructor(
    readonly rec: Record,
    readonly channel: Channel,
  ) {}

  get id(): number {
    return this.rec.relayId;
  }

  stats(): ListenerStats {
    const l = this.rec.listener;
    const s: ListenerStats = {
      id: this.rec.relayId,
      ip: l.ip,
      userAgent: l.userAgent,
      connectedAt: l.connectedAt,
      bytesSent: l.bytesSent,
      mount: this.rec.placedOn ?? l.mount,
      auth: l.auth,
    };
    if (l.username !== undefined) s.username = l.username;
    if (l.linkId !== undefined) s.linkId = l.linkId;
    return s;
  }

  ended(reason: string): void {
    this.rec.placedOn = null;
    if (this.quiet) return;
    if (reason === 'killed') return this.channel.kick(this.rec);
    // The mount let it go (its source is gone): the gateway decides, this one is placed again.
    this.channel.replaceSoon();
  }
}

class Channel {
  readonly records = new Map<number, Record>();
  /** Killed here, not yet reported gone by the gateway: a full report must not bring them back. */
  readonly killed = new Set<number>();
  sink: CommandSink | null = null;
  grace: Timer | null = null;
  /** The gateway's hold figures, as last reported (for /metrics). */
  hold: EdgeHoldFigures | null = null;
  /** The gateway's certificate, as last reported (for /metrics). */
  certificate: EdgeCertificate | null = null;
  #replaceQueued = false;
  constructor(
    readonly id: string,
    readonly hub: EdgeHub,
  ) {}

  kick(rec: Record): void {
    this.records.delete(rec.listener.id);
    this.killed.add(rec.listener.id);
    this.sink?.send({ type: 'kick', ids: [rec.listener.id] });
  }

  replaceSoon(): void {
    if (this.#replaceQueued) return;
    this.#replaceQueued = true;
    queueMicrotask(() => {
      this.#replaceQueued = false;
      this.hub.place(this);
    });
  }
}

export class EdgeHub {
  readonly #ctx: HubContext;
  readonly #graceMs: number;
  readonly #channels = new Map<string, Channel>();

  constructor(ctx: HubContext, o: EdgeHubOptions = {}) {
    this.#ctx = ctx;
    this.#graceMs = o.graceMs ?? EDGE_GRACE_MS;
  }

  /** A gateway's command stream opened; a newer one replaces an older one. Returns what to call when it closes. */
  connect(gateway: string, sink: CommandSink): () => void {
    const channel = this.#channel(gateway);
    const old = channel.sink;
    channel.sink = sink;
    old?.close();
    channel.grace?.cancel();
    channel.grace = null;
    if (channel.killed.size > 0) sink.send({ type: 'kick', ids: [...channel.killed] });
    return () => {
      if (channel.sink !== sink) return;
      channel.sink = null;
      this.#armGrace(channel);
    };
  }

  /** Apply a gateway's report; the answer carries what the edge needs for its admission. */
  report(gateway: string, report: EdgeReport): EdgeReportAnswer {
    const channel = this.#channel(gateway);
    if (report.hold) channel.hold = report.hold;
    if (report.certificate) channel.certificate = report.certificate;
    if (report.full) {
      const present = new Set(report.added.map((l) => l.id));
      for (const [id, rec] of channel.records) if (!present.has(id)) this.#drop(channel, rec);
      for (const id of channel.killed) if (!present.has(id)) channel.killed.delete(id);
    }
    for (const id of report.removed) {
      channel.killed.delete(id);
      const rec = channel.records.get(id);
      if (rec) this.#drop(channel, rec);
    }
    for (const l of report.added) {
      if (channel.killed.has(l.id)) continue;
      const rec = channel.records.get(l.id);
      if (rec) rec.listener = l;
      else channel.records.set(l.id, new Record(this.#ctx.registry.nextListenerId(), l, channel));
    }
    let unknown = false;
    for (const u of report.updated) {
      const rec = channel.records.get(u.id);
      if (rec) rec.listener = { ...rec.listener, mount: u.mount, bytesSent: u.bytesSent };
      else if (!channel.killed.has(u.id)) unknown = true;
    }
    this.place(channel);
    const answer: EdgeReportAnswer = { admission: this.#admission(channel) };
    if (unknown) answer.resync = true;
    return answer;
  }

  /**
   * moveclients: the listeners of every gateway shown on `from` go to `to` (the caller checked that
   * it may). Shown there at once; the gateway's next report says where they really are.
   */
  move(from: string, to: string): number {
    let moved = 0;
    for (const channel of this.#channels.values()) {
      const ids: number[] = [];
      for (const rec of channel.records.values()) {
        if (rec.placedOn !== from) continue;
        ids.push(rec.listener.id);
        rec.listener = { ...rec.listener, mount: to };
      }
      if (ids.length === 0) continue;
      channel.sink?.send({ type: 'move', ids, to });
      moved += ids.length;
      this.place(channel);
    }
    return moved;
  }

  /** Each gateway's hold figures, as it last reported them (relay/metrics/collectors.ts). */
  holdFigures(): { gateway: string; figures: EdgeHoldFigures }[] {
    return [...this.#channels.values()].flatMap((c) => (c.hold ? [{ gateway: c.id, figures: c.hold }] : []));
  }

  /** Each gateway's certificate, as it last reported it (relay/metrics/certificate.ts). */
  certificates(): { gateway: string; certificate: EdgeCertificate }[] {
    return [...this.#channels.values()].flatMap((c) => (c.certificate ? [{ gateway: c.id, certificate: c.certificate }] : []));
  }

  channels(): EdgeChannelView[] {
    return [...this.#channels.values()].map((c) => ({ gateway: c.id, connected: c.sink !== null, listeners: c.records.size }));
  }

  /** Forget every gateway (the relay stops). */
  close(): void {
    for (const channel of [...this.#channels.values()]) {
      channel.sink?.close();
      this.#forget(channel);
    }
  }

  /** Show each of the channel's listeners on the mount it hears now; count bytes not yet counted. */
  place(channel: Channel): void {
    const registry = this.#ctx.registry;
    // Where this gateway's pulls are: mount asked for → mount read now.
    const pulls = new Map<string, string>();
    for (const m of registry.list()) {
      for (const l of m.listeners) if (l.edgePull === channel.id) pulls.set(l.home, m.name);
    }
    for (const rec of channel.records.values()) {
      const wanted = rec.listener.mount;
      const target = pulls.get(wanted) ?? (registry.get(wanted) ? wanted : null);
      if (rec.placedOn !== target) {
        this.#unplace(rec);
        const mount = target === null ? undefined : registry.get(target);
        if (mount) {
          rec.placedOn = mount.name;
          mount.addSession(rec.session);
        }
      }
      const delta = rec.listener.bytesSent - rec.counted;
      if (rec.placedOn !== null && delta > 0) {
        registry.get(rec.placedOn)?.sent(delta);
        rec.counted = rec.listener.bytesSent;
      }
    }
  }

  #admission(channel: Channel): EdgeAdmission {
    const registry = this.#ctx.registry;
    const mine = new Map<string, number>();
    let total = 0;
    for (const rec of channel.records.values()) {
      if (rec.placedOn === null) continue;
      mine.set(rec.placedOn, (mine.get(rec.placedOn) ?? 0) + 1);
      total++;
    }
    const mounts: EdgeAdmission['mounts'] = {};
    for (const m of registry.list()) {
      if (m.settings.maxListeners < 0) continue;
      mounts[m.name] = { max: m.settings.maxListeners, others: m.listenerCount - (mine.get(m.name) ?? 0) };
    }
    return { clients: { limit: this.#ctx.config.limits.clients, others: registry.totalListeners() - total }, mounts };
  }

  #channel(gateway: string): Channel {
    let channel = this.#channels.get(gateway);
    if (!channel) {
      channel = new Channel(gateway, this);
      this.#channels.set(gateway, channel);
      this.#armGrace(channel);
    }
    return channel;
  }

  /** Without a command stream, a channel's listeners stay only for the grace period. */
  #armGrace(channel: Channel): void {
    if (channel.sink !== null || channel.grace !== null) return;
    channel.grace = this.#ctx.clock.after(this.#graceMs, () => {
      channel.grace = null;
      if (channel.sink === null) this.#forget(channel);
    });
  }

  #forget(channel: Channel): void {
    channel.grace?.cancel();
    channel.grace = null;
    for (const rec of [...channel.records.values()]) this.#drop(channel, rec);
    channel.killed.clear();
    if (this.#channels.get(channel.id) === channel) this.#channels.delete(channel.id);
  }

  #drop(channel: Channel, rec: Record): void {
    channel.records.delete(rec.listener.id);
    this.#unplace(rec);
  }

  #unplace(rec: Record): void {
    if (rec.placedOn === null) return;
    const mount = this.#ctx.registry.get(rec.placedOn);
    rec.session.quiet = true;
    mount?.removeSession(rec.session, 'gone');
    rec.session.quiet = false;
    rec.placedOn = null;
  }
}

/** Each relay's hub, for the admin commands that reach edge listeners (moveclients). */
const hubs = new WeakMap<object, EdgeHub>();

export function attachEdgeHub(ctx: HubContext, hub: EdgeHub): void {
  hubs.set(ctx.registry, hub);
}

export function edgeHubOf(ctx: Pick<RelayContext, 'registry'>): EdgeHub | undefined {
  return hubs.get(ctx.registry);
}
