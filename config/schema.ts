// The single declaration of gateway.yaml: shape, defaults and limits.
// The shipped gateway.yaml documents every key; test/config/defaults.test.ts keeps the two equal.
// Names follow Icecast's vocabulary (queueSize, burstSize, sourceTimeout, fallbackMount …) so an
// Icecast operator recognises them.
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const seconds = z.number().min(0);
const bytes = z.number().int().min(0);
const secret = z.string().min(8, 'must be at least 8 characters').nullable();

/** A mount name as Icecast spells it: starts with "/", no spaces, no dot segments. */
export const mountName = z
  .string()
  .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@\-/]*$/, 'must start with "/" and contain only URL path characters')
  .refine((m) => !m.split('/').some((s) => s === '.' || s === '..') && !m.includes('//'), 'must not contain "//" or dot segments');

export const mountSchema = z
  .object({
    /** Source credentials for this mount only; default: the global source user and password. */
    username: z.string().min(1).nullable().default(null),
    password: secret.default(null),
    /** -1 = unlimited. */
    maxListeners: z.number().int().min(-1).default(-1),
    /** Seconds until a listener is disconnected; 0 = never. */
    maxListenerDuration: seconds.default(0),
    fallbackMount: mountName.nullable().default(null),
    /** Pull listeners back from the fallback when this mount's source returns. */
    fallbackOverride: z.boolean().default(true),
    /** Send new listeners to the fallback instead of refusing them when maxListeners is reached. */
    fallbackWhenFull: z.boolean().default(false),
    /** Hidden mounts are left out of public status, streamlist.txt and the listening page. */
    hidden: z.boolean().default(false),
    /** null = the source decides (ice-public). */
    public: z.boolean().nullable().default(null),
    streamName: z.string().nullable().default(null),
    streamDescription: z.string().nullable().default(null),
    streamUrl: z.string().nullable().default(null),
    genre: z.string().nullable().default(null),
    bitrate: z.number().int().min(0).nullable().default(null),
    /** Per-mount overrides of relay.limits; null = the global value. */
    burstSize: bytes.nullable().default(null),
    queueSize: bytes.nullable().default(null),
    sourceTimeout: seconds.nullable().default(null),
    /** ICY metadata interval in bytes (icy-metaint). */
    metadataInterval: z.number().int().min(256).max(65535).default(16000),
    /** An MP3 file looped in real time as this mount (e.g. a "we will be right back" fallback). */
    file: z.string().min(1).nullable().default(null),
  })
  .strict();

export const relayPullSchema = z
  .object({
    /** Upstream mount URL, http:// or https://, e.g. http://master.example:8000/live.mp3 */
    url: z.string().url(),
    /** The mount name here; default: the upstream mount's path. */
    localMount: mountName.nullable().default(null),
    username: z.string().nullable().default(null),
    password: z.string().nullable().default(null),
    /** Connect upstream only while someone listens. */
    onDemand: z.boolean().default(false),
    /** Ask the upstream for ICY metadata so titles are relayed. */
    icyMetadata: z.boolean().default(true),
  })
  .strict();

export const masterSchema = z
  .object({
    /** Base URL of the master, e.g. http://master.example:8000 */
    url: z.string().url(),
    username: z.string().default('relay'),
    password: z.string().nullable().default(null),
    /** Seconds between /admin/streamlist.txt polls (Icecast: master-update-interval). */
    updateInterval: seconds.default(120),
    onDemand: z.boolean().default(false),
  })
  .strict();

export const relaySchema = z
  .object({
    /** Address of the relay core. Loopback: the gateway is the public front door. */
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(8100),
    /** Host name used in listen URLs when a request carries no usable Host header. */
    hostname: z.string().min(1).default('localhost'),
    location: z.string().default('Earth'),
    admin: z.string().default('icemaster@localhost'),
    /** Peers whose X-Forwarded-For / X-Forwarded-Proto / Host are believed (the gateway). CIDR. */
    trustedProxies: z.array(z.string()).default(['127.0.0.1/32', '::1/128']),
    limits: z
      .object({
        /** Listeners over all mounts. */
        clients: z.number().int().min(1).default(10000),
        sources: z.number().int().min(1).default(16),
        /** Bytes a listener may fall behind before it is dropped as slow. 512 KiB. */
        queueSize: bytes.min(16384).default(524288),
        /** Bytes sent at once to a new listener so players start immediately. 64 KiB. */
        burstSize: bytes.default(65536),
        /** Seconds to receive a complete request head. */
        headerTimeout: seconds.min(1).default(15),
        /** Seconds without data before a source is dropped. */
        sourceTimeout: seconds.min(1).default(10),
        /** Seconds listeners are held while their source reconnects (Icecast cuts them at once). */
        sourceGrace: seconds.default(10),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        sourceUser: z.string().min(1).default('source'),
        /** null = generated on first start into stateDir/secrets.yaml. */
        sourcePassword: secret.default(null),
        adminUser: z.string().min(1).default('admin'),
        adminPassword: secret.default(null),
        /** Credentials slaves use for /admin/streamlist.txt. */
        relayUser: z.string().min(1).default('relay'),
        relayPassword: secret.default(null),
      })
      .strict()
      .prefault({}),
    /** SHOUTcast v1 source protocol for old encoders: password line, OK2 reply. */
    shoutcast: z
      .object({
        enabled: z.boolean().default(false),
        port: port.default(8101),
        mount: mountName.default('/stream'),
      })
      .strict()
      .prefault({}),
    /** HLS output of every MP3 and AAC mount at /hls<mount>/live.m3u8 (relay/hls). */
    hls: z
      .object({
        enabled: z.boolean().default(true),
        /** Seconds per segment at most (EXT-X-TARGETDURATION, a whole number); latency is about 3-4 times this. */
        targetDuration: z.number().int().min(1).max(30).default(2),
        /** Segments the playlist lists; at least 3 (RFC 8216 §6.2.2: three target durations). */
        windowSegments: z.number().int().min(3).max(30).default(6),
      })
      .strict()
      .prefault({}),
    mounts: z.record(mountName, mountSchema).default({}),
    relays: z.array(relayPullSchema).default([]),
    master: masterSchema.nullable().default(null),
  })
  .strict();

const host = z.string().min(1);

/** How listeners of one mount are let in (gateway.mounts). */
export const listenerAuthSchema = z
  .object({
    /** none: public; token: signed links only; htpasswd: Basic auth; webhook: Icecast URL auth (listener_add). */
    auth: z.enum(['none', 'token', 'htpasswd', 'webhook']).default('none'),
    /** bcrypt htpasswd file (icegate passwd), for auth: htpasswd. Relative to the config file. */
    htpasswd: z.string().min(1).nullable().default(null),
    /** The backend asked about each listener, for auth: webhook. */
    webhook: z
      .object({
        url: z
          .string()
          .url()
          .refine((u) => /^https?:\/\//i.test(u), 'must be an http:// or https:// URL'),
        /** Seconds to wait for the backend; a slow or dead backend refuses the listener (503). */
        timeout: z.number().min(0.1).max(60).default(5),
        /** Header fields sent with every request to the backend (e.g. its own credentials). */
        headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header field name'), z.string()).default({}),
      })
      .strict()
      .nullable()
      .default(null),
    /** Concurrent listeners per signed link on this mount, whatever the link allows; null = the link's own limit. */
    maxUsesPerToken: z.number().int().min(1).nullable().default(null),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.auth === 'htpasswd' && m.htpasswd === null) ctx.addIssue({ code: 'custom', message: 'auth: htpasswd needs a file', path: ['htpasswd'] });
    if (m.auth === 'webhook' && m.webhook === null) ctx.addIssue({ code: 'custom', message: 'auth: webhook needs a webhook', path: ['webhook'] });
  });

export const gatewaySchema = z
  .object({
    /** Where allowed requests go: the relay core, or a real Icecast 2. http:// only (loopback). */
    upstream: z
      .string()
      .url()
      .refine((u) => /^http:\/\/[^/?#]+\/?$/i.test(u), 'must be http://host:port with no path')
      .default('http://127.0.0.1:8100'),
    /**
     * The gateway's credentials towards the upstream: its pulls, and the channel that reports its
     * listeners to the relay core. null = the relay core's relay user when the upstream is this
     * config's relay core; none otherwise.
     */
    upstreamAuth: z
      .object({ username: z.string().min(1), password: z.string().min(1) })
      .strict()
      .nullable()
      .default(null),
    /** Players: GET, HEAD and OPTIONS of mounts, playlists, HLS, the listening page, public status. */
    listener: z
      .object({
        host: host.default('0.0.0.0'),
        port: port.default(8000),
        tlsPort: port.default(8443),
      })
      .strict()
      .prefault({}),
    /** Encoders: PUT or SOURCE to a mount, and /admin/metadata. TLS; `plainPort` is for local encoders. */
    source: z
      .object({
        host: host.default('0.0.0.0'),
        port: port.default(8001),
        /** Unencrypted source port; null = none. Bound to `plainHost` only. */
        plainPort: port.nullable().default(null),
        plainHost: host.default('127.0.0.1'),
      })
      .strict()
      .prefault({}),
    /** The admin API and /metrics, over TLS, on loopback by default. */
    admin: z
      .object({
        host: host.default('127.0.0.1'),
        port: port.default(8444),
        /** Require a client certificate issued by the private CA in stateDir. */
        clientCertificates: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /** PEM files of the server certificate and key; both null = self-signed, generated into stateDir. */
    tls: z
      .object({
        cert: z.string().min(1).nullable().default(null),
        key: z.string().min(1).nullable().default(null),
      })
      .strict()
      .refine((t) => (t.cert === null) === (t.key === null), { message: 'set both cert and key, or neither', path: ['key'] })
      .prefault({}),
    limits: z
      .object({
        /** Seconds to receive a complete request head. */
        headerTimeout: seconds.min(1).default(10),
        /** Bytes of a request head; Icecast reads at most 4095. */
        maxHeaderBytes: z.number().int().min(256).max(4095).default(4095),
        /** Lines of a request head, the request line included; Icecast drops lines past 32. */
        maxHeaders: z.number().int().min(2).max(32).default(32),
        /** New connections per minute from one address (IPv6: one /64) on the listener ports; null = no limit. */
        connectionsPerMinute: z.number().int().min(1).nullable().default(600),
        /** Streams one address (IPv6: one /64) may hold at once on the listener ports; null = no limit. */
        streamsPerAddress: z.number().int().min(1).nullable().default(200),
      })
      .strict()
      .prefault({}),
    /** Keys that sign stream links (icegate token): key id → secret, oldest first; the last one signs. */
    tokens: z
      .object({
        keys: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 of A-Z a-z 0-9 _ -'), z.string().min(16, 'must be at least 16 characters')).default({}),
      })
      .strict()
      .prefault({}),
    /** Listener authentication per mount; a mount without an entry is public. */
    mounts: z.record(mountName, listenerAuthSchema).default({}),
    /** Brute-force protection of every credential (gateway/rate-limit.ts) and where operator bans are kept. */
    rateLimit: z
      .object({
        /** memory: this gateway only; redis: counts, blocks and bans shared by every gateway on one Redis. */
        store: z.enum(['memory', 'redis']).default('memory'),
        /** redis://[user:password@]host:port[/db] or rediss:// (TLS); for store: redis. */
        redis: z
          .string()
          .url()
          .refine((u) => /^rediss?:\/\//i.test(u), 'must be a redis:// or rediss:// URL')
          .nullable()
          .default(null),
        /** Consecutive failed logins for one user from one address before it is blocked. */
        consecutiveFailures: z.number().int().min(1).default(10),
        /** Seconds that block lasts. */
        consecutiveBlock: z.number().int().min(1).default(3600),
        /** Failed logins from one address in a day, whatever the user, before it is blocked. */
        dailyFailures: z.number().int().min(1).default(100),
        /** Seconds that block lasts. */
        dailyBlock: z.number().int().min(1).default(86400),
        /** A credential block also closes every open connection of that address. */
        closeOnBan: z.boolean().default(false),
      })
      .strict()
      .refine((r) => r.store !== 'redis' || r.redis !== null, { message: 'store: redis needs a redis URL', path: ['redis'] })
      .prefault({}),
    privacy: z
      .object({
        /** Cut listener addresses to /24 (IPv4) or /48 (IPv6) in logs, upstream and the security view. */
        anonymizeIps: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (Object.keys(g.tokens.keys).length > 0) return;
    for (const [name, m] of Object.entries(g.mounts)) {
      if (m.auth === 'token') ctx.addIssue({ code: 'custom', message: 'auth: token needs a key in gateway.tokens.keys', path: ['mounts', name, 'auth'] });
    }
  });

/** An extra program run and restarted by `icegate start` (an ffmpeg capture, a real Icecast 2 …). */
export const componentSchema = z
  .object({
    /** Shown in the dashboard and used by the control API; relay and gateway are taken. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 of a-z 0-9 _ -, starting with a letter or digit')
      .refine((n) => n !== 'relay' && n !== 'gateway' && n !== 'supervisor', 'relay, gateway and supervisor are built-in names'),
    /** The program and its arguments; no shell. */
    command: z.array(z.string().min(1)).min(1),
    /** always: whatever the exit; on-failure: not after exit code 0; never: run once. */
    restart: z.enum(['always', 'on-failure', 'never']).default('always'),
    /** Added to the supervisor's environment. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name'), z.string()).default({}),
    /** Working directory, relative to the config file; null = the config file's directory. */
    cwd: z.string().min(1).nullable().default(null),
    stopSignal: z.enum(['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2']).default('SIGTERM'),
    /** Seconds between stopSignal and SIGKILL to the whole process group. */
    stopTimeout: seconds.min(0.1).default(10),
    /** Started after these components are ready (relay, gateway or another component's name). */
    dependsOn: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const supervisorSchema = z
  .object({
    /** The control socket's private directory (created 0750); null = <stateDir>/run. Relative to the config file. */
    runtimeDir: z.string().min(1).nullable().default(null),
    /** The control API only reads: every action answers 403. */
    readOnly: z.boolean().default(false),
    /** Run the relay core; false when an extra component (a real Icecast 2) is gateway.upstream. */
    useRelay: z.boolean().default(true),
    /** Per-component log files under <stateDir>/logs/. */
    logs: z
      .object({
        /** Bytes of one file before it is rotated; 10 MiB. */
        maxBytes: bytes.min(4096).default(10485760),
        /** Rotated files kept besides the current one. */
        files: z.number().int().min(1).max(100).default(5),
      })
      .strict()
      .prefault({}),
    components: z.array(componentSchema).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    s.components.forEach((c, i) => {
      if (names.has(c.name)) ctx.addIssue({ code: 'custom', message: `a second component named ${c.name}`, path: ['components', i, 'name'] });
      names.add(c.name);
    });
    const known = new Set([...names, 'relay', 'gateway']);
    s.components.forEach((c, i) =>
      c.dependsOn.forEach((d, j) => {
        if (!known.has(d) || d === c.name) ctx.addIssue({ code: 'custom', message: `unknown component ${d}`, path: ['components', i, 'dependsOn', j] });
      }),
    );
  });

export const configSchema = z
  .object({
    station: z
      .object({
        /** Shown on the listening page and the dashboard. */
        name: z.string().min(1).default('icegate'),
      })
      .strict()
      .prefault({}),
    /** Generated secrets and certificates live here (created 0700). Relative to the config file. */
    stateDir: z.string().min(1).default('./state'),
    relay: relaySchema.prefault({}),
    gateway: gatewaySchema.prefault({}),
    supervisor: supervisorSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type RelayConfig = Config['relay'];
export type GatewayConfig = Config['gateway'];
export type MountConfig = z.infer<typeof mountSchema>;
export type RelayPullConfig = z.infer<typeof relayPullSchema>;
export type MasterConfig = z.infer<typeof masterSchema>;
export type ListenerAuthConfig = z.infer<typeof listenerAuthSchema>;
export type SupervisorConfig = Config['supervisor'];
export type ComponentConfig = z.infer<typeof componentSchema>;

/** Passwords after secrets were filled in: never null at run time. */
export interface ResolvedSecrets {
  sourcePassword: string;
  adminPassword: string;
  relayPassword: string;
}
