// A stand-in for the supervisor's control API (contracts/control-api.ts) on a unix socket in a
// temporary directory: scripted snapshots pushed over SSE, listeners and logs pages, and every
// action recorded. It can go away and come back on the same path, as a restarted supervisor does.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionResult, ListenersPage, LogPage, StateSnapshot } from '../../contracts/control-api.ts';
import { listenersPage, logPage, snapshot } from './fixtures.ts';
import { FakeLinks } from './links-fake.ts';
import { FakeUsers } from './users-fake.ts';

export interface RecordedAction {
  method: string;
  path: string;
  body: unknown;
  user: string | undefined;
}

export class FakeControl {
  snapshot: StateSnapshot = snapshot();
  readonly listeners = new Map<string, ListenersPage>([['/live.mp3', listenersPage()]]);
  readonly logs = new Map<string, LogPage>([
    ['relay', logPage('relay')],
    ['gateway', logPage('gateway')],
  ]);
  readonly actions: RecordedAction[] = [];
  /** Links (contracts/links.ts): GET, POST and DELETE under /v1/links answer from here. */
  readonly links = new FakeLinks(() => this.snapshot.mounts.map((m) => m.mount));
  /** Listener users (contracts/listener-users.ts): GET, POST and DELETE under /v1/listener-users answer from here. */
  readonly users = new FakeUsers(() => this.snapshot.mounts.map((m) => m.mount));
  /** What an action answers. */
  answer: (action: RecordedAction) => { status: number; result: ActionResult } = (a) => ({ status: 200, result: { ok: true, message: `done: ${a.method} ${a.path}` } });
  readonly #streams = new Set<ServerResponse>();
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;

  private constructor(
    readonly dir: string,
    readonly socketPath: string,
  ) {}

  static async start(): Promise<FakeControl> {
    const dir = await mkdtemp(join(tmpdir(), 'icegate-tui-'));
    const fake = new FakeControl(dir, join(dir, 'control.sock'));
    await fake.comeBack();
    return fake;
  }

  /** A new snapshot (seq + 1) to every event stream. */
  push(change: (s: StateSnapshot) => StateSnapshot): void {
    this.snapshot = { ...change(this.snapshot), seq: this.snapshot.seq + 1 };
    for (const res of this.#streams) this.#send(res);
  }

  get streams(): number {
    return this.#streams.size;
  }

  /** The supervisor stops: the socket disappears and every connection is cut. */
  async goAway(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of this.#sockets) socket.destroy();
    this.#streams.clear();
    await closed;
  }

  async comeBack(): Promise<void> {
    const server = createServer((req, res) => this.#handle(req, res));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, resolve);
    });
    this.#server = server;
  }

  async close(): Promise<void> {
    await this.goAway();
    await rm(this.dir, { recursive: true, force: true });
  }

  #send(res: ServerResponse): void {
    res.write(`event: snapshot\nid: ${this.snapshot.seq}\ndata: ${JSON.stringify(this.snapshot)}\n\n`);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://control');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET') {
      if (url.pathname === '/v1/state') return json(200, this.snapshot);
      if (url.pathname === '/v1/links') return json(200, this.links.page());
      if (url.pathname === '/v1/listener-users') return json(200, this.users.page());
      if (url.pathname === '/v1/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write(': hello\n\n');
        this.#streams.add(res);
        res.on('close', () => this.#streams.delete(res));
        this.#send(res);
        return;
      }
      const listeners = /^\/v1\/mounts\/([^/]+)\/listeners$/.exec(url.pathname);
      if (listeners !== null) {
        const page = this.listeners.get(decodeURIComponent(listeners[1]!)) ?? { mount: decodeURIComponent(listeners[1]!), total: 0, listeners: [] };
        return json(200, page);
      }
      const logs = /^\/v1\/components\/([^/]+)\/logs$/.exec(url.pathname);
      if (logs !== null) {
        const page = this.logs.get(decodeURIComponent(logs[1]!));
        return page === undefined ? json(404, { ok: false, error: { code: 'not-found', message: 'no such component' } }) : json(200, page);
      }
      return json(404, { ok: false, error: { code: 'not-found', message: 'not found' } });
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['x-icegate-user'];
      const action = { method: req.method ?? '', path: url.pathname, body: text === '' ? null : (JSON.parse(text) as unknown), user: Array.isArray(header) ? header[0] : header };
      this.actions.push(action);
      const { status, result } = this.links.answer(action.method, action.path, action.body) ?? this.users.answer(action.method, action.path, action.body) ?? this.answer(action);
      json(status, result);
    });
  }
}

/** Resolves when `predicate` holds, checking every 25 ms; throws after `timeoutMs`. */
export async function eventually<T>(probe: () => T | null | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
