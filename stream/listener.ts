// One listener: a writable sink (a TCP or TLS socket whose response head was already written)
// reading a mount's shared queue. It writes only while write() returns true and resumes on
// 'drain', so its own backlog is bounded by the socket's high-water mark; falling behind by more
// than the queue is detected by the mount, which drops it (Icecast: "fallen too far behind").
import type { Writable } from 'node:stream';
import type { ListenerStats } from './types.ts';
import type { StreamQueue } from './stream-queue.ts';
import { IcyInterleaver } from './icy.ts';
import { renderError } from './responses.ts';

export interface ListenerInit {
  id: number;
  ip: string;
  userAgent: string;
  connectedAt: number;
  /** ICY metadata interval requested by the player (Icy-MetaData: 1), or null. */
  metaint: number | null;
  auth?: string;
  username?: string;
  linkId?: string;
  /** A gateway edge's pull (its id): it carries that gateway's reported listeners, so it is not one itself. */
  edgePull?: string;
}

/** What a listener needs from the mount it reads: the queue and the current ICY block. */
export interface ListenerFeed {
  readonly name: string;
  readonly queue: StreamQueue;
  icyBlock(): Buffer;
  /** Counts bytes written to listeners, for the mount's total_bytes_sent. */
  sent(bytes: number): void;
}

/** How long a listener may take to read what was queued when its stream ends. */
const END_FLUSH_MS = 5000;

export type PumpResult = 'ok' | 'behind';

export class Listener {
  readonly id: number;
  readonly ip: string;
  readonly userAgent: string;
  readonly connectedAt: number;
  readonly auth: string;
  readonly username: string | undefined;
  /** The link (contracts/links.ts) the listener came with. */
  readonly linkId: string | undefined;
  /** The gateway whose edge this pull feeds, or null for a player (relay/edge/hub.ts). */
  readonly edgePull: string | null;
  readonly sink: Writable;
  /** The mount the listener asked for; fallback-override brings it back there. */
  home: string;
  feed: ListenerFeed | null = null;
  nextSeq = 0;
  bytesSent = 0;
  #icy: IcyInterleaver | null;
  #lastHeaders: Buffer | null = null;
  #waiting = false;
  #closed = false;
  #onDrain = (): void => {
    this.#waiting = false;
    if (this.pump() === 'behind') this.onBehind?.(this);
  };
  /**
   * The response head, when it could not be written at admission: a mount that is not live yet
   * (on demand, or in a grace period) does not know its format until data flows. Written right
   * before the first bytes, as Icecast does (format_check_http_buffer).
   */
  deferredHead: (() => { head: Buffer; metaint: number | null }) | null = null;
  /** Set by the mount: called when the listener's next chunk was trimmed from the queue. */
  onBehind: ((l: Listener) => void) | null = null;

  constructor(sink: Writable, init: ListenerInit, home: string) {
    this.sink = sink;
    this.id = init.id;
    this.ip = init.ip;
    this.userAgent = init.userAgent;
    this.connectedAt = init.connectedAt;
    this.auth = init.auth ?? 'anonymous';
    this.username = init.username;
    this.linkId = init.linkId;
    this.edgePull = init.edgePull ?? null;
    this.home = home;
    this.#icy = init.metaint ? new IcyInterleaver(init.metaint) : null;
  }

  get closed(): boolean {
    return this.#closed || this.sink.destroyed;
  }

  /** Start reading `feed` at `seq` (a sync chunk: the burst point). */
  attach(feed: ListenerFeed, seq: number): void {
    this.feed = feed;
    this.nextSeq = seq;
  }

  detach(): void {
    this.feed = null;
  }

  /** Write queued chunks until caught up or the socket pushes back. */
  pump(): PumpResult {
    const feed = this.feed;
    if (!feed || this.closed) return 'ok';
    const queue = feed.queue;
    // Checked even while waiting for 'drain': a listener that stopped reading must be noticed.
    if (this.nextSeq < queue.firstSeq) return 'behind';
    if (this.#waiting || this.nextSeq >= queue.nextSeq) return 'ok';
    const sink = this.sink;
    sink.cork();
    let more = true;
    if (this.deferredHead) {
      const { head, metaint } = this.deferredHead();
      this.deferredHead = null;
      this.#icy = metaint ? new IcyInterleaver(metaint) : null;
      more = sink.write(head);
    }
    while (more && this.nextSeq < queue.nextSeq) {
      const chunk = queue.at(this.nextSeq)!;
      this.nextSeq++;
      // Ogg: a listener must have the codec header pages of the logical stream it is about to
      // hear (docs/icecast-compatibility.md#where-a-listener-starts, Icecast's refbuf->associated); they change on chained streams,
      // source changes and moves.
      if (chunk.headers && chunk.headers !== this.#lastHeaders) {
        this.#lastHeaders = chunk.headers;
        more = this.#write(chunk.headers);
      }
      if (this.#icy) {
        for (const part of this.#icy.write(chunk.data, () => feed.icyBlock())) more = this.#write(part);
      } else {
        more = this.#write(chunk.data);
      }
    }
    process.nextTick(uncork, sink);
    if (!more) {
      this.#waiting = true;
      sink.once('drain', this.#onDrain);
    }
    return 'ok';
  }

  #write(buf: Buffer): boolean {
    this.bytesSent += buf.length;
    // An edge's pull is not audience: its gateway reports what its listeners received.
    if (this.edgePull === null) this.feed?.sent(buf.length);
    return this.sink.write(buf);
  }

  /**
   * 'end' lets what is already in the socket reach the player (the stream ended normally), with a
   * bounded wait for a reader that stopped; 'destroy' drops it (slow, kicked, hung up).
   */
  close(mode: 'end' | 'destroy' = 'destroy'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sink.off('drain', this.#onDrain);
    this.feed = null;
    if (mode === 'end' && this.deferredHead) {
      // The stream never started (an on-demand upstream that did not come): say so properly.
      this.deferredHead = null;
      this.sink.end(renderError('RELAY_NOT_FOUND'));
      return;
    }
    if (mode === 'destroy' || this.sink.writableLength === 0) {
      if (mode === 'end') this.sink.end();
      else this.sink.destroy();
      return;
    }
    this.sink.end();
    const timer = setTimeout(() => this.sink.destroy(), END_FLUSH_MS);
    timer.unref();
    this.sink.once('close', () => clearTimeout(timer));
  }

  stats(): ListenerStats {
    const s: ListenerStats = {
      id: this.id,
      ip: this.ip,
      userAgent: this.userAgent,
      connectedAt: this.connectedAt,
      bytesSent: this.bytesSent,
      mount: this.feed?.name ?? this.home,
      auth: this.auth,
    };
    if (this.username !== undefined) s.username = this.username;
    if (this.linkId !== undefined) s.linkId = this.linkId;
    return s;
  }
}

function uncork(sink: Writable): void {
  sink.uncork();
}
