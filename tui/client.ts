// The dashboard's only way to the system: the supervisor's control API (contracts/control-api.ts),
// HTTP/1.1 over its unix socket. A snapshot stream (SSE) with reconnection and capped backoff,
// reads of listeners and logs on demand, and the actions, each carrying the operator's login
// name in X-Icegate-User for the audit log (the socket cannot tell who connected: Node has no
// SO_PEERCRED, docs/supervision.md#control-api-socket).
import { request, type IncomingMessage } from 'node:http';
import { userInfo } from 'node:os';
import type { ActionResult, ListenersPage, LogPage, StateSnapshot } from '../contracts/control-api.ts';
import type { LinkCreateRequest, LinkResult, LinksPage } from '../contracts/links.ts';
import { nextBackoff, type BackoffPolicy } from '../stream/pull/backoff.ts';
import { SseParser } from '../stream/sse.ts';
import type { ListenerUserRequest, ListenerUserResult, ListenerUsersPage } from '../contracts/listener-users.ts';
import type { LinkOutcome, UserOutcome } from './state.ts';
import type { Connection } from './view-model.ts';

/** Largest response body read (a full snapshot is tens of KB; listeners pages up to 500 rows). */
const MAX_BODY = 16 * 1024 * 1024;

/** Reconnection delays: initialMs, doubling up to maxMs, without jitter (one dashboard, one supervisor). */
export type Backoff = Pick<BackoffPolicy, 'initialMs' | 'maxMs'>;

export interface ControlClientOptions {
  socketPath: string;
  /** Who the audit log names; default $SUDO_USER, $USER, or the login name. */
  user?: string;
  /** Per request (not the event stream). */
  timeoutMs?: number;
  /** Reconnection delays: initial, doubling up to max (AzuraCast's 30 s is too slow for an operator watching). */
  backoff?: Backoff;
  /** The stream is dropped and reopened after this long without a byte (the server pings every 15 s). */
  idleMs?: number;
}

export interface Subscriber {
  snapshot(snapshot: StateSnapshot): void;
  connection(connection: Connection): void;
}

function operatorName(): string {
  const fromEnv = process.env.SUDO_USER || process.env.USER || process.env.LOGNAME;
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** A transport error in words an operator can act on. */
export function describeError(error: unknown, socketPath: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return `no control socket at ${socketPath} (is "icegate start" running?)`;
  if (code === 'ECONNREFUSED') return `nothing answers on ${socketPath} (is "icegate start" running?)`;
  if (code === 'EACCES') return `permission denied on ${socketPath}`;
  if (code === 'ECONNRESET' || (error instanceof Error && error.message === 'aborted')) return 'the supervisor went away';
  return error instanceof Error ? error.message : String(error);
}

export class ControlClient {
  readonly socketPath: string;
  readonly #user: string;
  readonly #timeoutMs: number;
  readonly #backoff: BackoffPolicy;
  readonly #idleMs: number;

  constructor(options: ControlClientOptions) {
    this.socketPath = options.socketPath;
    this.#user = options.user ?? operatorName();
    this.#timeoutMs = options.timeoutMs ?? 5000;
    // A snapshot, not time connected, starts the delays over (failures = 0 below).
    this.#backoff = { ...(options.backoff ?? { initialMs: 500, maxMs: 5000 }), stableMs: Infinity, jitter: 0 };
    this.#idleMs = options.idleMs ?? 45_000;
  }

  state(): Promise<StateSnapshot> {
    return this.#json<StateSnapshot>('GET', '/v1/state');
  }

  listeners(mount: string): Promise<ListenersPage> {
    return this.#json<ListenersPage>('GET', `/v1/mounts/${encodeURIComponent(mount)}/listeners`);
  }

  logs(component: string, tail = 200): Promise<LogPage> {
    return this.#json<LogPage>('GET', `/v1/components/${encodeURIComponent(component)}/logs?tail=${tail}`);
  }

  kick(mount: string, id: number): Promise<ActionResult> {
    return this.#action('POST', `/v1/mounts/${encodeURIComponent(mount)}/listeners/${id}/kick`);
  }

  killSource(mount: string): Promise<ActionResult> {
    return this.#action('POST', `/v1/mounts/${encodeURIComponent(mount)}/kill-source`);
  }

  metadata(mount: string, title: string): Promise<ActionResult> {
    return this.#action('POST', `/v1/mounts/${encodeURIComponent(mount)}/metadata`, { title });
  }

  restart(component: string): Promise<ActionResult> {
    return this.#action('POST', `/v1/components/${encodeURIComponent(component)}/restart`);
  }

  ban(ip: string, seconds: number | null): Promise<ActionResult> {
    return this.#action('POST', '/v1/bans', { ip, seconds });
  }

  unban(ip: string): Promise<ActionResult> {
    return this.#action('DELETE', `/v1/bans/${encodeURIComponent(ip)}`);
  }

  reload(): Promise<ActionResult> {
    return this.#action('POST', '/v1/reload');
  }

  links(): Promise<LinksPage> {
    return this.#json<LinksPage>('GET', '/v1/links');
  }

  /** POST /v1/links answers a LinkResult (contracts/links.ts), or a refusal as every action does. */
  async createLink(request: LinkCreateRequest): Promise<LinkOutcome> {
    const answer = (await this.#action('POST', '/v1/links', request)) as ActionResult | LinkResult;
    if (answer.ok && !('link' in answer)) return { ok: false, error: { code: 'bad-answer', message: 'the supervisor answered without the link' } };
    return answer as LinkOutcome;
  }

  async revokeLink(id: string, label: string): Promise<ActionResult> {
    const answer = (await this.#action('DELETE', `/v1/links/${encodeURIComponent(id)}`)) as ActionResult | LinkResult;
    return answer.ok ? { ok: true, message: `revoked "${label}"` } : answer;
  }

  listenerUsers(): Promise<ListenerUsersPage> {
    return this.#json<ListenerUsersPage>('GET', '/v1/listener-users');
  }

  /** POST /v1/listener-users answers a ListenerUserResult (contracts/listener-users.ts) or a refusal. */
  async setListenerUser(request: ListenerUserRequest): Promise<UserOutcome> {
    const answer = (await this.#action('POST', '/v1/listener-users', request)) as ActionResult | ListenerUserResult;
    if (answer.ok && !('change' in answer)) return { ok: false, error: { code: 'bad-answer', message: 'the supervisor answered without the user' } };
    return answer as UserOutcome;
  }

  deleteListenerUser(mount: string, name: string): Promise<ActionResult> {
    return this.#action('DELETE', `/v1/listener-users/${encodeURIComponent(mount)}/${encodeURIComponent(name)}`);
  }

  /**
   * Follows /v1/events until the returned function is called: every snapshot, and every change
   * of the connection. A lost stream is reopened after a delay that doubles up to backoff.maxMs
   * and starts again from backoff.initialMs once a snapshot arrives.
   */
  subscribe(subscriber: Subscriber): () => void {
    let stopped = false;
    let failures = 0;
    let timer: NodeJS.Timeout | null = null;
    let current: ReturnType<typeof request> | null = null;

    const lost = (reason: string) => {
      if (stopped) return;
      current = null;
      const next = nextBackoff(failures, 0, 0, this.#backoff);
      failures = next.failures;
      subscriber.connection({ state: 'disconnected', reason, attempts: failures });
      timer = setTimeout(open, next.delayMs);
    };

    const open = () => {
      timer = null;
      if (stopped) return;
      let done = false;
      const fail = (reason: string) => {
        if (done) return;
        done = true;
        req.destroy();
        lost(reason);
      };
      const req = request({ socketPath: this.socketPath, path: '/v1/events', method: 'GET', headers: { accept: 'text/event-stream', 'x-icegate-user': this.#user } });
      current = req;
      req.setTimeout(this.#idleMs, () => fail('no data from the supervisor'));
      req.on('error', (error) => fail(describeError(error, this.socketPath)));
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          fail(`the supervisor answered ${res.statusCode} to /v1/events`);
          return;
        }
        res.setEncoding('utf8');
        const parser = new SseParser(MAX_BODY);
        let connected = false;
        res.on('data', (chunk: string) => {
          if (done) return;
          try {
            for (const event of parser.feed(chunk)) {
              if (event.event !== 'snapshot') continue;
              const snapshot = JSON.parse(event.data) as StateSnapshot;
              if (!connected) subscriber.connection({ state: 'connected' });
              connected = true;
              failures = 0;
              subscriber.snapshot(snapshot);
            }
          } catch (error) {
            fail(`bad event stream: ${(error as Error).message}`);
          }
        });
        res.on('end', () => fail('the supervisor closed the event stream'));
        res.on('error', (error) => fail(describeError(error, this.socketPath)));
      });
      req.end();
    };

    subscriber.connection({ state: 'connecting' });
    open();
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      current?.destroy();
    };
  }

  async #json<T>(method: string, path: string): Promise<T> {
    const { status, body } = await this.#send(method, path, null);
    if (status !== 200) throw new Error(`${path}: the supervisor answered ${status}${errorText(body)}`);
    return JSON.parse(body) as T;
  }

  /** Never rejects: a transport failure is an ActionResult too, so the caller reports it alike. */
  async #action(method: 'POST' | 'DELETE', path: string, body: unknown = null): Promise<ActionResult> {
    try {
      const answer = await this.#send(method, path, body === null ? null : JSON.stringify(body));
      const parsed = JSON.parse(answer.body) as ActionResult;
      if (typeof parsed !== 'object' || parsed === null || typeof parsed.ok !== 'boolean') throw new Error(`the supervisor answered ${answer.status} without a result`);
      return parsed;
    } catch (error) {
      return { ok: false, error: { code: 'unreachable', message: describeError(error, this.socketPath) } };
    }
  }

  #send(method: string, path: string, body: string | null): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'x-icegate-user': this.#user, accept: 'application/json' };
      if (body !== null) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      const req = request({ socketPath: this.socketPath, path, method, headers });
      req.setTimeout(this.#timeoutMs, () => req.destroy(new Error(`the supervisor did not answer ${method} ${path} within ${this.#timeoutMs / 1000} s`)));
      req.on('error', reject);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) {
            req.destroy(new Error(`${path}: answer larger than ${MAX_BODY} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.end(body ?? undefined);
    });
  }
}

function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } };
    return parsed.error?.message ? `: ${parsed.error.message}` : '';
  } catch {
    return '';
  }
}
