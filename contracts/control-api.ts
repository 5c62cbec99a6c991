// The control API's vocabulary: what `icegate start` serves on its unix socket and what the
// dashboard (`icegate tui`), `icegate status` and scripts read. Everything is JSON; times are
// ISO 8601 in UTC; absent values are null, never missing. No secret ever appears here.
//
// Transport: HTTP/1.1 over the unix socket <runtimeDir>/control.sock (directory 0750, socket 0660).
//
//   GET    /v1/state                              → StateSnapshot
//   GET    /v1/events                             → text/event-stream: `event: snapshot` with a
//                                                   StateSnapshot at once and whenever it changes
//                                                   (at most once a second), `id:` = seq,
//                                                   `: ping` comments every 15 s
//   GET    /v1/mounts/{mount}/listeners           → ListenersPage (mount URL-encoded, e.g. %2Flive.mp3)
//   GET    /v1/components/{name}/logs?tail=N      → LogPage (N ≤ 2000, default 200)
//   POST   /v1/components/{name}/restart|stop|start
//   POST   /v1/mounts/{mount}/kill-source
//   POST   /v1/mounts/{mount}/listeners/{id}/kick
//   POST   /v1/mounts/{mount}/metadata            body {"title": "Artist - Title"}
//   POST   /v1/bans                               body {"ip": "203.0.113.7", "seconds": 3600}
//   DELETE /v1/bans/{ip}
//   POST   /v1/reload                             (409 "reload-refused" with error.refusal
//                                                   {component, reason} when a component refused)
//   POST   /v1/stop                               (what `icegate stop` sends)
//   POST   /v1/links, GET /v1/links, DELETE /v1/links/{id}   → contracts/links.ts
//   GET    /v1/listener-users, POST /v1/listener-users,
//   DELETE /v1/listener-users/{mount}/{name}     → contracts/listener-users.ts
//
// Every POST/DELETE answers ActionResult (200 when ok — links and listener users their own
// result, a listener user added 201 —, else 4xx/5xx with ok: false) and is
// audit-logged with the claimed OS user from the `X-Icegate-User` header. In read-only mode
// every action answers 403 with error.code "read-only".

export type ComponentState =
  | 'starting' // spawned, not ready yet
  | 'running' // ready and answering its liveness probe
  | 'backoff' // exited or failed its probe; restarting in nextRestartSeconds
  | 'crash-looping' // backoff, and it exited too often recently (still retried, at the cap)
  | 'stopping'
  | 'stopped' // stopped by the operator (or not started yet)
  | 'failed'; // cannot be started at all (e.g. executable missing); retried at the cap

export interface ComponentExit {
  code: number | null;
  signal: string | null;
  at: string;
  /** Words for the operator: "exited with code 1", "killed by SIGKILL", "failed liveness probe". */
  reason: string;
}

export interface ComponentView {
  /** "relay", "gateway", or an extra component's name from gateway.yaml. */
  name: string;
  kind: 'relay' | 'gateway' | 'command';
  state: ComponentState;
  pid: number | null;
  startedAt: string | null;
  uptimeSeconds: number | null;
  restarts: number;
  lastExit: ComponentExit | null;
  /** Seconds until the next start attempt while in backoff / crash-looping / failed. */
  nextRestartSeconds: number | null;
  /** Percent of one core, summed over the component's process group; null before the first sample. */
  cpuPercent: number | null;
  rssBytes: number | null;
}

export interface HostView {
  hostname: string;
  /** Percent of all cores. */
  cpuPercent: number;
  load: [number, number, number];
  memory: { totalBytes: number; usedBytes: number };
  network: { rxBytesPerSecond: number; txBytesPerSecond: number };
  /** The file system holding the state directory. */
  disk: { path: string; totalBytes: number; usedBytes: number } | null;
  uptimeSeconds: number;
}

export interface MountView {
  mount: string;
  live: boolean;
  hidden: boolean;
  /** 'source' (pushing client), 'relay' (pulled upstream), 'file' (looped file); null when not live. */
  sourceKind: 'source' | 'relay' | 'file' | null;
  sourceIp: string | null;
  userAgent: string | null;
  contentType: string | null;
  format: 'mp3' | 'aac' | 'vorbis' | 'opus' | 'ogg' | 'other' | null;
  bitrate: number | null;
  name: string | null;
  title: string;
  streamStart: string | null;
  listeners: number;
  listenerPeak: number;
  slowListeners: number;
  bytesSent: number;
  /** Oldest first, one sample every historyIntervalSeconds (StateSnapshot), at most 120. */
  listenerHistory: number[];
  /** Bytes per second sent to this mount's listeners, same sampling as listenerHistory. */
  bandwidthHistory: number[];
  /** The live source's connection (docs/api.md#sources); null when the mount has no source. */
  source: SourceView | null;
}

/** One live source connection as the relay sees it (contracts/source-stats.ts). */
export interface SourceView {
  kind: 'source' | 'relay' | 'file';
  /** When the relay took this source; after a relay restart, when the gateway handed the held source over again. */
  connectedAt: string;
  /** The encoder's address as the gateway saw it (the upstream's for a pull); null for a file. */
  ip: string | null;
  /** The encoder's User-Agent; null when it sent none. */
  userAgent: string | null;
  /** Bytes received from this source since connectedAt. */
  bytesIn: number;
  /** kbit/s received over the last 10 s; null for the first 2 s. */
  measuredKbps: number | null;
  /** kbit/s the source declared (ice-bitrate, else its first MP3 frame header); null when unknown. */
  declaredKbps: number | null;
  /** Times a source came back on this mount since icegate started, relay restarts the gateway held it across included. */
  reconnects: number;
  /** Reported by an `icegate push` agent (docs/push.md#silence-on-the-server); null: the source does not report (ffmpeg, BUTT, a pull) or has not yet. */
  silent: boolean | null;
  /** Since when the input has been silent, as the agent measured it (may precede connectedAt); null unless silent. */
  silentSince: string | null;
}

export interface ListenerView {
  id: number;
  mount: string;
  ip: string;
  userAgent: string;
  connectedAt: string;
  seconds: number;
  bytesSent: number;
  /** 'anonymous', 'token', 'htpasswd', 'webhook' … */
  auth: string;
  username: string | null;
  /** The link (contracts/links.ts) this player came with; null for any other way in. */
  linkId: string | null;
  linkLabel: string | null;
}

export interface ListenersPage {
  mount: string;
  /** Listeners on the mount now; `listeners` holds at most 500 of them, longest connected first. */
  total: number;
  listeners: ListenerView[];
}

export type SecurityReason = 'blocked-method' | 'admin-path' | 'bad-credentials' | 'rate-limited' | 'banned' | 'bad-request' | 'other';

export interface SecurityEventView {
  at: string;
  role: 'source' | 'listener' | 'admin';
  ip: string;
  reason: SecurityReason;
  /** The gateway's error code (GW_…) and its fixed text; never request content. */
  code: string;
  detail: string;
}

export interface BanView {
  /** An address, or an IPv6 /64 as "2001:db8:1:2::/64". */
  ip: string;
  until: string | null;
  /** "rate-limited" (credential guessing) or "operator". */
  reason: string;
}

export interface CertificateView {
  subject: string;
  issuer: string;
  notAfter: string;
  daysLeft: number;
  selfSigned: boolean;
  /** gateway.tls.acme at work; null when it names no domain. */
  acme: AcmeView | null;
}

export interface AcmeView {
  state: 'starting' | 'ordering' | 'valid' | 'failing';
  /** When the next order (renewal or retry) is due, ISO 8601; null while ordering. */
  nextRenewal: string | null;
  /** The last failure, with domain, challenge and the CA's error; null after a success. */
  lastError: string | null;
}

export interface SecurityView {
  /** Refusals since start, by reason. */
  counts: Record<SecurityReason, number>;
  /** Newest first, at most 100. */
  recent: SecurityEventView[];
  bans: BanView[];
  certificate: CertificateView | null;
}

export interface AuditEntry {
  at: string;
  user: string;
  action: string;
  target: string;
  ok: boolean;
  message: string;
}

export interface StateSnapshot {
  seq: number;
  station: { name: string };
  supervisor: { pid: number; startedAt: string; readOnly: boolean; configFile: string | null };
  now: string;
  historyIntervalSeconds: number;
  /** "ok" | "degraded" (a component not running, a cert expiring within 14 days) | "down" (relay or gateway not running). */
  health: 'ok' | 'degraded' | 'down';
  components: ComponentView[];
  host: HostView | null;
  mounts: MountView[];
  security: SecurityView;
  /** Newest first, at most 50. */
  audit: AuditEntry[];
  /** Sources and players the gateway held across relay restarts, and takeovers; null when it does not say. */
  hold?: HoldView | null;
}

/** What the gateway's holds did since it started (gateway/hold/stats.ts; README, "Relay restarts are not heard"). */
export interface HoldView {
  /** Held right now: their relay connection (sources) or their mount's pull (players) broke. */
  sourcesHeld: number;
  playersHeld: number;
  /** Holds ever, and how the sources' ended: back on a relay, or let go. */
  sourceHolds: number;
  playerHolds: number;
  sourcesResumed: number;
  sourcesReleased: number;
  /** Time spent held in all, seconds (players: the gaps they heard, summed over players). */
  sourceHoldSeconds: number;
  playerHoldSeconds: number;
  longestHoldSeconds: number;
  /** Audio the bounded hold buffers dropped, oldest first. */
  bytesDropped: number;
  /** Sources replaced by a new connection with their credentials after relay.limits.takeoverAfter of silence. */
  takeovers: number;
  lastTakeover: { mount: string; at: string } | null;
}

export interface LogLine {
  at: string;
  stream: 'stdout' | 'stderr' | 'supervisor';
  text: string;
}

export interface LogPage {
  component: string;
  lines: LogLine[];
}

/**
 * Why a reload was refused (error.code "reload-refused"): the component that refused the new
 * configuration and its own words. The configuration that ran before stays in force everywhere.
 */
export interface ReloadRefusal {
  /** "relay", "gateway" (the only components that take settings live or must start with them). */
  component: string;
  reason: string;
}

export type ActionResult =
  | { ok: true; message: string; snapshot?: StateSnapshot }
  | { ok: false; error: { code: string; message: string; refusal?: ReloadRefusal } };

/**
 * What a running gateway offers the supervisor (RunningGateway.security): refusals, bans and the
 * certificate, and the operator's ban/unban. A ban also closes that address's live connections.
 */
export interface GatewaySecurityApi {
  view(): SecurityView;
  ban(ip: string, seconds: number | null, reason: string): Promise<void>;
  /** false when the address was not banned. */
  unban(ip: string): Promise<boolean>;
}
