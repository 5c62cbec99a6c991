// Icecast's statistics tree (docs/icecast-compatibility.md#statistics-xml): global name/value pairs, then one list of
// name/value pairs per live source, each list in byte order of the names (Icecast keeps them in
// an AVL tree sorted with strcmp). Values are strings, as in Icecast's stats, so the XML and the
// status-json renderers see exactly what Icecast's XSLT sees. Pure: the caller passes the mounts'
// stats, the clock and how to build a listen URL.
import type { MountStats } from '../../stream/types.ts';
import { parseAudioInfo } from '../../stream/source-headers.ts';
import { SERVER_NAME } from '../../stream/responses.ts';
import { isXmlName } from '../admin/xml.ts';

export type StatField = readonly [name: string, value: string];

export interface SourceStats {
  mount: string;
  fields: StatField[];
}

export interface IceStats {
  global: StatField[];
  sources: SourceStats[];
}

export interface ServerInfo {
  hostname: string;
  location: string;
  admin: string;
  /** ms since epoch */
  startedAt: number;
}

/** Fields Icecast's public transforms (status-json.xsl, status.xsl) leave out (docs/icecast-compatibility.md#public-json-status). */
const HIDDEN_SOURCE_FIELDS = new Set(['max_listeners', 'public', 'source_ip', 'slow_listeners', 'user_agent']);
const HIDDEN_GLOBAL_FIELDS = new Set(['sources', 'clients', 'stats', 'listeners']);

export function isPublicField(level: 'global' | 'source', name: string): boolean {
  if (name.includes('connections')) return false;
  if (level === 'global') return !HIDDEN_GLOBAL_FIELDS.has(name);
  return !HIDDEN_SOURCE_FIELDS.has(name) && !name.includes('total_bytes');
}

/** "Fri, 20 Nov 2026 22:22:28 +0000": Icecast's stream_start and server_start, always in UTC here. */
export function icecastTime(ms: number): string {
  return new Date(ms).toUTCString().replace(/ GMT$/, ' +0000');
}

/** "2026-11-20T22:22:28+0000" */
export function icecastIsoTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}

export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sorted(fields: Map<string, string>): StatField[] {
  return [...fields].sort(([a], [b]) => byName(a, b));
}

export function globalStats(server: ServerInfo, mounts: readonly MountStats[]): StatField[] {
  const live = mounts.filter((m) => m.live);
  const listeners = mounts.reduce((n, m) => n + m.listeners, 0);
  return sorted(
    new Map([
      ['admin', server.admin],
      // Connected listeners and sources; Icecast also counts admin requests in flight.
      ['clients', String(listeners + live.length)],
      ['host', server.hostname],
      ['listeners', String(listeners)],
      ['location', server.location],
      ['server_id', SERVER_NAME],
      ['server_start', icecastTime(server.startedAt)],
      ['server_start_iso8601', icecastIsoTime(server.startedAt)],
      ['sources', String(live.length)],
      // Clients of Icecast's stats stream, which the relay does not offer.
      ['stats', '0'],
    ]),
  );
}

const OGG_SUBTYPES: Partial<Record<NonNullable<MountStats['codec']>, string>> = { vorbis: 'Vorbis', opus: 'Opus' };

/** One live source's fields, named and formatted as Icecast 2.4.4's source.c sets them. */
export function sourceFields(m: MountStats, listenUrl: string): StatField[] {
  const f = new Map<string, string>();
  const d = m.description;
  if (d.audioInfo !== undefined) {
    f.set('audio_info', d.audioInfo);
    // Icecast also publishes each ice-audio-info pair as a field of its own; names from a source
    // must still be valid element names.
    for (const [k, v] of parseAudioInfo(d.audioInfo)) if (isXmlName(k)) f.set(k, v);
  }
  const a = m.audioInfo;
  if (a.samplerate !== undefined) f.set('audio_samplerate', String(a.samplerate));
  if (a.channels !== undefined) f.set('audio_channels', String(a.channels));
  if (a.bitrate !== undefined) f.set('audio_bitrate', String(a.bitrate * 1000));
  const bitrate = d.bitrate ?? a.bitrate;
  if (bitrate !== undefined) f.set('bitrate', String(bitrate));
  f.set('genre', d.genre ?? 'various');
  f.set('listener_peak', String(m.listenerPeak));
  f.set('listeners', String(m.listeners));
  f.set('listenurl', listenUrl);
  f.set('max_listeners', m.maxListeners < 0 ? 'unlimited' : String(m.maxListeners));
  f.set('public', m.public ? '1' : '0');
  f.set('server_description', d.description ?? 'Unspecified description');
  f.set('server_name', d.name ?? 'Unspecified name');
  if (m.contentType !== null) f.set('server_type', m.contentType);
  if (d.url !== undefined) f.set('server_url', d.url);
  f.set('slow_listeners', String(m.slowListeners));
  if (m.sourceIp !== null) f.set('source_ip', m.sourceIp);
  if (m.streamStart !== null) {
    f.set('stream_start', icecastTime(m.streamStart));
    f.set('stream_start_iso8601', icecastIsoTime(m.streamStart));
  }
  const subtype = m.codec ? OGG_SUBTYPES[m.codec] : undefined;
  if (subtype !== undefined) f.set('subtype', subtype);
  if (m.title !== '') f.set('title', m.title);
  f.set('total_bytes_read', String(m.bytesRead));
  f.set('total_bytes_sent', String(m.bytesSent));
  if (m.userAgent) f.set('user_agent', m.userAgent);
  return sorted(f);
}

export interface StatsOptions {
  /** Keep hidden mounts (the admin view). */
  includeHidden: boolean;
  /** Only this mount's source. */
  mount?: string;
  listenUrl(mount: string): string;
}

/** The tree for live sources, in byte order of the mount names. */
export function iceStats(server: ServerInfo, mounts: readonly MountStats[], o: StatsOptions): IceStats {
  const sources = mounts
    .filter((m) => m.live && (o.includeHidden || !m.hidden) && (o.mount === undefined || m.mount === o.mount))
    .sort((a, b) => byName(a.mount, b.mount))
    .map((m) => ({ mount: m.mount, fields: sourceFields(m, o.listenUrl(m.mount)) }));
  return { global: globalStats(server, mounts), sources };
}
