// The relay section of gateway.yaml (config/schema.ts joins the sections).
import { z } from 'zod';
import { bytes, mountName, port, seconds, secret } from './primitives.ts';

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
        /**
         * Seconds of audio sent at once to a new listener so players start immediately; turned
         * into bytes from the mount's bitrate (stream/burst.ts). 0 = no burst.
         */
        burstSeconds: seconds.max(30).default(2.5),
        /** Bytes instead (Icecast's burst-size), whatever the bitrate; wins over burstSeconds. null = burstSeconds decides. */
        burstSize: bytes.nullable().default(null),
        /** Seconds to receive a complete request head. */
        headerTimeout: seconds.min(1).default(15),
        /** Seconds without data before a source is dropped. */
        sourceTimeout: seconds.min(1).default(10),
        /** Seconds listeners are held while their source reconnects (Icecast cuts them at once). */
        sourceGrace: seconds.default(10),
        /**
         * Seconds a live source must have sent nothing before a new connection with the same
         * credentials may take its mount over (stream/takeover.ts); until then: 403 Mountpoint in use.
         */
        takeoverAfter: seconds.min(1).default(3),
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
