// The relay's own JSON API (/api/v1, documented field by field in docs/api.md): what the
// dashboard and scripts read instead of Icecast's status-json quirks. Mounts are always an array,
// each names its mount, times are ISO 8601 in UTC, and absent values are null rather than missing.
// Pure: built from MountStats and ListenerStats.
import type { Codec, ListenerStats, MountStats } from '../../stream/types.ts';
import { SERVER_NAME } from '../../stream/responses.ts';
import { byName, type ServerInfo } from './icestats.ts';

export interface ApiServer {
  id: string;
  host: string;
  location: string;
  admin: string;
  startedAt: string;
  now: string;
}

export interface ApiMount {
  mount: string;
  live: boolean;
  listenUrl: string;
  name: string | null;
  description: string | null;
  genre: string | null;
  url: string | null;
  contentType: string | null;
  format: Codec | null;
  bitrate: number | null;
  samplerate: number | null;
  channels: number | null;
  title: string;
  streamStart: string | null;
  listeners: number;
  listenerPeak: number;
}

export interface ApiAdminMount extends ApiMount {
  hidden: boolean;
  public: boolean;
  artist: string;
  sourceKind: MountStats['sourceKind'];
  sourceIp: string | null;
  userAgent: string | null;
  audioInfo: string | null;
  maxListeners: number | null;
  slowListeners: number;
  bytesRead: number;
  bytesSent: number;
  sourceReconnects: number;
  fallbackMount: string | null;
}

export interface ApiListener {
  id: number;
  ip: string;
  userAgent: string;
  connectedAt: string;
  seconds: number;
  bytesSent: number;
  mount: string;
  auth: string;
  username: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function apiServer(server: ServerInfo, now: number): ApiServer {
  return { id: SERVER_NAME, host: server.hostname, location: server.location, admin: server.admin, startedAt: iso(server.startedAt), now: iso(now) };
}

export function apiMount(m: MountStats, listenUrl: string): ApiMount {
  const d = m.description;
  return {
    mount: m.mount,
    live: m.live,
    listenUrl,
    name: d.name ?? null,
    description: d.description ?? null,
    genre: d.genre ?? null,
    url: d.url ?? null,
    contentType: m.contentType,
    format: m.codec,
    bitrate: d.bitrate ?? m.audioInfo.bitrate ?? null,
    samplerate: m.audioInfo.samplerate ?? null,
    channels: m.audioInfo.channels ?? null,
    title: m.title,
    streamStart: m.streamStart === null ? null : iso(m.streamStart),
    listeners: m.listeners,
    listenerPeak: m.listenerPeak,
  };
}

export function apiAdminMount(m: MountStats, listenUrl: string): ApiAdminMount {
  return {
    ...apiMount(m, listenUrl),
    hidden: m.hidden,
    public: m.public,
    artist: m.artist,
    sourceKind: m.sourceKind,
    sourceIp: m.sourceIp,
    userAgent: m.userAgent,
    audioInfo: m.description.audioInfo ?? null,
    maxListeners: m.maxListeners < 0 ? null : m.maxListeners,
    slowListeners: m.slowListeners,
    bytesRead: m.bytesRead,
    bytesSent: m.bytesSent,
    sourceReconnects: m.sourceReconnects,
    fallbackMount: m.fallbackMount,
  };
}

export function apiListener(l: ListenerStats, now: number): ApiListener {
  return {
    id: l.id,
    ip: l.ip,
    userAgent: l.userAgent,
    connectedAt: iso(l.connectedAt),
    seconds: Math.max(0, Math.floor((now - l.connectedAt) / 1000)),
    bytesSent: l.bytesSent,
    mount: l.mount,
    auth: l.auth,
    username: l.username ?? null,
  };
}

export function sortedMounts(mounts: readonly MountStats[]): MountStats[] {
  return [...mounts].sort((a, b) => byName(a.mount, b.mount));
}
