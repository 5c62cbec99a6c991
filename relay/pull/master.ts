// Polls a master's /admin/streamlist.txt with the relay credentials every updateInterval seconds
// (Icecast's master-update-interval, default 120 s). A failed poll changes nothing: the mounts
// already mirrored keep being pulled, each with its own reconnect logic.
import http from 'node:http';
import https from 'node:https';
import type { Clock, Timer } from '../../stream/clock.ts';
import type { RelayLog } from '../../stream/log.ts';
import { parseStreamlist } from './streamlist.ts';
import { redact, USER_AGENT } from '../../stream/pull/upstream.ts';

/** A stream list of 1000 mounts of 64 bytes; anything longer is not a stream list. */
const MAX_STREAMLIST_BYTES = 64 * 1024;

export interface MasterOptions {
  /** Base URL of the master, e.g. http://master.example:8000 */
  url: string;
  username: string;
  password: string | null;
  intervalMs: number;
  timeoutMs?: number;
  clock: Clock;
  /** The mounts the master lists now, after each successful poll. */
  onList(mounts: string[]): void;
  log?: RelayLog;
}

export interface MasterStats {
  url: string;
  /** ms since epoch of the last successful poll. */
  lastPoll: number | null;
  lastError: string | null;
  mounts: number;
}

export class MasterPoller {
  readonly #o: MasterOptions;
  readonly #url: URL;
  #timer: Timer | null = null;
  #request: http.ClientRequest | null = null;
  #running = false;
  #stats: MasterStats;

  constructor(o: MasterOptions) {
    this.#o = o;
    this.#url = new URL('/admin/streamlist.txt', o.url);
    this.#stats = { url: redact(this.#url), lastPoll: null, lastError: null, mounts: 0 };
  }

  get stats(): MasterStats {
    return { ...this.#stats };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#poll();
  }

  stop(): void {
    this.#running = false;
    this.#timer?.cancel();
    this.#timer = null;
    this.#request?.destroy();
    this.#request = null;
  }

  #poll(): void {
    this.#fetch((error, text) => {
      this.#request = null;
      if (!this.#running) return;
      if (error !== null) {
        this.#stats.lastError = error;
        this.#o.log?.('warn', `master ${this.#stats.url}: ${error}`);
      } else {
        const list = parseStreamlist(text);
        this.#stats = { ...this.#stats, lastPoll: this.#o.clock.now(), lastError: null, mounts: list.mounts.length };
        if (list.skipped > 0) this.#o.log?.('warn', `master ${this.#stats.url}: skipped ${list.skipped} lines that are not mount names`);
        this.#o.onList(list.mounts);
      }
      this.#timer = this.#o.clock.after(this.#o.intervalMs, () => this.#poll());
    });
  }

  #fetch(done: (error: string | null, text: string) => void): void {
    const timeoutMs = this.#o.timeoutMs ?? 10_000;
    let finished = false;
    const finish = (error: string | null, text = ''): void => {
      if (finished) return;
      finished = true;
      timer.cancel();
      req.destroy();
      done(error, text);
    };
    const timer = this.#o.clock.after(timeoutMs, () => finish(`no answer within ${timeoutMs / 1000} s`));
    const get = this.#url.protocol === 'https:' ? https.get : http.get;
    const token = Buffer.from(`${this.#o.username}:${this.#o.password ?? ''}`, 'utf8').toString('base64');
    const req = get(this.#url, { headers: { authorization: `Basic ${token}`, 'user-agent': USER_AGENT }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        return finish(res.statusCode === 401 ? 'the master refused the relay credentials (401)' : `the master answered ${res.statusCode}`);
      }
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size > MAX_STREAMLIST_BYTES) return finish(`the stream list is longer than ${MAX_STREAMLIST_BYTES} bytes`);
        parts.push(d);
      });
      res.on('end', () => finish(null, Buffer.concat(parts).toString('utf8')));
      res.on('error', (e) => finish(e.message));
    });
    this.#request = req;
    req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  }
}
