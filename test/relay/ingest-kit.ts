// Shared by the ingest and SHOUTcast system tests: MP3 with fixed-size frames made by ffmpeg at
// test time, raw socket clients that wait on bytes rather than time, Icecast's error layout for
// exact comparisons, and the "the relay still serves a source and a listener" check.
import net from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';
import { systemClock, type Clock, type Timer } from '../../stream/clock.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { FFMPEG, decode } from '../helpers/ffmpeg.ts';
import { SECRETS } from '../helpers/relay.ts';

const run = promisify(execFile);

/**
 * MPEG-1 Layer III at 128 kbit/s and 48 kHz: 144 × 128000 / 48000 = 384 bytes, never padded. With
 * no ID3 tag and no Xing frame, frame k of the test audio starts at byte 384·k.
 */
export const FRAME_BYTES = 384;

const made = new Map<number, Promise<Buffer>>();

/** `seconds` of a sine as CBR MP3, whole frames only. */
export function mp3(seconds: number): Promise<Buffer> {
  let audio = made.get(seconds);
  if (!audio) {
    const args = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`];
    args.push('-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k', '-id3v2_version', '0', '-write_xing', '0', '-f', 'mp3', '-');
    audio = run(FFMPEG, args, { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 }).then(({ stdout }) => stdout);
    made.set(seconds, audio);
  }
  return audio;
}

export const SOURCE_AUTH = `Basic ${Buffer.from(`source:${SECRETS.sourcePassword}`).toString('base64')}`;

/** A source request head; `lines` are header lines without CRLF. */
export function sourceHead(requestLine: string, lines: readonly string[]): string {
  return [requestLine, ...lines, '', ''].join('\r\n');
}

/** A PUT the relay accepts: Basic auth, Content-Type audio/mpeg, plus `extra` lines. */
export function goodPut(mount: string, extra: readonly string[] = []): string {
  return sourceHead(`PUT ${mount} HTTP/1.1`, ['Host: 127.0.0.1', `Authorization: ${SOURCE_AUTH}`, 'Content-Type: audio/mpeg', ...extra]);
}

export const SOURCE_OK = 'HTTP/1.0 200 OK\r\n\r\n';

/**
 * An Icecast 2.4.4 error reply (docs/icecast-compatibility.md#error-replies) with the Date line as "Date: *";
 * compare with masked(). `authLines` follow Content-Type, where Icecast puts WWW-Authenticate.
 */
export function errorReply(statusLine: string, body: string, o: { html?: boolean; authLines?: readonly string[] } = {}): string {
  const type = o.html ? 'text/html' : 'text/plain';
  const head = ['Server: Icecast 2.4.4', 'Connection: Close', 'Date: *', `Content-Type: ${type}; charset=utf-8`, ...(o.authLines ?? [])];
  head.push('Cache-Control: no-cache, no-store', 'Expires: Mon, 26 Jul 1997 05:00:00 GMT', 'Pragma: no-cache', 'Access-Control-Allow-Origin: *');
  return [statusLine, ...head, '', body].join('\r\n');
}

export const SOURCE_401 = errorReply('HTTP/1.0 401 Authentication Required', 'You need to authenticate\r\n', {
  authLines: ['WWW-Authenticate: Basic realm="Icecast2 Server"', 'Allow: GET, PUT, OPTIONS, SOURCE'],
});

/** The reply as text with its one IMF-fixdate Date line (RFC 9110 §5.6.7) replaced by "Date: *". */
export function masked(reply: Buffer): string {
  return reply.toString('latin1').replace(/\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n/, '\r\nDate: *\r\n');
}

/** A raw TCP client that records everything it receives. */
export class RawClient {
  readonly socket: net.Socket;
  readonly closed: Promise<void>;
  #parts: Buffer[] = [];
  #length = 0;
  #isClosed = false;
  #wake = new Set<() => void>();

  constructor(port: number, first?: string | Buffer) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('data', (d: Buffer) => {
      this.#parts.push(d);
      this.#length += d.length;
      for (const fn of this.#wake) fn();
    });
    // A reset is one way for the relay to hang up; 'close' follows and is what tests wait for.
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.#isClosed = true;
        for (const fn of this.#wake) fn();
        resolve();
      }),
    );
    if (first !== undefined) this.socket.write(first);
  }

  get received(): Buffer {
    if (this.#parts.length > 1) this.#parts = [Buffer.concat(this.#parts)];
    return this.#parts[0] ?? Buffer.alloc(0);
  }

  get length(): number {
    return this.#length;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Resolves once `done` holds for what was received; rejects if the connection closes first. */
  waitFor(done: (received: Buffer) => boolean, what: string, timeoutMs = 15000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done(this.received)) finish(() => resolve(this.received));
        else if (this.#isClosed) finish(() => reject(new Error(`closed before ${what}; got ${JSON.stringify(this.received.toString('latin1').slice(0, 300))}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}`))), timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.#wake.delete(check);
        settle();
      };
      this.#wake.add(check);
      check();
    });
  }

  /** Resolves once `total` bytes were received in all, or rejects. */
  waitForBytes(total: number, what = `${total} bytes`, timeoutMs?: number): Promise<Buffer> {
    return this.waitFor((b) => b.length >= total, what, timeoutMs);
  }

  /** Everything received until the peer closes the connection. */
  async untilClosed(timeoutMs = 15000): Promise<Buffer> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the connection stayed open')), timeoutMs)));
    try {
      await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return this.received;
  }
}

/** A source that was answered with the bare 200. */
export async function openSource(port: number, mount: string, extra: readonly string[] = []): Promise<RawClient> {
  const source = new RawClient(port, goodPut(mount, extra));
  await source.waitFor((b) => b.length >= SOURCE_OK.length, 'the source 200');
  if (source.received.toString('latin1') !== SOURCE_OK) throw new Error(`source refused: ${source.received.toString('latin1')}`);
  return source;
}

/** A listener on a mount whose response head has arrived; `body()` is what followed it. */
export class StreamClient extends RawClient {
  constructor(port: number, mount: string) {
    super(port, `GET ${mount} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: icegate-test/1.0\r\n\r\n`);
  }

  get headLength(): number {
    const end = this.received.indexOf('\r\n\r\n');
    return end === -1 ? -1 : end + 4;
  }

  head(): Promise<string> {
    return this.waitFor(() => this.headLength !== -1, 'the response head').then((b) => b.subarray(0, this.headLength).toString('latin1'));
  }

  body(): Buffer {
    return this.headLength === -1 ? Buffer.alloc(0) : this.received.subarray(this.headLength);
  }

  waitForBody(bytes: number, timeoutMs?: number): Promise<Buffer> {
    return this.waitFor(() => this.body().length >= bytes, `${bytes} body bytes`, timeoutMs).then(() => this.body());
  }
}

export async function openStream(port: number, mount: string): Promise<StreamClient> {
  const listener = new StreamClient(port, mount);
  const head = await listener.head();
  if (!head.startsWith('HTTP/1.0 200 OK\r\n')) throw new Error(`listener refused: ${head}`);
  return listener;
}

/**
 * The relay still works: a new source and a listener on a fresh mount, and the listener receives
 * the source's audio byte for byte, decodable.
 */
export async function servesNormally(t: ExecutionContext, relay: RunningRelay, mount = '/still-serving'): Promise<void> {
  const audio = await mp3(1);
  const source = await openSource(relay.port(), mount);
  const listener = await openStream(relay.port(), mount);
  try {
    source.socket.write(audio);
    const body = await listener.waitForBody(audio.length);
    t.true(body.equals(audio), 'the listener receives the source bytes unchanged');
    const decoded = await decode(body, 'mp3');
    t.true(decoded.ok, decoded.errors);
  } finally {
    source.socket.destroy();
    listener.socket.destroy();
  }
}

/** Real timers, but now() can be moved ahead: a source looks idle without the test waiting. */
export class SkewedClock implements Clock {
  #skew = 0;
  now(): number {
    return Date.now() + this.#skew;
  }
  after(ms: number, fn: () => void): Timer {
    return systemClock.after(ms, fn);
  }
  skip(ms: number): void {
    this.#skew += ms;
  }
}
