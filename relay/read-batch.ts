// Reading a source socket in batches. An encoder such as ffmpeg writes each MP3 frame as it is
// encoded: 38 writes a second at 128 kbit/s, and reading each one wakes the relay 38 times a
// second to frame, stage and coalesce 418 bytes (bench/RESULTS.md, "The source's fixed cost").
// Listeners get that audio only when the mount's coalescer publishes it (stream/coalescer.ts:
// after CHUNK_MAX_DELAY_MS, or once CHUNK_TARGET bytes are staged), so the relay can leave the
// bytes in the socket's receive buffer until then, read them in one go and publish at once: the
// same audio reaches listeners at the same moments, from 2 wake-ups a second instead of 38.
//
// What else reads the audio as it arrives says how long it may wait (`addReadDeadline`): the HLS
// packager cuts a segment at the frame that would take it past the target duration, so it asks
// to read continuously from shortly before that frame is due; the segment is then cut as early as
// when every frame was read as it came.
import type { Socket } from 'node:net';
import type { Clock, Timer } from '../stream/clock.ts';
import { CHUNK_MAX_DELAY_MS, CHUNK_TARGET } from '../stream/coalescer.ts';
import type { Mount, SourceHandle } from '../stream/mount.ts';

/** Below this wait the socket is read as data comes: a pause would save nothing. */
export const MIN_BATCH_MS = 60;
/**
 * A read more than this after the previous one followed a silence (or the start): its interval
 * says nothing about the rate, so the socket is read as data comes until the next read does.
 */
const RATE_GAP_MS = CHUNK_MAX_DELAY_MS + 250;

/** The libuv stream under a net.Socket (Node's lib/net.js uses the same two calls to pause one). */
interface StreamHandle {
  reading: boolean;
  readStop(): number;
  readStart(): number;
}

function handleOf(socket: Socket): StreamHandle | null {
  const h = (socket as unknown as { _handle?: Partial<StreamHandle> | null })._handle;
  return h && typeof h.readStop === 'function' && typeof h.readStart === 'function' && typeof h.reading === 'boolean' ? (h as StreamHandle) : null;
}

/** Sockets whose reading is stopped until their next batch. */
const held = new WeakSet<Socket>();
const wrapped = new WeakSet<Socket>();

/**
 * A paused stream still asks for more (Readable's maybeReadMore calls _read, which starts the
 * handle again): while held, the socket's own _read does nothing.
 */
function holdRead(socket: Socket): void {
  if (wrapped.has(socket)) return;
  wrapped.add(socket);
  const s = socket as unknown as { _read(n: number): void };
  const read = s._read;
  s._read = function (this: unknown, n: number) {
    if (!held.has(socket)) read.call(this, n);
  };
}

/**
 * Stops reading the socket itself, so the bytes stay in the kernel: socket.pause() alone only
 * stops the 'data' events, and Node goes on reading (one read per packet) into the stream's
 * buffer up to its high-water mark. This is what Node's own pause() does for a socket created
 * with `onread` (lib/net.js). False when the handle is not there (the socket is then read on).
 */
function stopReading(socket: Socket): boolean {
  const h = handleOf(socket);
  if (h === null) return false;
  holdRead(socket);
  held.add(socket);
  socket.pause();
  if (h.reading) {
    h.reading = false;
    if (h.readStop() !== 0) {
      socket.destroy();
      return false;
    }
  }
  return true;
}

function startReading(socket: Socket): void {
  held.delete(socket);
  const h = handleOf(socket);
  if (h !== null && !h.reading) {
    h.reading = true;
    if (h.readStart() !== 0) return void socket.destroy();
  }
  socket.resume();
}

/** ms until something on the mount needs the audio read; Infinity when nothing waits. */
type Deadline = () => number;
const deadlines = new WeakMap<Mount, Set<Deadline>>();

/** Registers what a consumer of the mount's audio may wait at most; returns the unregistration. */
export function addReadDeadline(mount: Mount, deadline: Deadline): () => void {
  let set = deadlines.get(mount);
  if (!set) deadlines.set(mount, (set = new Set()));
  set.add(deadline);
  return () => set.delete(deadline);
}

function readDeadlineMs(mount: Mount): number {
  let ms = Infinity;
  for (const d of deadlines.get(mount) ?? []) ms = Math.min(ms, d());
  return ms;
}

export interface BatchInput {
  /** Bytes the last read returned. */
  bytes: number;
  /** ms since the read before it. */
  sinceMs: number;
  /** What the mount's other readers allow (addReadDeadline), ms. */
  deadlineMs: number;
  /** The mount's coalescing limit, ms (0: it publishes every chunk as it comes). */
  maxDelayMs: number;
  /** ms until the coalescer's timer publishes what is staged; Infinity when nothing is. */
  stagedMs: number;
  /** The audio's own bitrate, from its frames, kbit/s; null when not known. */
  audioKbps: number | null;
}

export interface BatchPlan {
  /** How long to leave the socket unread, ms; 0 = read on as data comes. */
  delayMs: number;
  /** The next read is when the coalescer would publish: it publishes what it read at once. */
  publish: boolean;
}

/** A read may bring audio this many times faster than it plays and still count as real time. */
const REAL_TIME_SLACK = 1.5;

/** A batch is about one coalesced chunk; a read of more than two is not a source in real time. */
export const MAX_BATCH_BYTES = 2 * CHUNK_TARGET;

/** A read planned for the coalescer's own deadline comes this much before it, not after. */
const EARLY_MS = 10;

/**
 * After a read: the wait is at most what the coalescer would hold audio at this rate (its size
 * target reached, else its delay, else the deadline of audio staged already), and what the
 * mount's other readers allow. A read that comes for another reader (an HLS cut) does not publish:
 * one more, smaller chunk per listener would be one more write each. Pure.
 */
export function batchPlan(i: BatchInput): BatchPlan {
  const on: BatchPlan = { delayMs: 0, publish: false };
  if (i.maxDelayMs <= 0 || i.bytes <= 0 || !(i.sinceMs > 0) || i.sinceMs > RATE_GAP_MS) return on;
  // More than a batch holds at most: the source is ahead (a file sent as fast as it goes, a
  // backlog after a stall), and a pause would only let more pile up in the kernel.
  if (i.bytes > MAX_BATCH_BYTES) return on;
  const rate = i.bytes / i.sinceMs;
  // Only a source in real time: arriving no faster than its audio plays (bytes a ms = kbit/s ÷ 8),
  // with room for a network's jitter. Unknown (no frames measured): read on.
  if (i.audioKbps === null || !(i.audioKbps > 0) || rate > (REAL_TIME_SLACK * i.audioKbps) / 8) return on;
  const publishMs = Math.min(i.maxDelayMs, CHUNK_TARGET / rate, i.stagedMs - EARLY_MS);
  const delay = Math.min(publishMs, i.deadlineMs);
  return delay >= MIN_BATCH_MS ? { delayMs: Math.floor(delay), publish: publishMs <= i.deadlineMs } : on;
}

/** How long a new source waits, at most, for a held connection's end to be read (wakeHeldSource), ms. */
export const WAKE_MS = 100;
const wakers = new WeakMap<Mount, () => Promise<void> | null>();

/**
 * While a source's socket is left unread (a batch), its encoder's end is not seen either: the
 * kernel holds the FIN behind the unread bytes. An encoder that reconnects at once would find its
 * mount still live and be refused (stream/takeover.ts). So before another source is admitted on a
 * mount, the held socket is read at once; this resolves when that connection closed or after
 * WAKE_MS, whichever comes first; null when nothing on the mount is held (decide now).
 */
export function wakeHeldSource(mount: Mount | undefined): Promise<void> | null {
  return mount ? (wakers.get(mount)?.() ?? null) : null;
}

/**
 * Feeds `input` from the socket in batches (above) and publishes each batch on the handle's mount
 * as it is read. Every byte is still read, in order; only when changes. The source's idle time
 * (timeout, takeover) counts from the read that brought its last bytes: at most one batch after
 * they arrived, so neither ever comes sooner than before; a pause only follows a read that
 * brought data, so a streaming source never looks idle for longer than one batch (< 1 s, the
 * least either setting allows).
 */
export function readInBatches(socket: Socket, handle: SourceHandle, clock: Clock, input: (d: Buffer) => void): void {
  const { mount } = handle;
  let lastReadAt = -Infinity;
  let publish = false;
  let timer: Timer | null = null;
  /** Woken (wakeHeldSource): read on, so an end behind the bytes still unread is seen. */
  let awake = false;
  socket.on('data', (d: Buffer) => {
    const now = clock.now();
    input(d);
    // Audio read when the coalescer would publish goes out now, as its timer would have sent it.
    if (publish && handle.active) mount.flush();
    const pace = mount.pacing;
    const plan = batchPlan({ bytes: d.length, sinceMs: now - lastReadAt, deadlineMs: readDeadlineMs(mount), maxDelayMs: pace.coalesceMs, stagedMs: pace.publishDueInMs, audioKbps: pace.measuredKbps });
    const delay = plan.delayMs;
    lastReadAt = now;
    publish = plan.publish;
    if (delay <= 0 || awake || !handle.active || socket.destroyed) return;
    if (!stopReading(socket)) return;
    timer = clock.after(delay, () => {
      timer = null;
      if (!socket.destroyed) startReading(socket);
    });
  });
  const wake = (): Promise<void> | null => {
    if (timer === null || socket.destroyed || !handle.active) return null;
    timer.cancel();
    timer = null;
    awake = true;
    startReading(socket);
    return new Promise((resolve) => {
      const done = (): void => {
        awake = false;
        wait.cancel();
        socket.off('close', done);
        resolve();
      };
      const wait = clock.after(WAKE_MS, done);
      socket.once('close', done);
    });
  };
  wakers.set(mount, wake);
  socket.once('close', () => {
    timer?.cancel();
    timer = null;
    if (wakers.get(mount) === wake) wakers.delete(mount);
  });
}
