// The control API (contracts/control-api.ts): HTTP/1.1 and JSON on a unix socket in a private
// directory (0750 directory, 0660 socket: unix(7), connecting needs write permission on the socket), routes in one table,
// bodies capped, every error a JSON ActionResult with a code from errors.ts, and Server-Sent
// Events for snapshots — at most once a second, to a bounded number of clients, and a client
// that reads slowly is sent the newest snapshot when it drains instead of a growing backlog.
import { chmod, mkdir, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { ActionResult, ListenersPage, LogPage, StateSnapshot } from '../contracts/control-api.ts';
import { CONTROL_ERRORS, ControlError, type ControlErrorCode } from './errors.ts';
import type { LinkResult, LinksPage, LinkView } from '../contracts/links.ts';
import type { ListenerUserResult, ListenerUsersFile, ListenerUsersPage } from '../contracts/listener-users.ts';

export interface ControlBackend {
  snapshot(): StateSnapshot;
  /** Called whenever something in the snapshot changed; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** An event-stream client watches: what only a watcher sees (host metrics) is sampled until the returned release. */
  watch?(): () => void;
  readOnly(): boolean;
  listeners(mount: string): Promise<ListenersPage>;
  logs(component: string, tail: number): LogPage;
  component(name: string, action: 'restart' | 'stop' | 'start'): Promise<string>;
  killSource(mount: string): Promise<string>;
  kick(mount: string, id: number): Promise<string>;
  metadata(mount: string, title: string): Promise<string>;
  ban(ip: string, seconds: number | null): Promise<string>;
  unban(ip: string): Promise<string>;
  reload(): Promise<string>;
  /** Answer first, then stop everything. */
  stop(): Promise<string>;
  audit(entry: { user: string; action: string; target: string; ok: boolean; message: string }): void;
  /** The operator's links (contracts/links.ts); without it the link routes are 404 not-found. */
  links?: LinksBackend;
  /** The listener users of the htpasswd mounts (contracts/listener-users.ts); without it their routes are 404 not-found. */
  listenerUsers?: ListenerUsersBackend;
}

export interface ListenerUsersBackend {
  list(): Promise<ListenerUsersFile[]>;
  /** The POST /v1/listener-users body, checked by the backend. */
  set(body: Record<string, unknown>): Promise<ListenerUserResult>;
  remove(mount: string, name: string): Promise<ListenerUserResult>;
}

export interface LinksBackend {
  /** The POST /v1/links body, checked by the backend (400 bad-request when wrong). */
  create(body: Record<string, unknown>): Promise<LinkView>;
  list(): Promise<LinkView[]>;
  revoke(id: string): Promise<LinkView>;
}

export interface ControlServerOptions {
  maxBodyBytes?: number;
  maxEventClients?: number;
  /** Snapshots on the event stream are at least this far apart. */
  eventIntervalMs?: number;
  pingIntervalMs?: number;
}

interface Request {
  req: IncomingMessage;
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
}

/** An action's answer: its message (audit log), or a reply of its own shape (contracts/links.ts) with one, and its status (default 200). */
type Reply = string | { message: string; target: string; body: unknown; status?: number };
type Handler = (r: Request) => Promise<Reply> | Reply;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: RegExp;
  /** The action's name in the audit log; GETs have none. */
  action?: string;
  handler: Handler;
}

const SEGMENT = '([^/]+)';

export class ControlServer {
  readonly server: Server;
  readonly #backend: ControlBackend;
  readonly #o: Required<ControlServerOptions>;
  readonly #events = new Set<EventClient>();

  constructor(backend: ControlBackend, options: ControlServerOptions = {}) {
    this.#backend = backend;
    this.#o = { maxBodyBytes: 16 * 1024, maxEventClients: 16, eventIntervalMs: 1000, pingIntervalMs: 15_000, ...options };
    this.server = createServer((req, res) => void this.#handle(req, res));
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  readonly #routes: Route[] = [
    { method: 'POST', path: re`/v1/components/${SEGMENT}/(restart|stop|start)`, action: 'component', handler: (r) => this.#backend.component(r.params[0]!, r.params[1] as 'restart') },
    { method: 'POST', path: re`/v1/mounts/${SEGMENT}/kill-source`, action: 'kill-source', handler: (r) => this.#backend.killSource(r.params[0]!) },
    { method: 'POST', path: re`/v1/mounts/${SEGMENT}/listeners/(\d{1,15})/kick`, action: 'kick', handler: (r) => this.#backend.kick(r.params[0]!, Number(r.params[1])) },
    { method: 'POST', path: re`/v1/mounts/${SEGMENT}/metadata`, action: 'metadata', handler: (r) => this.#backend.metadata(r.params[0]!, text(r.body, 'title', 4096)) },
    { method: 'POST', path: re`/v1/bans`, action: 'ban', handler: (r) => this.#backend.ban(text(r.body, 'ip', 64), seconds(r.body)) },
    { method: 'DELETE', path: re`/v1/bans/${SEGMENT}`, action: 'unban', handler: (r) => this.#backend.unban(r.params[0]!) },
    { method: 'POST', path: re`/v1/reload`, action: 'reload', handler: () => this.#backend.reload() },
    { method: 'POST', path: re`/v1/stop`, action: 'stop', handler: () => this.#backend.stop() },
    { method: 'POST', path: re`/v1/links`, action: 'link-create', handler: async (r) => linkReply('made', await this.#links().create(r.body)) },
    { method: 'DELETE', path: re`/v1/links/${SEGMENT}`, action: 'link-revoke', handler: async (r) => linkReply('revoked', await this.#links().revoke(r.params[0]!)) },
    { method: 'POST', path: re`/v1/listener-users`, action: 'listener-user-set', handler: async (r) => userReply(await this.#users().set(r.body)) },
    { method: 'DELETE', path: re`/v1/listener-users/${SEGMENT}/${SEGMENT}`, action: 'listener-user-delete', handler: async (r) => userReply(await this.#users().remove(r.params[0]!, r.params[1]!)) },
  ];

  #links(): LinksBackend {
    if (!this.#backend.links) throw new ControlError('not-found');
    return this.#backend.links;
  }

  #users(): ListenerUsersBackend {
    if (!this.#backend.listenerUsers) throw new ControlError('not-found');
    return this.#backend.listenerUsers;
  }

  /** Creates the private directory, replaces a stale socket, listens, and makes the socket 0660. */
  async listen(socketPath: string): Promise<void> {
    await mkdir(dirname(socketPath), { recursive: true, mode: 0o750 });
    await chmod(dirname(socketPath), 0o750);
    if (await answers(socketPath)) throw new ControlError('already-started', `its control socket ${socketPath} answers; stop it first with "icegate stop"`);
    await unlink(socketPath).catch(() => {}); // a stale socket of a run that crashed
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    await chmod(socketPath, 0o660);
    this.#backend.subscribe(() => {
      for (const client of this.#events) client.changed();
    });
  }

  async close(): Promise<void> {
    for (const client of this.#events) client.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://control');
    const path = url.pathname;
    try {
      if (req.method === 'GET') return await this.#get(req, res, path, url.searchParams);
      const route = this.#routes.find((r) => r.method === req.method && r.path.test(path));
      if (!route) throw new ControlError('not-found');
      const params = (route.path.exec(path) ?? []).slice(1).map(decode);
      const user = String(req.headers['x-icegate-user'] ?? 'unknown');
      let target = params[0] ?? '';
      const action = route.action === 'component' ? (params[1] ?? 'component') : (route.action ?? path);
      try {
        const body = await readBody(req, this.#o.maxBodyBytes);
        // A refused POST names its mount in the audit log too (never another field: a password is one).
        if (target === '' && typeof body.mount === 'string') target = body.mount;
        if (this.#backend.readOnly()) throw new ControlError('read-only');
        const reply = await route.handler({ req, params, query: url.searchParams, body });
        const message = typeof reply === 'string' ? reply : reply.message;
        const named = typeof reply === 'string' ? target : reply.target;
        this.#backend.audit({ user, action, target: named || (typeof body.ip === 'string' ? body.ip : ''), ok: true, message });
        sendJson(res, typeof reply === 'string' ? 200 : (reply.status ?? 200), typeof reply === 'string' ? ({ ok: true, message, snapshot: this.#backend.snapshot() } satisfies ActionResult) : reply.body);
      } catch (error) {
        const e = asControlError(error);
        this.#backend.audit({ user, action, target, ok: false, message: e.message });
        throw e;
      }
    } catch (error) {
      const e = asControlError(error);
      if (!res.headersSent) sendJson(res, e.status, { ok: false, error: { code: e.code, message: e.message, ...(e.refusal ? { refusal: e.refusal } : {}) } } satisfies ActionResult);
      else res.destroy();
    }
  }

  async #get(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    if (path === '/v1/state') return sendJson(res, 200, this.#backend.snapshot());
    if (path === '/v1/events') return this.#subscribe(req, res);
    if (path === '/v1/links') return sendJson(res, 200, { links: await this.#links().list() } satisfies LinksPage);
    if (path === '/v1/listener-users') return sendJson(res, 200, { files: await this.#users().list() } satisfies ListenerUsersPage);
    let m = re`/v1/mounts/${SEGMENT}/listeners`.exec(path);
    if (m) return sendJson(res, 200, await this.#backend.listeners(decode(m[1]!)));
    m = re`/v1/components/${SEGMENT}/logs`.exec(path);
    if (m) {
      const tailText = query.get('tail') ?? '200';
      if (!/^\d{1,4}$/.test(tailText) || Number(tailText) > 2000) throw new ControlError('bad-request', 'tail must be 0-2000');
      return sendJson(res, 200, this.#backend.logs(decode(m[1]!), Number(tailText)));
    }
    throw new ControlError('not-found');
  }

  #subscribe(req: IncomingMessage, res: ServerResponse): void {
    if (this.#events.size >= this.#o.maxEventClients) throw new ControlError('too-many-clients');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    const client = new EventClient(res, () => this.#backend.snapshot(), this.#o.eventIntervalMs, this.#o.pingIntervalMs);
    this.#events.add(client);
    const release = this.#backend.watch?.() ?? (() => {});
    req.socket.on('close', () => {
      client.end();
      this.#events.delete(client);
      release();
    });
    client.changed();
  }
}

/** One event-stream client: the newest snapshot, when the last one is a second old and it has drained. */
class EventClient {
  #lastSent = 0;
  #lastSeq = -1;
  #timer: NodeJS.Timeout | null = null;
  #blocked = false;
  #dirty = false;
  readonly #ping: NodeJS.Timeout;

  constructor(
    readonly res: ServerResponse,
    readonly snapshot: () => StateSnapshot,
    readonly intervalMs: number,
    pingMs: number,
  ) {
    this.#ping = setInterval(() => {
      if (!this.#blocked) this.res.write(': ping\n\n');
    }, pingMs);
    res.on('drain', () => {
      this.#blocked = false;
      if (this.#dirty) this.changed();
    });
  }

  changed(): void {
    this.#dirty = true;
    if (this.#blocked || this.#timer !== null) return;
    const wait = Math.max(0, this.#lastSent + this.intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#send();
    }, wait);
  }

  #send(): void {
    if (this.#blocked || this.res.destroyed) return;
    this.#dirty = false;
    this.#lastSent = Date.now();
    const s = this.snapshot();
    if (s.seq === this.#lastSeq) return;
    this.#lastSeq = s.seq;
    // Backpressure: nothing more is queued until this one is out (write() returned false).
    this.#blocked = !this.res.write(`event: snapshot\nid: ${s.seq}\ndata: ${JSON.stringify(s)}\n\n`);
  }

  end(): void {
    clearInterval(this.#ping);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.res.destroyed) this.res.end();
  }
}

/** A link action's reply (contracts/links.ts LinkResult) and its audit line: the label quoted as JSON, never the token. */
function linkReply(verb: string, link: LinkView): Reply {
  const limit = link.maxListeners === null ? '' : `, ${link.maxListeners} player(s) at once`;
  return { message: `link ${link.id} ${JSON.stringify(link.label)} for ${link.mount} ${verb}, expires ${link.expiresAt}${limit}`, target: link.id, body: { ok: true, link } satisfies LinkResult };
}

/** A listener user's reply (contracts/listener-users.ts): 201 when added; the audit line names the mount and the user, never the password. */
function userReply(result: ListenerUserResult): Reply {
  return { message: result.message, target: result.mount, body: result, status: result.change === 'added' ? 201 : 200 };
}

function re(strings: TemplateStringsArray, ...parts: string[]): RegExp {
  return new RegExp(`^${strings.raw.map((s, i) => s + (parts[i] ?? '')).join('')}$`);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ControlError('bad-request', 'bad percent-encoding in the path');
  }
}

function text(body: Record<string, unknown>, key: string, max: number): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new ControlError('bad-request', `${key} must be a non-empty string`);
  return value;
}

function seconds(body: Record<string, unknown>): number | null {
  const value = body.seconds ?? null;
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10 * 365 * 86400) throw new ControlError('bad-request', 'seconds must be a whole number of seconds, or null for no end');
  return value;
}

/** An empty body is {}; anything else must be a JSON object within the size limit. */
async function readBody(req: IncomingMessage, max: number): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new ControlError('body-too-large');
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks).toString('utf8').trim();
  if (raw === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ControlError('bad-request', 'the body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ControlError('bad-request', 'the body must be a JSON object');
  return value as Record<string, unknown>;
}

function asControlError(error: unknown): ControlError {
  if (error instanceof ControlError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code in CONTROL_ERRORS) return new ControlError(code as ControlErrorCode, (error as Error).message);
  return new ControlError('failed', error instanceof Error ? error.message : String(error));
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

/** Does something accept connections on this socket (another icegate start)? */
export function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(socketPath);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
