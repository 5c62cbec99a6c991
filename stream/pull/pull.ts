// One relay pull: keeps a mount fed from an upstream server, reconnecting with backoff for as
// long as it runs. It knows nothing of the process around it: the relay core gives it a sink that
// attaches a mount's source, the gateway's edge one that feeds its own fan-out.
import type net from 'node:net';
import type { SourceInfo } from '../types.ts';
import type { Clock, Timer } from '../clock.ts';
import type { SourceEndReason } from '../mount.ts';
import type { RelayLog } from '../log.ts';
import { IcyStripper } from '../icy.ts';
import { ChunkedDecoder } from '../chunked-decoder.ts';
import { sourceMetaint } from '../source-headers.ts';
import { DEFAULT_BACKOFF, nextBackoff, type BackoffPolicy } from './backoff.ts';
import { connectUpstream, type ConnectAttempt, type UpstreamConnection } from './connect.ts';
import { redact, upstreamSourceInfo, type Credentials } from './upstream.ts';

/** Where audio goes: a mount's SourceHandle is one. */
export interface PullTarget {
  /** false once the target no longer takes this pull's audio (the source was killed or replaced). */
  write(data: Buffer): boolean;
  end(reason: SourceEndReason): void;
}

/**
 * What a pull feeds. `start` is called once per connection, when the upstream's response head is
 * read: it returns the target, or why there is no room now (the pull retries after a backoff).
 */
export interface PullSink {
  start(info: SourceInfo): PullTarget | { refused: string };
  /** Optional early check before connecting, so a pull with no room does not load its upstream. */
  busy?(): string | null;
  /** A StreamTitle from the upstream's inline metadata that differs from the previous one. */
  title(title: string): void;
  /** The upstream answered with a refusal (404 when it has no such mount); the pull retries after a backoff unless stopped. */
  refused?(status: number): void;
  /** The upstream could not be reached or sent no response head (connection refused, timeout); retried likewise. */
  unreachable?(error: string): void;
}

export type PullState = 'idle' | 'connecting' | 'streaming' | 'waiting';

export interface PullStats {
  /** The upstream, without credentials. */
  url: string;
  state: PullState;
  /** Connection attempts made after a failure (not counting the first one of each start()). */
  reconnects: number;
  lastError: string | null;
  /** Bytes received from the upstream, inline metadata included. */
  bytes: number;
  /** ms since epoch when the current connection started streaming, null when not streaming. */
  connectedAt: number | null;
}

export interface PullOptions {
  url: string;
  username?: string | null;
  password?: string | null;
  /** Ask for inline ICY metadata (Icy-MetaData: 1) so titles are relayed. */
  icyMetadata: boolean;
  /** More request headers (upstream.ts RequestOptions.headers). */
  headers?: readonly (readonly [string, string])[];
  clock: Clock;
  sink: PullSink;
  /** Connect plus response head, per redirect hop. Default 10 s. */
  connectTimeoutMs?: number;
  /** An upstream silent this long is dropped and reconnected. Default 10 s. */
  idleTimeoutMs?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  log?: RelayLog;
}

export class RelayPull {
  readonly #o: PullOptions;
  readonly #url: URL;
  readonly #credentials: Credentials | null;
  #state: PullState = 'idle';
  #reconnects = 0;
  #failures = 0;
  #lastError: string | null = null;
  #bytes = 0;
  #connectedAt: number | null = null;
  #lastDataAt = 0;
  #lastTitle: string | null = null;
  #attempt: ConnectAttempt | null = null;
  #socket: net.Socket | null = null;
  #target: PullTarget | null = null;
  #timer: Timer | null = null;

  constructor(o: PullOptions) {
    this.#o = o;
    this.#url = new URL(o.url);
    if (this.#url.protocol !== 'http:' && this.#url.protocol !== 'https:') throw new Error(`relay upstream must be http or https: ${redact(this.#url)}`);
    this.#credentials = o.username != null || o.password != null ? { username: o.username ?? '', password: o.password ?? '' } : null;
  }

  get stats(): PullStats {
    return {
      url: redact(this.#url),
      state: this.#state,
      reconnects: this.#reconnects,
      lastError: this.#lastError,
      bytes: this.#bytes,
      connectedAt: this.#connectedAt,
    };
  }

  get state(): PullState {
    return this.#state;
  }

  /** Start pulling (no-op while already running). */
  start(): void {
    if (this.#state !== 'idle') return;
    this.#failures = 0;
    this.#run();
  }

  /** Close the upstream connection and stop retrying; the target ends as at a clean EOF. */
  stop(): void {
    if (this.#state === 'idle') return;
    this.#state = 'idle';
    this.#attempt?.cancel();
    this.#attempt = null;
    this.#close('eof');
  }

  /** Connect, and make sure that even a bug in a sink ends as a retried failure, never a crash. */
  #run(): void {
    this.#connect().catch((e: unknown) => this.#fail(`internal error: ${e instanceof Error ? e.message : String(e)}`));
  }

  async #connect(): Promise<void> {
    this.#state = 'connecting';
    const busy = this.#o.sink.busy?.();
    if (busy) return this.#fail(busy);
    const attempt = connectUpstream(this.#url, {
      credentials: this.#credentials,
      icyMetadata: this.#o.icyMetadata,
      ...(this.#o.headers ? { headers: this.#o.headers } : {}),
      clock: this.#o.clock,
      timeoutMs: this.#o.connectTimeoutMs ?? 10_000,
    });
    this.#attempt = attempt;
    const r = await attempt.result;
    if (this.#attempt !== attempt) return;
    this.#attempt = null;
    if (!r.ok) {
      this.#fail(r.error);
      if (r.status !== undefined) this.#o.sink.refused?.(r.status);
      else this.#o.sink.unreachable?.(r.error);
      return;
    }
    const info = upstreamSourceInfo(r.connection.head, r.connection.socket.remoteAddress ?? '');
    const target = this.#o.sink.start(info);
    if ('refused' in target) {
      r.connection.socket.destroy();
      return this.#fail(`${redact(r.connection.url)}: ${target.refused}`);
    }
    this.#stream(r.connection, target);
  }

  #stream(c: UpstreamConnection, target: PullTarget): void {
    const { socket, head } = c;
    this.#state = 'streaming';
    this.#socket = socket;
    this.#target = target;
    this.#connectedAt = this.#lastDataAt = this.#o.clock.now();
    this.#lastTitle = null;
    this.#o.log?.('info', `relay connected to ${redact(c.url)}`);
    const metaint = sourceMetaint(head);
    const stripper = metaint ? new IcyStripper(metaint) : null;
    const chunked = /chunked/i.test(head.get('transfer-encoding') ?? '') ? new ChunkedDecoder() : null;
    const where = redact(c.url);
    const feed = (data: Buffer): void => {
      if (socket !== this.#socket) return;
      let audio = [data];
      if (stripper) {
        const r = stripper.push(data);
        // Icecast ends a relay on such a block: a wrong metaint turns audio into "metadata".
        if (stripper.malformedBlocks > 0) return this.#fail(`${where}: malformed inline ICY metadata`);
        audio = r.audio;
        for (const title of r.titles) this.#title(title);
      }
      for (const a of audio) {
        if (!target.write(a)) return this.#fail(`${where}: the mount ended the relayed source`);
      }
    };
    const onData = (d: Buffer): void => {
      this.#bytes += d.length;
      this.#lastDataAt = this.#o.clock.now();
      if (!chunked) return feed(d);
      const r = chunked.push(d);
      for (const part of r.data) feed(part);
      if (r.kind === 'error') this.#fail(`${where}: bad chunked body: ${r.message}`);
      else if (r.kind === 'end') this.#fail(`${where}: the upstream ended the stream`, 'eof');
    };
    socket.on('data', onData);
    socket.on('error', (e: NodeJS.ErrnoException) => this.#fail(`${where}: ${e.code ?? e.message}`));
    socket.on('close', () => this.#fail(`${where}: the upstream closed the connection`, 'eof'));
    this.#armIdle();
    if (c.rest.length > 0) onData(c.rest);
    if (this.#socket === socket) socket.resume();
  }

  #title(title: string): void {
    if (title === this.#lastTitle) return;
    this.#lastTitle = title;
    this.#o.sink.title(title);
  }

  #armIdle(): void {
    const idleMs = this.#o.idleTimeoutMs ?? 10_000;
    const socket = this.#socket;
    this.#timer = this.#o.clock.after(idleMs - (this.#o.clock.now() - this.#lastDataAt), () => {
      if (this.#socket !== socket) return;
      if (this.#o.clock.now() - this.#lastDataAt >= idleMs) this.#fail(`${redact(this.#url)}: no data for ${idleMs / 1000} s`, 'timeout');
      else this.#armIdle();
    });
  }

  /** The connection ended or never got going: close it and schedule the next attempt. */
  #fail(error: string, reason: SourceEndReason = 'error'): void {
    if (this.#state === 'idle' || this.#state === 'waiting') return;
    const streamedMs = this.#connectedAt === null ? 0 : this.#o.clock.now() - this.#connectedAt;
    this.#close(reason);
    // A dead upstream fails the same way every 30 s: say so once, not every time.
    if (error !== this.#lastError) this.#o.log?.('warn', `relay: ${error}`);
    this.#lastError = error;
    const d = nextBackoff(this.#failures, streamedMs, (this.#o.random ?? Math.random)(), this.#o.backoff ?? DEFAULT_BACKOFF);
    this.#failures = d.failures;
    this.#state = 'waiting';
    this.#timer = this.#o.clock.after(d.delayMs, () => {
      this.#timer = null;
      if (this.#state !== 'waiting') return;
      this.#reconnects++;
      this.#run();
    });
  }

  #close(reason: SourceEndReason): void {
    this.#timer?.cancel();
    this.#timer = null;
    const socket = this.#socket;
    this.#socket = null;
    socket?.destroy();
    const target = this.#target;
    this.#target = null;
    target?.end(reason);
    this.#connectedAt = null;
  }
}
