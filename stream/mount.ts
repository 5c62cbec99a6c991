// One mount: its current source, the shared queue, the listeners reading it, and its counters.
// The mount does not know where its input comes from (a source socket, a pulled upstream, a
// looped file, or the gateway's edge): anything holding a SourceHandle feeds it bytes.
import { EventEmitter } from 'node:events';
import type { AudioInfo, Chunk, Framer, ListenerStats, MountStats, SourceInfo } from './types.ts';
import type { Clock, Timer } from './clock.ts';
import { StreamQueue } from './stream-queue.ts';
import { Coalescer } from './coalescer.ts';
import { Listener } from './listener.ts';
import { createFramer } from './formats/index.ts';
import { icyBlock } from './icy.ts';
import { mountStats } from './mount-stats.ts';
import { planBurst, type BurstPlan } from './burst.ts';
import type { ListenerSession, MountEventsOf, MountSettings, SourceEndReason, SourceHandleOf } from './mount-types.ts';

export type { ListenerSession, MountSettings, SourceEndReason } from './mount-types.ts';

/** What feeds this mount (mount-types.ts). */
export type SourceHandle = SourceHandleOf<Mount>;
export type MountEvents = MountEventsOf<Mount>;

interface LiveSource {
  info: SourceInfo;
  framer: Framer;
  handle: SourceHandle;
  startedAt: number;
  lastDataAt: number;
  timeout: Timer;
  /** stream/takeover.ts credentialKey of the connection, '' when none (a relay, a file). */
  credentials: string;
}

export class Mount {
  readonly events = new EventEmitter<MountEvents>();
  readonly name: string;
  settings: MountSettings;
  readonly queue: StreamQueue;
  readonly listeners = new Set<Listener>();
  readonly sessions = new Set<ListenerSession>();
  /** Gateway edges' pulls among `listeners` (Listener.edgePull): fed like listeners, never counted as one. */
  #edgePulls = 0;
  #clock: Clock;
  #source: LiveSource | null = null;
  #lastInfo: SourceInfo | null = null;
  #lastCodec: Framer['codec'] | null = null;
  #lastKbps: number | null = null;
  /** Kept after the source leaves: moves and fallbacks compare formats of idle mounts too. */
  #lastContentType: string | null = null;
  #coalescer: Coalescer;
  #graceTimer: Timer | null = null;
  #headers: Buffer | null = null;
  #headerGen = -1;
  #title = '';
  #artist = '';
  #icyBlock = icyBlock('');
  #audioInfo: AudioInfo = {};
  listenerPeak = 0;
  slowListeners = 0;
  bytesRead = 0;
  bytesSent = 0;
  sourceReconnects = 0;
  /** Live sources replaced by a new connection (stream/takeover.ts). */
  takeovers = 0;
  #onBehind = (l: Listener): void => this.dropSlow(l);

  /** `coalesceMs`: how long staged audio may wait to be published (stream/coalescer.ts; default its 500 ms). */
  constructor(name: string, settings: MountSettings, clock: Clock, coalesceMs?: number) {
    this.name = name;
    this.settings = settings;
    this.#clock = clock;
    this.queue = new StreamQueue(Math.max(settings.queueSize, settings.burstSize ?? 0));
    this.#coalescer = new Coalescer(clock, (chunk) => this.#publish(chunk), coalesceMs);
  }

  get live(): boolean {
    return this.#source !== null;
  }
  get sourceInfo(): SourceInfo | null {
    return this.#source?.info ?? null;
  }
  /** The content type listeners of this mount receive (kept through a grace period). */
  get contentType(): string | null {
    return this.#source?.info.contentType ?? this.#lastContentType;
  }
  /** The codec of the current source, or of the last one (a mount keeps its format in a grace period). */
  get codec(): Framer['codec'] | null {
    return this.#source?.framer.codec ?? this.#lastCodec;
  }
  get title(): string {
    return this.#title;
  }
  /** True while listeners are held waiting for the source to return. */
  get inGrace(): boolean {
    return this.#graceTimer !== null;
  }
  /** The burst a listener joining now gets (stream/burst.ts): from the frames measured, else the declared bitrate. */
  burstPlan(): BurstPlan {
    const s = this.#source;
    const declared = this.settings.overrides.bitrate ?? s?.info.description.bitrate ?? this.#audioInfo.bitrate;
    return planBurst(this.settings, { measured: s?.framer.measuredKbps?.() ?? this.#lastKbps, declared });
  }
  /** For a batched reader (relay/read-batch.ts): how long audio may be staged, ms (stream/coalescer.ts; 0: not at all); ms until what is staged now is published (Infinity: nothing staged); the live source's bitrate measured from its frames, kbit/s (null: not known). */
  get pacing(): { coalesceMs: number; publishDueInMs: number; measuredKbps: number | null } {
    return { coalesceMs: this.#coalescer.maxDelayMs, publishDueInMs: this.#coalescer.dueInMs(), measuredKbps: this.#source?.framer.measuredKbps?.() ?? null };
  }
  get sourceIdleMs(): number {
    return this.#source ? this.#clock.now() - this.#source.lastDataAt : Infinity;
  }
  updateSettings(settings: MountSettings): void {
    this.settings = settings;
    this.queue.setRetain(Math.max(settings.queueSize, settings.burstSize ?? 0));
  }
  /** The credential key the live source connected with (stream/takeover.ts), null when idle. */
  get sourceCredentials(): string | null {
    return this.#source?.credentials ?? null;
  }

  /** Attach a new source, replacing a live one. The caller decided it may (auth, limits, takeover rule). */
  attachSource(info: SourceInfo, onEnd: (reason: SourceEndReason) => void = () => {}, credentials = ''): SourceHandle {
    if (this.#source) {
      this.takeovers++;
      this.#source.handle.end('replaced');
    }
    const wasHeld = this.#graceTimer !== null || this.#lastInfo !== null;
    this.#graceTimer?.cancel();
    this.#graceTimer = null;
    if (wasHeld) this.sourceReconnects++;
    const now = this.#clock.now();
    let active = true;
    const handle: SourceHandle = {
      mount: this,
      get active() {
        return active;
      },
      write: (data) => {
        if (!active) return false;
        this.#ingest(data);
        return true;
      },
      end: (reason) => {
        if (!active) return;
        active = false;
        this.#detachSource(reason);
        onEnd(reason);
      },
    };
    this.#source = {
      info,
      framer: createFramer(info.contentType),
      handle,
      startedAt: now,
      lastDataAt: now,
      timeout: this.#armTimeout(),
      credentials,
    };
    this.#lastInfo = info;
    this.#audioInfo = {};
    this.#headerGen = -1;
    this.#headers = null;
    this.events.emit('source-start', this);
    return handle;
  }

  /** Re-armed for the time remaining, so a silent source goes exactly sourceTimeout after its last byte. */
  #armTimeout(delay = this.settings.sourceTimeout * 1000): Timer {
    return this.#clock.after(delay, () => {
      const s = this.#source;
      if (!s) return;
      const limit = this.settings.sourceTimeout * 1000;
      const idle = this.#clock.now() - s.lastDataAt;
      if (idle >= limit) s.handle.end('timeout');
      else s.timeout = this.#armTimeout(limit - idle);
    });
  }

  #ingest(data: Buffer): void {
    const s = this.#source!;
    s.lastDataAt = this.#clock.now();
    this.bytesRead += data.length;
    const chunks = s.framer.push(data);
    if (s.framer.headerGeneration() !== this.#headerGen) {
      // A new Ogg header set (chained stream): publish what was staged under the old one first.
      this.flush();
      this.#headerGen = s.framer.headerGeneration();
      this.#headers = s.framer.headerPages();
    }
    for (const chunk of chunks) {
      this.events.emit('audio', this, chunk.data, s.framer.codec);
      this.#coalescer.stage(chunk);
    }
    this.#audioInfo = s.framer.audioInfo();
  }

  /** Publish staged data to listeners. */
  flush(): void {
    this.#coalescer.flush();
  }

  #publish(chunk: Chunk): void {
    this.queue.append(chunk, this.#headers);
    for (const l of this.listeners) {
      if (l.pump() === 'behind') this.dropSlow(l);
    }
  }

  #detachSource(reason: SourceEndReason): void {
    const s = this.#source;
    if (!s) return;
    this.flush();
    s.timeout.cancel();
    this.#lastCodec = s.framer.codec;
    this.#lastKbps = s.framer.measuredKbps?.() ?? null;
    this.#lastContentType = s.info.contentType;
    this.#source = null;
    this.events.emit('source-end', this, reason);
  }

  /** Keep the listeners connected for `ms` while the source may come back (Icecast closes them at once, docs/icecast-compatibility.md#source-lifetime); 'source-gone' fires if it does not. */
  hold(ms: number): void {
    this.#graceTimer?.cancel();
    this.#graceTimer = this.#clock.after(ms, () => {
      this.#graceTimer = null;
      this.#lastInfo = null;
      this.events.emit('source-gone', this);
    });
  }

  /** The source is gone for good. */
  release(): void {
    this.#graceTimer?.cancel();
    this.#graceTimer = null;
    this.#lastInfo = null;
  }

  /** Add a listener at the burst point. The HTTP response head was already written. */
  addListener(listener: Listener): void {
    this.#attach(listener);
    this.events.emit('listener-add', this, listener);
  }

  /** Take over a listener from another mount without disconnecting it (fallback, move). */
  adoptListener(listener: Listener): void {
    this.#attach(listener);
  }

  #attach(listener: Listener): void {
    listener.attach(this, this.queue.burstStart(this.burstPlan().bytes));
    listener.onBehind = this.#onBehind;
    this.listeners.add(listener);
    if (listener.edgePull !== null) this.#edgePulls++;
    this.#notePeak();
    if (listener.pump() === 'behind') this.dropSlow(listener);
  }

  /** Detach without closing (the listener is moving elsewhere). */
  releaseListener(listener: Listener): void {
    if (!this.listeners.delete(listener)) return;
    if (listener.edgePull !== null) this.#edgePulls--;
    listener.detach();
    listener.onBehind = null;
  }

  removeListener(listener: Listener, reason: string): void {
    if (!this.listeners.delete(listener)) return;
    if (listener.edgePull !== null) this.#edgePulls--;
    listener.onBehind = null;
    listener.close(reason === 'source-gone' ? 'end' : 'destroy');
    this.events.emit('listener-remove', this, listener, reason);
  }

  /** Stream listeners and sessions: what maxListeners, the peak and the stats count. */
  get listenerCount(): number {
    return this.listeners.size - this.#edgePulls + this.sessions.size;
  }

  #notePeak(): void {
    if (this.listenerCount > this.listenerPeak) this.listenerPeak = this.listenerCount;
  }

  addSession(session: ListenerSession): void {
    this.sessions.add(session);
    this.#notePeak();
    this.events.emit('session-add', this, session);
  }

  removeSession(session: ListenerSession, reason: string): void {
    if (!this.sessions.delete(session)) return;
    session.ended(reason);
    this.events.emit('session-remove', this, session, reason);
  }

  /**
   * Disconnect one listener by id, stream or session (an HLS player, a gateway edge's listener);
   * false when the mount has none with that id. A gateway edge's pull is not a listener here: it
   * is not listed, so it cannot be kicked either.
   */
  kickListener(id: number): boolean {
    const listener = [...this.listeners].find((l) => l.id === id && l.edgePull === null);
    if (listener) {
      this.removeListener(listener, 'killed');
      return true;
    }
    const session = [...this.sessions].find((s) => s.id === id);
    if (session) this.removeSession(session, 'killed');
    return session !== undefined;
  }

  /** Every listener of the mount, stream and session alike (admin listclients, the JSON API). */
  listenerStats(): ListenerStats[] {
    const players = [...this.listeners].filter((l) => l.edgePull === null);
    return [...players.map((l) => l.stats()), ...[...this.sessions].map((s) => s.stats())];
  }

  dropSlow(listener: Listener): void {
    if (!this.listeners.has(listener)) return;
    this.slowListeners++;
    this.events.emit('slow-listener', this, listener);
    this.removeListener(listener, 'slow');
  }

  icyBlock(): Buffer {
    return this.#icyBlock;
  }

  sent(bytes: number): void {
    this.bytesSent += bytes;
  }

  /** Set the now-playing title (ICY StreamTitle; "artist - title" when both are given). */
  setTitle(title: string, artist = ''): void {
    this.#artist = artist;
    this.#title = artist ? `${artist} - ${title}` : title;
    this.#icyBlock = icyBlock(this.#title);
    this.events.emit('title', this, this.#title);
  }

  killSource(): boolean {
    if (!this.#source) return false;
    this.#source.handle.end('killed');
    return true;
  }

  stats(): MountStats {
    const s = this.#source;
    const source = s ? { info: s.info, codec: s.framer.codec, startedAt: s.startedAt } : null;
    return mountStats(this, { source, lastInfo: this.#lastInfo, audioInfo: this.#audioInfo, artist: this.#artist });
  }
}
