// The gateway's end of the edge channel (contracts/edge.ts): it tells the relay core about
// every listener the edge serves and carries out the relay's kicks and moves, so the relay's
// stats, admin commands and limits reach them (docs/gateway-security.md#listener-fan-out-at-the-edge). One command stream, reopened with the
// relay pulls' backoff; reports one at a time, batched and coalesced (edge-report-batch.ts), a
// full one after every (re)connect. In front of a real Icecast 2 the channel does not exist
// (404): the reporter says so once and stops, and the edge serves as before.
import http from 'node:http';
import type { Listener } from '../../stream/listener.ts';
import { systemClock, type Clock, type Timer } from '../../stream/clock.ts';
import { DEFAULT_BACKOFF, nextBackoff, type BackoffPolicy } from '../../stream/pull/backoff.ts';
import { SseParser, type SseEvent } from '../../stream/sse.ts';
import type { Credentials } from '../../stream/pull/upstream.ts';
import {
  EDGE_COMMANDS_PATH,
  EDGE_REPORT_PATH,
  KEEPALIVE_MS,
  parseCommand,
  type EdgeCertificate,
  type EdgeHoldFigures,
  type EdgeCommand,
  type EdgeListener,
  type EdgeReportAnswer,
} from '../../contracts/edge.ts';
import type { Edge } from './fan-out.ts';
import { ReportBatch } from './report-batch.ts';

export type ReporterState = 'connecting' | 'open' | 'waiting' | 'off';

export interface EdgeReporterOptions {
  edge: Edge;
  upstream: { host: string; port: number };
  credentials: Credentials;
  /** This gateway process (random per start); its pulls carry it too. */
  gateway: string;
  /** The address the relay is told: the one the gateway forwards as X-Forwarded-For. */
  showIp: (ip: string) => string;
  clock?: Clock;
  /** How often bytes sent (and moves) are reported. Default 5 s. */
  intervalMs?: number;
  /** How long an addition or removal waits for others to travel with. Default 250 ms. */
  flushDelayMs?: number;
  backoff?: BackoffPolicy;
  log?: (level: 'info' | 'warn', message: string) => void;
  /** The certificate the TLS ports present now (for the relay's /metrics); null when unknown. */
  certificate?: () => EdgeCertificate | null;
}

/** The upstream does not know the channel: Icecast 2 answers an unknown /admin/ command 400, others 404. */
const NO_CHANNEL = new Set([400, 404, 405, 501]);

/** A command longer than this is not a command: the stream is dropped and reopened. */
const MAX_EVENT = 64 * 1024;

export class EdgeReporter {
  readonly #o: EdgeReporterOptions;
  readonly #clock: Clock;
  readonly #batch = new ReportBatch();
  /** What the relay was last told of each listener's mount and bytes. */
  readonly #told = new Map<number, { mount: string; bytesSent: number }>();
  #state: ReporterState = 'waiting';
  #failures = 0;
  #openedAt = 0;
  #stream: http.ClientRequest | null = null;
  #retry: Timer | null = null;
  #watchdog: Timer | null = null;
  #tick: Timer | null = null;
  #flushTimer: Timer | null = null;
  #inFlight = false;
  /** The hold figures and certificate the relay was last told, as JSON ('' = not told on this channel). */
  #holdTold = '';
  #closed = false;
  #lastWarning = '';
  readonly #onAdd = (_m: unknown, l: Listener): void => {
    this.#batch.added(this.#record(l));
    this.#flushSoon();
  };
  readonly #onRemove = (_m: unknown, l: Listener): void => {
    this.#told.delete(l.id);
    this.#batch.removed(l.id);
    this.#flushSoon();
  };

  constructor(o: EdgeReporterOptions) {
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
  }

  get state(): ReporterState {
    return this.#state;
  }

  start(): void {
    this.#o.edge.registry.on('listener-add', this.#onAdd);
    this.#o.edge.registry.on('listener-remove', this.#onRemove);
    this.#connect();
    this.#armTick();
  }

  close(): void {
    this.#closed = true;
    this.#state = 'off';
    this.#o.edge.registry.off('listener-add', this.#onAdd);
    this.#o.edge.registry.off('listener-remove', this.#onRemove);
    for (const t of [this.#retry, this.#watchdog, this.#tick, this.#flushTimer]) t?.cancel();
    this.#stream?.destroy();
    this.#stream = null;
  }

  #auth(): string {
    const { username, password } = this.#o.credentials;
    return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  }

  #connect(): void {
    if (this.#closed) return;
    this.#state = 'connecting';
    const req = http.get({
      host: this.#o.upstream.host,
      port: this.#o.upstream.port,
      path: `${EDGE_COMMANDS_PATH}?gateway=${this.#o.gateway}`,
      headers: { authorization: this.#auth(), accept: 'text/event-stream' },
      agent: false,
    });
    this.#stream = req;
    req.on('error', (e: NodeJS.ErrnoException) => this.#lost(`the relay's command stream failed: ${e.code ?? e.message}`));
    req.on('response', (res) => {
      if (this.#stream !== req) return void res.destroy();
      if (NO_CHANNEL.has(res.statusCode ?? 0)) {
        // A real Icecast 2 (400 Unrecognised command) or an older relay (404): nobody to report to. The edge serves on.
        res.resume();
        this.#stream = null;
        req.destroy();
        this.close();
        this.#o.log?.('info', 'the upstream has no edge channel (a plain Icecast?): its listener counts will not include the edge\'s listeners');
        return;
      }
      if (res.statusCode !== 200) {
        res.resume();
        return this.#lost(`the relay refused the command stream (${res.statusCode ?? '?'}${res.statusCode === 401 ? ': check gateway.upstreamAuth' : ''})`);
      }
      this.#opened(req, res);
    });
  }

  #opened(req: http.ClientRequest, res: http.IncomingMessage): void {
    this.#state = 'open';
    this.#openedAt = this.#clock.now();
    this.#lastWarning = '';
    this.#o.log?.('info', 'reporting listeners to the relay');
    this.#batch.resync();
    this.#armWatchdog(req);
    const events = new SseParser(MAX_EVENT);
    res.setEncoding('utf8');
    res.on('data', (text: string) => {
      if (this.#stream !== req) return;
      this.#armWatchdog(req);
      let commands: SseEvent[];
      try {
        commands = events.feed(text);
      } catch {
        return void req.destroy();
      }
      for (const event of commands) {
        const command = parseCommand(event.data);
        if (command) this.#run(command);
      }
    });
    res.on('close', () => this.#lost('the relay closed the command stream'));
    this.#flush();
  }

  /** A dead peer sends nothing, not even its keep-alive comments. */
  #armWatchdog(req: http.ClientRequest): void {
    this.#watchdog?.cancel();
    this.#watchdog = this.#clock.after(3 * KEEPALIVE_MS, () => {
      if (this.#stream === req) req.destroy();
    });
  }

  /** The channel is gone: the relay will forget our listeners after its grace, so re-report all once back. */
  #lost(why: string): void {
    if (this.#closed || this.#state === 'off' || this.#state === 'waiting') return;
    const streamed = this.#state === 'open' ? this.#clock.now() - this.#openedAt : 0;
    this.#state = 'waiting';
    this.#stream?.destroy();
    this.#stream = null;
    this.#watchdog?.cancel();
    this.#o.edge.setAdmission(null);
    this.#batch.resync();
    this.#holdTold = '';
    if (why !== this.#lastWarning) this.#o.log?.('warn', why);
    this.#lastWarning = why;
    const d = nextBackoff(this.#failures, streamed, Math.random(), this.#o.backoff ?? DEFAULT_BACKOFF);
    this.#failures = d.failures;
    this.#retry = this.#clock.after(d.delayMs, () => {
      this.#retry = null;
      this.#connect();
    });
  }

  #run(command: EdgeCommand): void {
    const edge = this.#o.edge;
    if (command.type === 'kick') {
      edge.kick(command.ids);
      return;
    }
    void edge.move(command.ids, command.to).then(() => {
      this.#sweep();
      this.#flush();
    });
  }

  #armTick(): void {
    this.#tick = this.#clock.after(this.#o.intervalMs ?? 5000, () => {
      this.#sweep();
      this.#flush();
      this.#armTick();
    });
  }

  /** Updates for every listener whose mount or bytes changed since the relay was told. */
  #sweep(): void {
    for (const mount of this.#o.edge.registry.list()) {
      for (const l of mount.listeners) {
        const now = { mount: l.feed?.name ?? l.home, bytesSent: l.bytesSent };
        const told = this.#told.get(l.id);
        if (told && told.mount === now.mount && told.bytesSent === now.bytesSent) continue;
        this.#told.set(l.id, now);
        this.#batch.updated({ id: l.id, ...now });
      }
    }
  }

  #flushSoon(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = this.#clock.after(this.#o.flushDelayMs ?? 250, () => {
      this.#flushTimer = null;
      this.#flush();
    });
  }

  /** Send what is pending, one report at a time; what arrives meanwhile waits for the next. */
  #flush(): void {
    // The hold figures and the certificate ride along when they changed (for the relay's /metrics).
    const hold = this.#holdFigures();
    const certificate = this.#o.certificate?.() ?? null;
    const holdJson = hold === null && certificate === null ? '' : JSON.stringify([hold, certificate]);
    const holdNews = holdJson !== this.#holdTold;
    if (this.#state !== 'open' || this.#inFlight || (!this.#batch.pending && !holdNews)) return;
    const report = this.#batch.take(() => this.#everyone()) ?? (holdNews && holdJson !== '' ? { full: false, added: [], removed: [], updated: [] } : null);
    if (!report) return;
    if (hold && holdNews) report.hold = hold;
    if (certificate && holdNews) report.certificate = certificate;
    const body = Buffer.from(JSON.stringify(report), 'utf8');
    this.#inFlight = true;
    const done = (answer: EdgeReportAnswer | null): void => {
      if (!this.#inFlight) return;
      this.#inFlight = false;
      this.#holdTold = answer ? holdJson : '';
      if (answer) this.#o.edge.setAdmission(answer.admission);
      // Whether the relay applied it is unknown, or it says it lost track: the next report is a full one.
      if (!answer || answer.resync) this.#batch.resync();
      if (this.#batch.pending) this.#flushSoon();
    };
    const req = http.request({
      host: this.#o.upstream.host,
      port: this.#o.upstream.port,
      method: 'POST',
      path: `${EDGE_REPORT_PATH}?gateway=${this.#o.gateway}`,
      headers: { authorization: this.#auth(), 'content-type': 'application/json', 'content-length': body.length },
      agent: false,
    });
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', () => done(null));
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size > 1024 * 1024) return void res.destroy();
        parts.push(d);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return done(null);
        try {
          done(JSON.parse(Buffer.concat(parts).toString('utf8')) as EdgeReportAnswer);
        } catch {
          done(null);
        }
      });
      res.on('close', () => done(null));
    });
    req.end(body);
  }

  #holdFigures(): EdgeHoldFigures | null {
    const f = this.#o.edge.holdStats?.figures;
    if (!f) return null;
    const { sourcesHeld, playersHeld, sourceHolds, playerHolds, sourceHoldMs, playerHoldMs, bytesDropped, takeovers } = f;
    return { sourcesHeld, playersHeld, sourceHolds, playerHolds, sourceHoldMs: Math.round(sourceHoldMs), playerHoldMs: Math.round(playerHoldMs), bytesDropped, takeovers };
  }

  #everyone(): EdgeListener[] {
    const all: EdgeListener[] = [];
    for (const mount of this.#o.edge.registry.list()) {
      for (const l of mount.listeners) {
        const r = this.#record(l);
        this.#told.set(l.id, { mount: r.mount, bytesSent: r.bytesSent });
        all.push(r);
      }
    }
    return all;
  }

  #record(l: Listener): EdgeListener {
    const r: EdgeListener = {
      id: l.id,
      mount: l.feed?.name ?? l.home,
      // The one place the relay learns a listener's address: the same one X-Forwarded-For carries
      // (gateway.privacy.anonymizeIps cuts it there too).
      ip: this.#o.showIp(l.ip).slice(0, 64),
      userAgent: l.userAgent.slice(0, 1024),
      auth: l.auth.slice(0, 32),
      connectedAt: l.connectedAt,
      bytesSent: l.bytesSent,
    };
    if (l.username !== undefined) r.username = l.username.slice(0, 1024);
    if (l.linkId !== undefined) r.linkId = l.linkId;
    return r;
  }
}
