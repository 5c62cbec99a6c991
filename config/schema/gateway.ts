// The gateway section of gateway.yaml (config/schema.ts joins the sections).
import { z } from 'zod';
import { host, mountName, port, seconds } from './primitives.ts';

/** A DNS name a public CA can issue for: letters, digits and hyphens in dot-separated labels. */
const dnsName = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i, 'must be a DNS name such as radio.example.org (no IP address, no wildcard)');

export const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';

/** gateway.tls.acme: the domains to get a trusted certificate for; none = off. */
export const acmeSchema = z
  .object({
    domains: z.array(dnsName).max(100).default([]),
    email: z.string().email('must be an e-mail address').nullable().default(null),
    directory: z.string().url().refine((u) => u.startsWith('https://'), 'must be an https:// URL').default(LETS_ENCRYPT),
    challenges: z.array(z.enum(['http-01', 'tls-alpn-01'])).min(1).default(['http-01', 'tls-alpn-01']),
    directoryCa: z.string().min(1).nullable().default(null),
  })
  .strict();

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
    /** A mount whose auth is not none is left out of public listings (page, status, streamlist.txt); true lists it. */
    listed: z.boolean().default(false),
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
    /** Sources and players kept connected while the upstream restarts (gateway/hold, gateway/edge). */
    hold: z
      .object({
        /** Seconds an admitted source is held without an upstream before it is disconnected; 0 = not held. */
        sources: seconds.max(300).default(10),
        /** Seconds of a held source's audio kept for the upstream's return; older audio is dropped. */
        buffer: seconds.min(1).max(30).default(4),
        /** Seconds players stay connected when the pull of their mount breaks; 0 = closed at once. */
        players: seconds.max(300).default(15),
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
        /** Certificates from an ACME CA (Let's Encrypt), obtained and renewed by the gateway (docs/acme.md). */
        acme: acmeSchema.prefault({}),
      })
      .strict()
      .refine((t) => (t.cert === null) === (t.key === null), { message: 'set both cert and key, or neither', path: ['key'] })
      .refine((t) => t.acme.domains.length === 0 || t.cert === null, { message: 'set either cert and key or acme.domains, not both', path: ['acme', 'domains'] })
      .prefault({}),
    limits: z
      .object({
        /** Seconds from accepting a connection to its complete first request head (TLS handshake included). */
        headerTimeout: seconds.min(1).default(10),
        /** Bytes of a request head; Icecast reads at most 4095. */
        maxHeaderBytes: z.number().int().min(256).max(4095).default(4095),
        /** Lines of a request head, the request line included; Icecast drops lines past 32. */
        maxHeaders: z.number().int().min(2).max(32).default(32),
        /** New connections per minute from one address (IPv6: one /64) on the listener ports; null = no limit. */
        connectionsPerMinute: z.number().int().min(1).nullable().default(600),
        /** Streams one address (IPv6: one /64) may hold at once on the listener ports; null = no limit. */
        streamsPerAddress: z.number().int().min(1).nullable().default(200),
        /** Connections one address (IPv6: one /64) may hold open at once over every port, counted at accept; null = no limit. */
        connectionsPerAddress: z.number().int().min(1).nullable().default(256),
      })
      .strict()
      .prefault({}),
    /** Keys that sign stream links: key id → secret, oldest first; the last one signs. Empty: a generated key (secrets.yaml). */
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
  // auth: token needs no key here: one is generated into secrets.yaml (config/secrets.ts tokenKeyring).
  .strict();

