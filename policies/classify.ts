// What a request is, from its method and canonical path alone; evaluate.ts decides whether the
// port's role may do it. Paths the relay reserves are recognised in any letter case, so that
// /ADMIN/stats, /Admin;x and /admin.xsl count as admin-like and are never taken for a mount.
import { mountName } from '../config/schema.ts';
import { PLAYLIST_SUFFIX, type PlaylistKind } from '../stream/paths/playlist.ts';
import { HLS_FILE, HLS_PREFIX } from '../stream/paths/hls.ts';
import { assetName, ASSETS_PREFIX } from '../stream/paths/page.ts';

/**
 * push: PUT or SOURCE in any case (Icecast matches methods with strcasecmp,
 * docs/gateway-security.md#method-spellings). read/options: GET, HEAD, OPTIONS exactly as RFC 9110 §9.1 spells them. other: the rest,
 * STREAM, STATS, PLAY, TRACE, CONNECT, POST and lower-case spellings included.
 */
export type Verb = 'push' | 'read' | 'options' | 'other';

export type Target =
  | { readonly kind: 'mount'; readonly mount: string }
  | { readonly kind: 'playlist'; readonly mount: string; readonly format: PlaylistKind }
  | { readonly kind: 'hls'; readonly mount: string; readonly part: 'playlist' | 'segment' }
  /** The listening page, "/", and its files, /assets/<file> (the relay's grammar, relay/page/path.ts). */
  | { readonly kind: 'page' }
  /** Public status: /status-json.xsl and /api/v1/status. */
  | { readonly kind: 'status' }
  /** Any other *.xsl (status.xsl, server_version.xsl, admin templates), any case. */
  | { readonly kind: 'xsl' }
  /** Exactly /admin/metadata: the one admin command a source needs. */
  | { readonly kind: 'metadata' }
  /** Exactly /admin.cgi: SHOUTcast-style metadata updates (password in the query). */
  | { readonly kind: 'admin-cgi' }
  /** /admin… or /api/… in any spelling; `exact` when the relay itself would route it as admin. */
  | { readonly kind: 'admin'; readonly exact: boolean }
  | { readonly kind: 'metrics'; readonly exact: boolean }
  /** OPTIONS * (libshout's TLS upgrade probe). */
  | { readonly kind: 'asterisk' }
  | { readonly kind: 'unknown'; readonly reason: string };

export interface Classified {
  readonly verb: Verb;
  readonly target: Target;
}

/** HLS lives under /hls<mount>/<file> so a token prefix in front of it covers every segment URL (the relay's grammar). */
export { HLS_PREFIX };

const API_STATUS = '/api/v1/status';
const API_ADMIN = /^\/api\/v1\/mounts(\/.+\/listeners)?$/;

export function classify(method: string, path: string): Classified {
  return { verb: verbOf(method), target: targetOf(path) };
}

export function verbOf(method: string): Verb {
  const upper = method.toUpperCase();
  if (upper === 'PUT' || upper === 'SOURCE') return 'push';
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'OPTIONS') return 'options';
  return 'other';
}

export function targetOf(path: string): Target {
  if (path === '*') return { kind: 'asterisk' };
  if (path === '/') return { kind: 'page' };
  const lower = path.toLowerCase();
  // Reserved in any case, like /admin: /ASSETS/x is never a mount either.
  if (lower === ASSETS_PREFIX || lower.startsWith(`${ASSETS_PREFIX}/`)) {
    return assetName(path) !== null ? { kind: 'page' } : unknown(`not ${ASSETS_PREFIX}/<file of the listening page>`);
  }
  if (path === '/admin/metadata') return { kind: 'metadata' };
  if (path === '/admin.cgi') return { kind: 'admin-cgi' };
  // Every spelling the relay, Icecast or a lenient proxy might take for admin: fail closed.
  if (lower.startsWith('/admin')) return { kind: 'admin', exact: path.startsWith('/admin/') };
  if (path === API_STATUS) return { kind: 'status' };
  if (lower === '/api' || lower.startsWith('/api/')) return { kind: 'admin', exact: API_ADMIN.test(path) };
  if (lower === '/metrics' || lower.startsWith('/metrics/')) return { kind: 'metrics', exact: path === '/metrics' };
  if (path === '/status-json.xsl') return { kind: 'status' };
  if (lower.endsWith('.xsl')) return { kind: 'xsl' };
  if (lower.startsWith(`${HLS_PREFIX}/`)) return hlsTarget(path);
  if (lower.endsWith('.m3u8')) return unknown(`HLS playlists live under ${HLS_PREFIX}/`);
  const playlist = PLAYLIST_SUFFIX.exec(path);
  if (playlist) {
    const mount = path.slice(0, -playlist[0].length);
    return isMount(mount) ? { kind: 'playlist', mount, format: playlist[1] as PlaylistKind } : unknown('the playlist does not name a mount');
  }
  return isMount(path) ? { kind: 'mount', mount: path } : unknown('the path is not a mount name');
}

function hlsTarget(path: string): Target {
  const slash = path.lastIndexOf('/');
  const mount = path.slice(HLS_PREFIX.length, slash);
  const file = HLS_FILE.exec(path.slice(slash + 1));
  if (!path.startsWith(`${HLS_PREFIX}/`) || !file || !isMount(mount)) return unknown(`not ${HLS_PREFIX}<mount>/<playlist or segment>`);
  return { kind: 'hls', mount, part: file[1] === 'm3u8' ? 'playlist' : 'segment' };
}

/** A mount name as gateway.yaml accepts it (config/schema.ts). */
export function isMount(path: string): boolean {
  return path.length > 1 && mountName.safeParse(path).success;
}

function unknown(reason: string): Target {
  return { kind: 'unknown', reason };
}
