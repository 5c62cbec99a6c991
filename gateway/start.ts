// Build and start a gateway: the one way the CLI, the supervisor and the tests bring it up.
// Certificates first (generated into stateDir when none are configured), then every port; if
// one port cannot be opened, the ones already open are closed again and the error is thrown.
import { EventEmitter } from 'node:events';
import type { Server, Socket } from 'node:net';
import type tlsTypes from 'node:tls';
import { randomBytes } from 'node:crypto';
import type { Config, ResolvedSecrets } from '../config/schema.ts';
import { EDGE_PULL_HEADER } from '../contracts/edge.ts';
import { FORWARD_KEY_HEADER } from '../contracts/forward-key.ts';
import { compilePolicy, type Policy } from '../policies/evaluate.ts';
import type { NowClock } from './limits/connection-limits.ts';
import type { CredentialLimiter } from './limits/rate-limit.ts';
import { ipDisplay } from './privacy.ts';
import { openRateLimitStore } from './limits/rate-limit-store.ts';
import { GatewaySecurity } from './limits/security.ts';
import { HeadDeadlines } from './limits/head-deadline.ts';
import { createAdminServer } from './ports/admin-port.ts';
import { bind, type Bound } from './ports/bind.ts';
import { noteDeny, parseUpstream, type GatewayContext, type GatewayEvents } from './context.ts';
import { Edge, type EdgeOptions, type EdgeStats } from './edge/fan-out.ts';
import { edgeRelayConfig } from './edge/config.ts';
import { HoldStats, sourceHoldContext } from './hold/context.ts';
import { EdgeReporter, type EdgeReporterOptions, type ReporterState } from './edge/report.ts';
import { upstreamCredentials } from './edge/upstream-auth.ts';
import { certificateFeed } from './edge/certificate-feed.ts';
import { createForwarder } from './forward/proxy.ts';
import { ListenerAuth } from './listener-auth/modes.ts';
import { ListenerCaps } from './limits/listener-caps.ts';
import { headLimits, LiveSettings } from './live-settings.ts';
import { createListenerServer, createListenerTlsServer } from './ports/listener-port.ts';
import { createPlainSourceServer, createSourceServer } from './ports/source-port.ts';
import { TlsContext } from './tls/context.ts';
import type { AcmeManager } from './acme/manager.ts';
import type { Clock } from '../stream/clock.ts';
import { ensureAdminCa, ensureServerCertificate } from './tls/files.ts';
import { withTokenKeyring } from '../config/secrets.ts';
import { LinkTable } from './listener-auth/links.ts';
import { systemClock as timerClock } from '../stream/clock.ts';

export interface GatewayPorts {
  listener: number;
  listenerTls: number;
  source: number;
  /** null when gateway.source.plainPort is null. */
  sourcePlain: number | null;
  admin: number;
}

export interface StartGatewayOptions {
  config: Config;
  /** Default: config.stateDir. */
  stateDir?: string;
  /** Bind every port to this address instead of the configured ones (tests use 127.0.0.1). */
  host?: string;
  /** Override configured ports (tests use 0). */
  ports?: Partial<GatewayPorts>;
  limiter?: CredentialLimiter;
  policy?: Policy;
  clock?: NowClock;
  /** Timing of the edge's pulls (tests shorten the linger). */
  edge?: Pick<EdgeOptions, 'clock' | 'holdMs' | 'lingerMs' | 'connectTimeoutMs' | 'backoff'>;
  /** The relay core's secrets, for gateway.upstreamAuth: null in front of this config's relay core. */
  secrets?: ResolvedSecrets;
  /** Timing of the channel that reports the edge's listeners (tests shorten it). */
  channel?: Pick<EdgeReporterOptions, 'intervalMs' | 'flushDelayMs' | 'backoff'>;
  /** The clock of links' expiry (tests move it); default: `clock` with real timers. */
  linksClock?: Clock;
  /** The clock of ACME's renewals and retries (tests move it). */
  acmeClock?: Clock;
  /** The relay core's forward key (contracts/forward-key.ts); null or absent = none is sent. */
  forwardKey?: string | null;
}

export interface RunningGateway {
  ports(): GatewayPorts;
  readonly events: EventEmitter<GatewayEvents>;
  readonly tls: TlsContext;
  /** Certificates by ACME; null when gateway.tls.acme names no domain. */
  readonly acme: AcmeManager | null;
  /** The mounts the gateway pulls and the listeners it serves itself. */
  readonly edge: { stats(): EdgeStats };
  /** Sources and players held across relay restarts (gateway.hold): now, in total, time, bytes dropped. */
  readonly hold: HoldStats;
  /** The channel that reports the edge's listeners to the relay core; 'off' without credentials or in front of Icecast. */
  readonly channel: { readonly gateway: string; state(): ReporterState };
  /** Files this start created (self-signed certificate, private CA), so the operator can be told where. */
  readonly generated: readonly string[];
  /** Refusals, bans and the certificate for the supervisor; the operator's ban and unban. */
  readonly security: GatewaySecurity;
  /**
   * Applies gateway.mounts, tokens, limits, the rateLimit thresholds and privacy of `config`
   * without closing a socket (live-settings.ts); other keys need a restart and are left as they
   * are. Rejects, changing nothing, when an htpasswd file cannot be read.
   */
  reload(config: Config): Promise<void>;
  /** The operator's links: replaced by the supervisor's `links` message, their use for GET /v1/links. */
  readonly links: LinkTable;
  /** The configuration in force (the start's, with the live keys of the last reload). */
  config(): Config;
  close(): Promise<void>;
}

const systemClock: NowClock = { now: () => Date.now() };

export async function startGateway(o: StartGatewayOptions): Promise<RunningGateway> {
  const stateDir = o.stateDir ?? o.config.stateDir;
  // With no key in gateway.tokens.keys, stream links are signed with one generated into secrets.yaml.
  o = { ...o, config: await withTokenKeyring(o.config, { stateDir }) };
  const g = o.config.gateway;
  const serverCert = await ensureServerCertificate(g.tls, stateDir);
  const ca = g.admin.clientCertificates ? await ensureAdminCa(stateDir) : null;
  const generated = [serverCert, ...(ca ? [ca] : [])].filter((e) => e.generated).map((e) => e.paths.cert);
  const tls = await TlsContext.open({ server: serverCert.paths, adminCa: ca?.paths.cert ?? null });
  const events = new EventEmitter<GatewayEvents>();
  tls.on('reload', (event) => events.emit('tls-reload', event));
  // gateway.rateLimit: the limiter and, with store: redis, the client the operator bans share.
  const store = await openRateLimitStore(g.rateLimit, (message) => events.emit('limiter-error', { message }));
  const limiter = o.limiter ?? store.limiter;
  const clock = o.clock ?? systemClock;
  // The operator's links (<stateDir>/links.json); the supervisor sends changes (ipc.ts `links`).
  const links = await LinkTable.open(stateDir, o.linksClock ?? { now: () => clock.now(), after: timerClock.after }, (id, players, why) =>
    events.emit('link', { level: 'info', message: `link ${id} ${why}: ${players} stream player(s) cut` }),
    // An HLS player is gone after three target durations without a request, as in the relay (relay/hls/service.ts).
    3 * o.config.relay.hls.targetDuration * 1000,
  ).catch((err: unknown) => {
    tls.close();
    store.close();
    throw err;
  });
  // Reads the htpasswd files: a missing or bad one fails the start, naming the file and line.
  const listenerAuth = await ListenerAuth.open({ gateway: g, server: o.config.relay.hostname, stateDir, deps: { limiter, clock, events, links } }).catch((err: unknown) => {
    links.close();
    tls.close();
    store.close();
    throw err;
  });
  const holdStats = new HoldStats();
  const ctx: GatewayContext = {
    policy: o.policy ?? compilePolicy(),
    limiter,
    listenerAuth,
    upstream: { ...parseUpstream(g.upstream), ...(o.forwardKey ? { forwardKey: o.forwardKey } : {}) },
    limits: headLimits(g.limits),
    clock,
    events,
    // Rates are measured on the monotonic clock: a wall clock stepped by NTP must not refill or drain them.
    caps: new ListenerCaps(g.limits, { now: () => performance.now() }),
    showListenerIp: ipDisplay(g.privacy.anonymizeIps),
    hold: sourceHoldContext(g.hold, holdStats, (level, message) => events.emit('hold', { level, message })),
  };
  let acme: AcmeManager | null = null;
  const security = new GatewaySecurity({
    acme: () => {
      const a = acme?.status;
      if (!a) return null;
      return { state: a.state, nextRenewal: a.nextAttemptAt === null ? null : new Date(a.nextAttemptAt).toISOString(), lastError: a.lastError };
    },
    events,
    clock,
    limiter,
    closeOnBan: g.rateLimit.closeOnBan,
    anonymizeIps: g.privacy.anonymizeIps,
    redis: store.redis,
    certificatePem: () => String(tls.options().cert),
    connectionsPerAddress: (): number | null => live.current.gateway.limits.connectionsPerAddress,
  });
  // The handshake, the first byte and the head share the head's time budget, from accept (head-deadline.ts).
  const deadlines = new HeadDeadlines({
    timeoutMs: () => ctx.limits.headerTimeoutMs,
    expired: (role, ip) => void noteDeny(ctx, role, ip, 'GW_HEADER_TIMEOUT', 'no complete request head within gateway.limits.headerTimeout of connecting'),
  });
  const forwarder = createForwarder(ctx.upstream);
  // The relay core hears of the edge's listeners through a channel, and knows its pulls by this id (relay/edge).
  const credentials = upstreamCredentials(o.config, o.secrets ?? null);
  const gatewayId = randomBytes(9).toString('base64url');
  const edge = new Edge({
    ...o.edge,
    credentials,
    pullHeaders: [...(credentials ? [[EDGE_PULL_HEADER, gatewayId] as const] : []), ...(o.forwardKey ? [[FORWARD_KEY_HEADER, o.forwardKey] as const] : [])],
    upstream: ctx.upstream.origin,
    config: edgeRelayConfig(o.config.relay, g.hold.players),
    log: (level, message) => events.emit('edge', { level, message }),
    holdStats,
  });
  const reporter = credentials
    ? new EdgeReporter({
        ...o.channel,
        edge,
        upstream: ctx.upstream,
        credentials,
        gateway: gatewayId,
        showIp: (ip) => ctx.showListenerIp?.(ip) ?? ip,
        ...(o.edge?.clock ? { clock: o.edge.clock } : {}),
        log: (level, message) => events.emit('edge', { level, message: `relay channel: ${message}` }),
        certificate: certificateFeed(() => String(tls.options().cert)),
      })
    : null;
  // A handshake is part of the request head's time budget (Node's default allows 120 s).
  const secure = (withCa: boolean): tlsTypes.TlsOptions => ({ ...tls.options(withCa), handshakeTimeout: ctx.limits.headerTimeoutMs });
  const sourceTls = createSourceServer(ctx, secure(false), (socket) => deadlines.arrived(socket));
  const listenerTls = createListenerTlsServer(ctx, forwarder, edge, secure(false));
  const admin = createAdminServer(ctx, forwarder, { secure: secure(ca !== null), clientCertificates: ca !== null });
  tls.attach(sourceTls);
  tls.attach(listenerTls);
  tls.attach(admin, ca !== null);

  const want = { ...portsOf(o.config), ...o.ports };
  const listenerPlain = createListenerServer(ctx, forwarder, edge);
  const live = new LiveSettings({ ctx, security, stateDir, deps: { limiter, clock, events, links }, servers: [listenerPlain, listenerTls, admin] }, o.config);
  const plan: [keyof GatewayPorts, Server, number | null, string][] = [
    ['listener', listenerPlain, want.listener, o.host ?? g.listener.host],
    ['listenerTls', listenerTls, want.listenerTls, o.host ?? g.listener.host],
    ['source', sourceTls, want.source, o.host ?? g.source.host],
    ['sourcePlain', createPlainSourceServer(ctx, (socket) => deadlines.arrived(socket)), want.sourcePlain, o.host ?? g.source.plainHost],
    ['admin', admin, want.admin, o.host ?? g.admin.host],
  ];
  // Every port's connections, so a ban refuses and closes them (security.ts).
  // Then, in this order at each accept: the per-address cap, the listener ports' connection rate
  // (listener-caps.ts), and the deadline of the first request head.
  for (const [name, server] of plan) {
    const role = name.startsWith('listener') ? 'listener' : name.startsWith('source') ? 'source' : 'admin';
    security.track(server, role);
    if (role === 'listener') server.on('connection', (socket: Socket) => ctx.caps?.accept(socket));
    deadlines.watch(server, role);
  }
  const bound = new Map<keyof GatewayPorts, Bound>();
  const closeAll = async (): Promise<void> => {
    acme?.close();
    links.close();
    reporter?.close();
    edge.close();
    tls.close();
    ctx.listenerAuth.close();
    security.close();
    deadlines.close();
    store.close();
    await Promise.all([...bound.values()].map((b) => b.close()));
  };
  try {
    // gateway.tls.acme: the validator's doors go in after every other connection hook (gateway/acme/).
    const say = (level: 'info' | 'error') => (message: string) => void events.emit('acme', { level, message });
    // Loaded only when configured: most gateways serve a certificate of their own and never need the ACME modules.
    if (g.tls.acme.domains.length > 0) {
      const { setUpAcme } = await import('./acme/setup.ts');
      acme = await setUpAcme({ acme: g.tls.acme, stateDir, tls, listenerPlain, listenerTls, log: { info: say('info'), error: say('error') }, ...(o.acmeClock ? { clock: o.acmeClock } : {}) });
    }
    for (const [name, server, port, host] of plan) {
      if (port === null) continue;
      bound.set(name, await bind(server, port, host, (err) => events.emit('server-error', { server: name, message: err.message })));
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  tls.watch();
  // A stored certificate still good is served before the start returns; ordering goes on in the background.
  await acme?.start();
  listenerAuth.watch();
  security.start();
  reporter?.start();
  const portOf = (name: keyof GatewayPorts): number => bound.get(name)!.port();
  return {
    acme,
    ports: () => ({
      listener: portOf('listener'),
      listenerTls: portOf('listenerTls'),
      source: portOf('source'),
      sourcePlain: bound.has('sourcePlain') ? portOf('sourcePlain') : null,
      admin: portOf('admin'),
    }),
    events,
    tls,
    edge,
    hold: holdStats,
    channel: { gateway: gatewayId, state: () => reporter?.state ?? 'off' },
    security,
    generated,
    reload: async (config) => live.apply(await withTokenKeyring(config, { stateDir })),
    links,
    config: () => live.current,
    close: closeAll,
  };
}

function portsOf(config: Config): GatewayPorts {
  const g = config.gateway;
  return { listener: g.listener.port, listenerTls: g.listener.tlsPort, source: g.source.port, sourcePlain: g.source.plainPort, admin: g.admin.port };
}
