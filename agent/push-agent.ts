// `icegate push`'s engine: the encoder (agent/encoder.ts) runs all the time; the connection
// (agent/source-connection.ts) comes and goes, retried forever with backoff (agent/backoff.ts);
// audio produced while not connected, or beyond a few seconds the network cannot take, is
// dropped and counted, never queued, so the studio is live again the moment the link is back.
import type { TLSSocket } from 'node:tls';
import { EventEmitter } from 'node:events';
import type { SourceLink } from '../contracts/source-link.ts';
import { refusedDelay, retryDelay, STABLE_MS } from './backoff.ts';
import type { Encoding } from './encoding.ts';
import { Encoder } from './encoder.ts';
import type { EncoderPlan } from './ffmpeg-args.ts';
import { HOW_TO_GET_FFMPEG } from './ffmpeg-binary.ts';
import { combine, LevelMeter, loudest, type Levels } from './levels.ts';
import { OggPager } from './ogg-pages.ts';
import { SilenceDetector, type SilenceSettings } from './silence.ts';
import { SilenceReporter } from './report-silence.ts';
import { connectSource, type ConnectResult } from './source-connection.ts';
import { StatusMachine, type StatusReport } from './status.ts';

export interface AgentOptions {
  link: SourceLink;
  ffmpeg: string;
  plan: EncoderPlan;
  encoding: Encoding;
  silence: SilenceSettings;
  /** Request headers sent with every connection (ice-name …). */
  headers?: Record<string, string>;
  userAgent: string;
  /** How often a status report is emitted (default 1000 ms, a multiple of TICK_MS). */
  reportMs?: number;
  now?: () => number;
  random?: () => number;
  /** Trusted CAs for a link without pin (tests); default Node's roots. */
  ca?: string | Buffer;
}

export interface AgentEvents {
  /** A report every reportMs, and on each state change. */
  status: [StatusReport];
  /** The latest meter window (for the terminal line). */
  levels: [Levels];
  /** Something worth a log line. */
  log: [string];
  silence: [boolean];
  /** The agent cannot go on: `code` is the exit status the CLI uses. */
  fatal: [{ message: string; code: number }];
}

/** Exit status for a pin mismatch: a systemd unit keeps it from restarting (docs/icegate-push.service). */
export const EXIT_PIN_MISMATCH = 3;

/** An encoder that dies this soon without audio, the first time, has an input that does not open. */
const STARTUP_MS = 5000;
/**
 * One timer for everything periodic, so the agent wakes up 5 times a second and not 11: each
 * tick writes the batched audio and takes a meter window (when PCM came); every reportMs it
 * reports and checks for a stall.
 */
const TICK_MS = 200;
/** A connection with data buffered and no progress this long is dead (sleep, Wi-Fi change). */
const STALL_MS = 10_000;

export class PushAgent extends EventEmitter<AgentEvents> {
  readonly #o: AgentOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #encoder: Encoder;
  readonly #machine: StatusMachine;
  readonly #meter: LevelMeter;
  readonly #silence: SilenceDetector;
  readonly #reporter: SilenceReporter;
  readonly #pager: OggPager | null;
  readonly #maxBuffered: number;
  #socket: TLSSocket | null = null;
  #liveSince = 0;
  #failures = 0;
  #windows: Levels[] = [];
  #sentSinceReport = 0;
  #dropped = 0;
  #everAudio = false;
  #encoderStarts = 0;
  #encoderStartedAt = 0;
  #encoderFailures = 0;
  #lastProgress = { at: 0, written: 0 };
  #outbox: Buffer[] = [];
  #timers = new Set<NodeJS.Timeout>();
  #intervals: NodeJS.Timeout[] = [];
  #stopped = false;

  constructor(o: AgentOptions) {
    super();
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#random = o.random ?? Math.random;
    this.#machine = new StatusMachine(this.#now());
    this.#meter = new LevelMeter(o.encoding.channels);
    this.#silence = new SilenceDetector(o.silence);
    // The server learns of silence from the status reports (docs/push.md#silence-on-the-server).
    this.#reporter = new SilenceReporter({ link: o.link, userAgent: o.userAgent, afterMs: o.silence.afterMs, now: this.#now, log: (line) => this.emit('log', line), ca: o.ca });
    this.on('status', (r) => this.#reporter.observe(r));
    this.#pager = o.encoding.codec === 'opus' ? new OggPager() : null;
    // About 4 s of audio may wait in the socket; beyond that the network is too slow and audio is dropped.
    this.#maxBuffered = Math.max(32_768, o.encoding.bitrate * 125 * 4);
    this.#encoder = new Encoder(o.ffmpeg, o.plan);
    this.#encoder.on('audio', (chunk) => this.#onAudio(chunk));
    this.#encoder.on('pcm', (pcm) => this.#meter.add(pcm));
    this.#encoder.on('exit', (e) => this.#onEncoderExit(e));
    this.#encoder.on('spawnError', ({ program, error }) => this.#onSpawnError(program, error));
  }

  get encoderPids(): number[] {
    return this.#encoder.pids;
  }

  start(): void {
    this.#startEncoder();
    const reportEvery = Math.max(1, Math.round((this.#o.reportMs ?? 1000) / TICK_MS));
    let ticks = 0;
    this.#intervals.push(
      setInterval(() => {
        this.#flush();
        this.#onMeterTick();
        if (++ticks % reportEvery !== 0) return;
        this.#report();
        this.#checkStall();
      }, TICK_MS),
    );
    void this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#reporter.stop();
    for (const t of this.#timers) clearTimeout(t);
    for (const i of this.#intervals) clearInterval(i);
    this.#socket?.destroy();
    this.#socket = null;
    await this.#encoder.stop();
  }

  report(): StatusReport {
    const s = this.#machine.snapshot;
    const levels = combine(this.#windows);
    const elapsed = (this.#o.reportMs ?? 1000) / 1000;
    return {
      state: s.state,
      peakDbfs: levels ? loudest(levels) : null,
      peakDbfsPerChannel: levels?.peakDbfs ?? null,
      rmsDbfsPerChannel: levels?.rmsDbfs ?? null,
      silent: this.#silence.silent,
      reconnects: s.reconnects,
      kbps: Math.round((this.#sentSinceReport * 8) / 1000 / elapsed),
      uptime: s.state === 'live' ? Math.floor((this.#now() - this.#liveSince) / 1000) : 0,
      droppedBytes: this.#dropped,
      reason: s.reason,
      mount: this.#o.link.mount,
    };
  }

  #report(): void {
    const r = this.report();
    this.#windows = [];
    this.#sentSinceReport = 0;
    this.emit('status', r);
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#stopped) fn();
    }, ms);
    this.#timers.add(t);
  }

  // --- the connection ---------------------------------------------------------------------

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.#machine.apply({ type: 'connect' }, this.#now());
    const { link } = this.#o;
    this.emit('log', `connecting to ${link.host}:${link.port}${link.mount}${link.pins.length ? ' (pinned)' : ''}`);
    const result: ConnectResult = await connectSource({
      link,
      contentType: this.#o.plan.contentType,
      headers: this.#o.headers,
      userAgent: this.#o.userAgent,
      ca: this.#o.ca,
    });
    if (this.#stopped) {
      if (result.ok) result.socket.destroy();
      return;
    }
    if (result.ok) return this.#goLive(result.socket);
    if (result.refusal === 'pin') {
      this.#machine.apply({ type: 'refused', reason: result.message, final: true }, this.#now());
      this.#report();
      this.emit('fatal', { message: result.message, code: EXIT_PIN_MISMATCH });
      return;
    }
    if (result.refusal !== null) {
      this.#machine.apply({ type: 'refused', reason: result.message, final: false }, this.#now());
      const delay = refusedDelay(this.#random());
      this.emit('log', `refused: ${result.message} (trying again in ${Math.round(delay / 1000)} s)`);
      this.#report();
      this.#later(delay, () => void this.#connect());
      return;
    }
    this.#retry(result.message);
  }

  #retry(reason: string): void {
    this.#machine.apply({ type: 'failed', reason }, this.#now());
    const delay = retryDelay(this.#failures++, this.#random());
    this.emit('log', `${reason} (trying again in ${(delay / 1000).toFixed(1)} s)`);
    this.#report();
    this.#later(delay, () => void this.#connect());
  }

  #goLive(socket: TLSSocket): void {
    this.#socket = socket;
    this.#liveSince = this.#now();
    this.#lastProgress = { at: this.#now(), written: socket.bytesWritten };
    this.#machine.apply({ type: 'live' }, this.#now());
    this.emit('log', `live on ${this.#o.link.mount}`);
    if (this.#pager) for (const page of this.#pager.headers) socket.write(page);
    socket.on('data', () => {}); // Icecast sends nothing more; reading notices the close.
    const lost = (why: string): void => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#outbox = [];
      socket.destroy();
      if (this.#now() - this.#liveSince >= STABLE_MS) this.#failures = 0;
      if (!this.#stopped) this.#retry(`connection lost: ${why}`);
    };
    socket.on('error', (e) => lost(e.message));
    socket.on('end', () => lost('the server closed it'));
    socket.on('close', () => lost('closed'));
    this.#report();
  }

  #checkStall(): void {
    const socket = this.#socket;
    if (socket === null) return;
    const now = this.#now();
    if (socket.bytesWritten !== this.#lastProgress.written || socket.writableLength === 0) {
      this.#lastProgress = { at: now, written: socket.bytesWritten };
      return;
    }
    if (now - this.#lastProgress.at >= STALL_MS) socket.destroy(new Error(`no data went out for ${STALL_MS / 1000} s`));
  }

  #onAudio(chunk: Buffer): void {
    this.#everAudio = true;
    const pieces = this.#pager ? this.#pager.push(chunk) : [chunk];
    for (const piece of pieces) {
      const socket = this.#socket;
      if (socket === null || socket.writableLength > this.#maxBuffered) {
        this.#dropped += piece.length;
        continue;
      }
      this.#outbox.push(piece);
    }
  }

  /** ffmpeg flushes every frame; one TLS write per tick instead costs far less CPU. */
  #flush(): void {
    if (this.#outbox.length === 0) return;
    const data = this.#outbox.length === 1 ? this.#outbox[0]! : Buffer.concat(this.#outbox);
    this.#outbox = [];
    if (this.#socket === null) {
      this.#dropped += data.length;
      return;
    }
    this.#socket.write(data);
    this.#sentSinceReport += data.length;
  }

  // --- the encoder --------------------------------------------------------------------------

  #startEncoder(): void {
    this.#encoderStarts++;
    this.#encoderStartedAt = this.#now();
    this.#encoder.start();
  }

  #onEncoderExit(e: { code: number | null; signal: string | null; output: string; audioBytes: number; program: string }): void {
    const lastLine = e.output.split('\n').filter(Boolean).pop() ?? `exit status ${e.code ?? e.signal}`;
    if (!this.#everAudio && this.#encoderStarts === 1 && this.#now() - this.#encoderStartedAt < STARTUP_MS) {
      this.emit('fatal', { message: `the input could not be opened: ${lastLine}`, code: 1 });
      return;
    }
    this.#encoderFailures = e.audioBytes > 0 ? 0 : this.#encoderFailures + 1;
    const delay = retryDelay(this.#encoderFailures, this.#random());
    this.emit('log', `the encoder stopped (${lastLine}); starting it again in ${(delay / 1000).toFixed(1)} s`);
    this.#later(delay, () => this.#startEncoder());
  }

  #onSpawnError(program: string, error: NodeJS.ErrnoException): void {
    const message =
      error.code !== 'ENOENT'
        ? `${program} could not be started: ${error.message}`
        : program === this.#o.ffmpeg
          ? `ffmpeg was not found at ${JSON.stringify(program)}: ${HOW_TO_GET_FFMPEG}`
          : `${program} was not found: it records PulseAudio for an ffmpeg without pulse support; install it (Debian: apt-get install pulseaudio-utils), or pass --ffmpeg with an ffmpeg that lists "pulse" in "ffmpeg -devices"`;
    this.emit('fatal', { message, code: 1 });
  }

  // --- levels and silence -------------------------------------------------------------------

  #onMeterTick(): void {
    const levels = this.#meter.take();
    if (levels === null) return;
    this.#windows.push(levels);
    this.emit('levels', levels);
    const change = this.#silence.update(this.#now(), loudest(levels));
    if (change === null) return;
    const silent = change === 'silent';
    const { thresholdDbfs, afterMs } = this.#o.silence;
    this.emit('log', silent ? `SILENCE: the input stayed below ${thresholdDbfs} dBFS for ${afterMs / 1000} s` : 'sound again: the input is above the silence threshold');
    this.emit('silence', silent);
    this.#report();
  }
}
