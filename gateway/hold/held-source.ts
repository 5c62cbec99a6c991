// An admitted source whose relay may go away (a crash, a restart): the encoder's connection is
// kept whatever happens upstream. Its body passes byte for byte while the first relay connection
// lasts, and runs through the relay's own framer too, which knows the frame boundaries and the
// Ogg header pages; after a break, what goes upstream is the framer's whole frames or Ogg pages.
// When the upstream connection breaks without the relay
// having said why (contracts/source-end.ts), the source is held: the encoder keeps sending into
// a bounded buffer (buffer.ts), the gateway reconnects with a short backoff, sends the source's
// request head again, and continues at a frame boundary — for Ogg with the stream's header pages,
// which a new relay needs before any audio. The encoder never notices. Without a relay for
// gateway.hold.sources seconds the source is let go; a new relay that refuses it (its
// credentials changed, another source took the mount) ends it with the relay's answer.
import net, { type Socket } from 'node:net';
import { createFramer } from '../../stream/formats/index.ts';
import { finalStatus } from '../ports/upstream-status.ts';
import { readSourceEndNotice } from '../../contracts/source-end.ts';
import { HoldBuffer, type HeldChunk } from './buffer.ts';
import { holdBufferBytes, nextRetry, onReconnectAnswer, onUpstreamLost } from './decide.ts';
import type { HoldStats } from './stats.ts';
import { nextSerialMask, reserial } from './ogg-serial.ts';

const OGG_CODECS: ReadonlySet<string> = new Set(['ogg', 'opus', 'vorbis']);

/**
 * The encoder's bytes are gathered this long and forwarded upstream in one write. An encoder
 * writes each frame as it is encoded (ffmpeg: one TLS record per 418-byte MP3 frame at
 * 128 kbit/s, 38 a second); forwarded one by one, each costs a write here and a wakeup, a read
 * and a framer pass in the relay. Gathered for 100 ms they cost a quarter of that (bench/RESULTS.md,
 * "The stack's fixed cost"). The relay stages audio for up to 500 ms before its listeners get it
 * (stream/coalescer.ts), so this moves the live edge back by at most 100 ms.
 */
export const GATHER_MS = 100;

/** How long a client may keep its half open after the source ended. */
const LINGER_MS = 5000;
/**
 * A relay connection that breaks sooner than this after a resume continues the same hold (its
 * time keeps running): a relay that accepts and crashes in a loop must not hold a source forever.
 */
const STABLE_MS = 5000;
/** What is kept of an upstream's answer: the status lines and the end notice come first. */
const ANSWER_BYTES = 16 * 1024;

export interface HoldSettings {
  /** gateway.hold.sources in ms; 0 = never held. */
  readonly sourcesMs: number;
  /** gateway.hold.buffer in seconds. */
  readonly bufferSeconds: number;
  /** gateway.hold.players in ms: also how long an HLS request waits for a restarting relay (forward-hold.ts). */
  readonly playersMs: number;
}

/** What every held source of a gateway shares. */
export interface SourceHoldContext {
  settings(): HoldSettings;
  readonly stats: HoldStats;
  log(level: 'info' | 'warn', message: string): void;
}

export interface HeldSourceOptions {
  /** Paused, with the head already read from it. */
  readonly client: Socket;
  /** Bytes that arrived after the head: the start of the body. */
  readonly rest: Buffer;
  /** The head sent upstream, again after every reconnect. */
  readonly head: Buffer;
  /** The upstream connection, connected, nothing written yet. */
  readonly first: Socket;
  readonly upstream: { readonly host: string; readonly port: number };
  /** For a reconnect: connect plus the answer. */
  readonly connectTimeoutMs: number;
  readonly hold: SourceHoldContext;
  /** The source in log lines: "PUT /live.mp3 from 198.51.100.7". */
  readonly label: string;
  /** The first upstream's final status, once. */
  onStatus(status: number): void;
  /** The client's connection is closed; `error` is its failure, if any. */
  onEnd(error: Error | null): void;
}

/** The Content-Type field of a request head, or null. */
export function headContentType(head: Buffer): string | null {
  const m = /\r\ncontent-type:[ \t]*([^\r\n]*)/i.exec(head.toString('latin1'));
  return m ? m[1]!.trim() : null;
}

/** The mount of a source request head (its request target without a query). */
export function mountOfHead(head: Buffer): string {
  const target = head.toString('latin1').split('\r\n', 1)[0]!.split(' ')[1] ?? '';
  return target.split('?', 1)[0]!.slice(0, 1024);
}

export function runHeldSource(o: HeldSourceOptions): void {
  const { client, hold } = o;
  const framer = createFramer(headContentType(o.head) ?? 'audio/mpeg');
  const buffer = new HoldBuffer(Infinity);
  let generation = -1;
  let headers: Buffer | null = null;
  let state: 'streaming' | 'holding' | 'ended' = 'streaming';
  let up: Socket | null = null;
  let sentHeaders: Buffer | null = null;
  let paused = false;
  /** Since the first break the framer's output goes upstream instead of the bytes as they came. */
  let framed = false;
  /** Ogg: each resume is a new link with new serial numbers (ogg-serial.ts); 0 before the first. */
  let serialMask = 0;
  const startedAt = Date.now();
  let bytesIn = 0;
  let heldAt = 0;
  let resumedAt = -Infinity;
  let failures = 0;
  let dropped = 0;
  let retry: NodeJS.Timeout | null = null;
  let deadline: NodeJS.Timeout | null = null;
  let error: Error | null = null;
  /** The encoder's bytes not forwarded yet (GATHER_MS), and the timer that forwards them. */
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  let gatherTimer: NodeJS.Timeout | null = null;

  const write = (c: HeldChunk): void => {
    const sock = up!;
    const ogg = serialMask !== 0 && OGG_CODECS.has(framer.codec);
    if (c.headers && c.headers !== sentHeaders) {
      sentHeaders = c.headers;
      sock.write(ogg ? reserial(c.headers, serialMask) : c.headers);
    }
    send(sock, ogg ? reserial(c.data, serialMask) : c.data);
  };

  const send = (sock: Socket, data: Buffer): void => {
    if (sock.write(data) || paused) return;
    paused = true;
    client.pause();
    sock.once('drain', () => {
      paused = false;
      client.resume();
    });
  };

  const onData = (d: Buffer): void => {
    if (state === 'streaming') bytesIn += d.length;
    gathered.push(d);
    gatheredBytes += d.length;
    gatherTimer ??= setTimeout(forwardGathered, GATHER_MS);
  };
  const forwardGathered = (): void => {
    gatherTimer = null;
    forward();
  };

  /** What the encoder sent since the last call, upstream (or into the hold buffer) in one piece. */
  const forward = (): void => {
    if (gatherTimer) clearTimeout(gatherTimer);
    gatherTimer = null;
    if (gatheredBytes === 0) return;
    const d = gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered, gatheredBytes);
    gathered = [];
    gatheredBytes = 0;
    if (state === 'ended') return;
    if (!framed && state === 'streaming' && up) send(up, d);
    const chunks = framer.push(d);
    if (framer.headerGeneration() !== generation) {
      generation = framer.headerGeneration();
      headers = framer.headerPages();
    }
    for (const c of chunks) {
      const held: HeldChunk = { data: c.data, sync: c.sync, headers };
      if (state === 'streaming' && up && framed) write(held);
      else if (state === 'holding') buffer.push(held);
    }
    if (buffer.dropped > dropped) {
      hold.stats.dropped(buffer.dropped - dropped);
      dropped = buffer.dropped;
    }
  };

  const clearTimers = (): void => {
    if (retry) clearTimeout(retry);
    if (deadline) clearTimeout(deadline);
    retry = deadline = null;
  };

  /**
   * The source is over: the client gets `answer` (if any) and is closed after a linger, in which
   * an encoder still sending does not keep it open.
   */
  const finish = (answer: Buffer | null): void => {
    if (state === 'ended') return;
    state = 'ended';
    clearTimers();
    forward();
    up?.destroy();
    up = null;
    if (answer) client.write(answer);
    client.end();
    setTimeout(() => client.destroy(), LINGER_MS).unref();
  };

  const endHold = (outcome: 'resumed' | 'released' | 'left'): number => {
    const heldMs = Date.now() - heldAt;
    hold.stats.sourceDone(heldMs, outcome);
    return heldMs;
  };

  const release = (): void => {
    if (state !== 'holding') return;
    const heldMs = endHold('released');
    hold.log('warn', `source ${o.label} released: no relay for ${(heldMs / 1000).toFixed(1)} s (gateway.hold.sources); ${buffer.dropped} bytes dropped meanwhile`);
    finish(null);
    client.destroy();
  };

  const scheduleRetry = (): void => {
    if (state !== 'holding') return;
    const step = nextRetry({ heldMs: Date.now() - heldAt, holdMs: hold.settings().sourcesMs, failures, random: Math.random() });
    if (step.kind === 'release') return release();
    failures = step.failures;
    retry = setTimeout(reconnect, step.delayMs);
  };

  const startHold = (): void => {
    state = 'holding';
    framed = true;
    // What was gathered for the relay that went away is framed into the hold buffer instead.
    forward();
    const now = Date.now();
    const s = hold.settings();
    // Unstable: the hold that just resumed goes on, with the time it had left.
    const left = now - resumedAt < STABLE_MS ? Math.max(0, s.sourcesMs - (resumedAt - heldAt)) : s.sourcesMs;
    heldAt = now - (s.sourcesMs - left);
    failures = 0;
    buffer.setLimit(holdBufferBytes(bytesIn, now - startedAt, s.bufferSeconds));
    hold.stats.sourceHeld();
    hold.log('warn', `source ${o.label} held: its relay connection broke; reconnecting for up to ${s.sourcesMs / 1000} s, the encoder stays connected`);
    if (paused) {
      paused = false;
      client.resume();
    }
    deadline = setTimeout(release, left);
    scheduleRetry();
  };

  /** Wires one upstream connection; `first`: its answer goes to the client (the encoder's 200). */
  const attach = (sock: Socket, first: boolean): void => {
    let seen = Buffer.alloc(0);
    let status: number | null = null;
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => {
      if (seen.length < ANSWER_BYTES) seen = Buffer.concat([seen, d]);
      if (first && state !== 'ended') client.write(d);
      if (status !== null) return;
      const peek = finalStatus(seen);
      if (peek.kind === 'incomplete') return;
      status = peek.kind === 'final' ? peek.status : 0;
      if (first) o.onStatus(status);
      else answered(sock, status, seen);
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      if (sock !== up) return;
      up = null;
      if (state === 'streaming') {
        const notice = readSourceEndNotice(seen);
        if (notice === 'replaced') {
          hold.stats.takenOver(mountOfHead(o.head), Date.now());
          hold.log('info', `source ${o.label} was taken over: silent for relay.limits.takeoverAfter, a new connection with its credentials has the mount; its listeners stay`);
        }
        const lost = onUpstreamLost({ streaming: status === 200, endless: true, notice, holdMs: hold.settings().sourcesMs });
        if (lost === 'hold') startHold();
        else finish(null);
      } else if (state === 'holding') {
        scheduleRetry();
      }
    });
  };

  const answered = (sock: Socket, status: number, seen: Buffer): void => {
    if (sock !== up || state !== 'holding') return;
    const next = onReconnectAnswer(status === 0 ? null : status);
    if (next === 'retry') return void sock.destroy();
    if (next === 'refused') {
      endHold('released');
      hold.log('warn', `source ${o.label} ended: the relay refused it on reconnecting (${seen.toString('latin1').split('\r\n', 1)[0]})`);
      return finish(seen);
    }
    clearTimers();
    state = 'streaming';
    sock.setTimeout(0);
    const chunks = buffer.take();
    const heldMs = endHold('resumed');
    resumedAt = Date.now();
    hold.log('info', `source ${o.label} resumed on the relay after ${(heldMs / 1000).toFixed(1)} s; ${chunks.reduce((n, c) => n + c.data.length, 0)} bytes of held audio sent, ${buffer.dropped} dropped`);
    sentHeaders = null;
    serialMask = nextSerialMask(serialMask);
    for (const c of chunks) write(c);
  };

  const reconnect = (): void => {
    retry = null;
    if (state !== 'holding') return;
    const sock = net.connect({ host: o.upstream.host, port: o.upstream.port });
    up = sock;
    // No answer in time (a relay still starting, a hung one): closed, and tried again.
    sock.setTimeout(o.connectTimeoutMs, () => sock.destroy());
    sock.once('connect', () => sock.write(o.head));
    attach(sock, false);
  };

  client.on('data', onData);
  client.on('error', (e) => {
    error ??= e;
    client.destroy();
  });
  client.once('close', () => {
    // The encoder's last bytes go upstream before the end (or into the hold buffer, then dropped).
    forward();
    if (state === 'holding') endHold('left');
    const wasLive = state !== 'ended';
    state = 'ended';
    clearTimers();
    // A source that disconnects ends its mount upstream (after what it sent got there).
    if (wasLive && up && !up.destroyed) up.end();
    else up?.destroy();
    o.onEnd(error);
  });
  up = o.first;
  attach(o.first, true);
  o.first.write(o.head);
  if (o.rest.length > 0) onData(o.rest);
  client.resume();
}
