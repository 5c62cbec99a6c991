// Edge system-test helpers: a gateway whose relay section (the edge's fan-out settings) is the
// test's to choose, a stream client over TCP or TLS that records what it receives, and a reader of
// ICY-interleaved streams.
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { configSchema } from '../../config/schema.ts';
import { startGateway, type RunningGateway, type StartGatewayOptions } from '../../gateway/start.ts';
import type { Teardown } from './server-harness.ts';

/** A gateway in front of 127.0.0.1:`upstreamPort`; `relay` is merged into gateway.yaml's relay section. */
export async function edgeGateway(
  t: Teardown,
  upstreamPort: number,
  relay: Record<string, unknown> = {},
  edge: StartGatewayOptions['edge'] = {},
): Promise<RunningGateway> {
  const stateDir = await mkdtemp(join(tmpdir(), 'icegate-edge-'));
  const config = configSchema.parse({ stateDir, relay, gateway: { upstream: `http://127.0.0.1:${upstreamPort}` } });
  const gw = await startGateway({ config, host: '127.0.0.1', ports: { listener: 0, listenerTls: 0, source: 0, sourcePlain: null, admin: 0 }, edge });
  t.teardown(async () => {
    await gw.close();
    await rm(stateDir, { recursive: true, force: true });
  });
  return gw;
}

export interface StreamOptions {
  secure?: boolean;
  headers?: Record<string, string>;
}

/** A player: one GET, then everything the server sends, split into head and body. */
export class StreamClient {
  readonly socket: net.Socket;
  readonly closed: Promise<void>;
  #data = Buffer.alloc(0);
  #isClosed = false;
  #wake = new Set<() => void>();

  constructor(port: number, path: string, o: StreamOptions = {}) {
    this.socket = o.secure ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }) : net.connect(port, '127.0.0.1');
    const lines = [`GET ${path} HTTP/1.1`, 'Host: radio.example', 'User-Agent: icegate-test/1.0', ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`)];
    this.socket.once(o.secure ? 'secureConnect' : 'connect', () => this.socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    this.socket.on('data', (d: Buffer) => {
      this.#data = Buffer.concat([this.#data, d]);
      for (const fn of [...this.#wake]) fn();
    });
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.#isClosed = true;
        for (const fn of [...this.#wake]) fn();
        resolve();
      }),
    );
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  get #headEnd(): number {
    const end = this.#data.indexOf('\r\n\r\n');
    return end === -1 ? -1 : end + 4;
  }

  /** The response head, once complete. */
  async head(timeoutMs?: number): Promise<string> {
    await this.#until(() => this.#headEnd !== -1, 'a response head', timeoutMs);
    return this.#data.subarray(0, this.#headEnd).toString('latin1');
  }

  body(): Buffer {
    const end = this.#headEnd;
    return end === -1 ? Buffer.alloc(0) : this.#data.subarray(end);
  }

  /** Resolves with the body once it holds `bytes` bytes in all. */
  async bodyOf(bytes: number, timeoutMs?: number): Promise<Buffer> {
    await this.#until(() => this.body().length >= bytes, `${bytes} body bytes`, timeoutMs);
    return this.body();
  }

  /** Everything, once the server closed the connection. */
  async untilClosed(timeoutMs?: number): Promise<string> {
    await this.#until(() => false, 'the server to close', timeoutMs, true);
    return this.#data.toString('latin1');
  }

  #until(done: () => boolean, what: string, timeoutMs = 15000, closeIsDone = false): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.#wake.delete(check);
        settle();
      };
      const check = (): void => {
        if (done()) finish(resolve);
        else if (this.#isClosed) finish(closeIsDone ? resolve : () => reject(new Error(`closed before ${what}: ${JSON.stringify(this.#data.toString('latin1').slice(0, 200))}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}`))), timeoutMs);
      this.#wake.add(check);
      check();
    });
  }
}

export interface IcyStream {
  audio: Buffer;
  titles: string[];
}

/** Splits a listener's ICY-interleaved body (`metaint` audio bytes, then one block) into audio and the titles of full blocks. */
export function readIcy(body: Buffer, metaint: number): IcyStream {
  const audio: Buffer[] = [];
  const titles: string[] = [];
  let at = 0;
  while (at < body.length) {
    audio.push(body.subarray(at, Math.min(at + metaint, body.length)));
    at += metaint;
    if (at >= body.length) break;
    const length = body[at]! * 16;
    if (at + 1 + length > body.length) break;
    const text = body.subarray(at + 1, at + 1 + length).toString('utf8');
    const m = /StreamTitle='(.*?)';/.exec(text);
    if (m) titles.push(m[1]!);
    at += 1 + length;
  }
  return { audio: Buffer.concat(audio), titles };
}
