// GET and HEAD of /hls<mount>/live.m3u8 and its segments. The playlist opens (or refreshes) the
// client's listener session and is refused like a stream when the mount is full; segments are
// served from memory while they exist, and are 404 once expired. Caching
// (docs/hls.md#caching): the playlist changes every segment, so caches must revalidate it; a
// segment never changes under its name, so it is immutable for as long as it is kept.
import type { Route, RouteRequest } from '../http-app.ts';
import { CORS_HEADERS } from '../../stream/cors.ts';
import { sendError } from '../http-reply.ts';
import { PLAYLIST_CONTENT_TYPE, PLAYLIST_FILE, SEGMENT_CONTENT_TYPE, isHlsPath, parseHlsPath } from '../../stream/paths/hls.ts';
import { renderPlaylist } from './playlist.ts';
import type { HlsService } from './service.ts';
import { EXTRA_SEGMENTS, type SegmentWindow } from './segment-window.ts';

/** How long a playlist request waits for a just-started source's first segment, in target durations. */
const FIRST_SEGMENT_WAIT_TARGETS = 1.5;

export function hlsRoute(hls: HlsService): Route {
  const { targetDuration, windowSegments } = hls.settings;
  const segmentMaxAge = (windowSegments + EXTRA_SEGMENTS) * targetDuration;
  return async (ctx, r) => {
    if (!isHlsPath(r.path) || (r.method !== 'GET' && r.method !== 'HEAD')) return false;
    const at = parseHlsPath(r.path);
    const mount = at ? ctx.registry.get(at.mount) : undefined;
    const packager = mount ? hls.packagerOf(mount) : undefined;
    // Just after a restart, before the held source is back: the window the killed relay left.
    const restored = at && (!packager || !packager.serving) ? hls.restoredWindow(at.mount) : undefined;
    if (at && restored) return serveRestored(r, at.file, restored, segmentMaxAge);
    if (!at || !mount || !packager) return notFound(r);
    const client = { ip: r.client.ip, userAgent: r.req.headers['user-agent'] ?? '', link: r.client.prefix };

    if (at.part === 'segment') {
      const segment = packager.window.get(at.file);
      if (!segment) return notFound(r);
      const session = hls.sessions.touch(mount, client);
      const headers = ['Content-Type', SEGMENT_CONTENT_TYPE[segment.codec], 'Cache-Control', `public, max-age=${segmentMaxAge}, immutable`];
      if (r.method === 'GET' && session) session.bytesSent += segment.data.length;
      if (r.method === 'GET') mount.sent(segment.data.length);
      return send(r, headers, segment.data);
    }

    if (at.file !== PLAYLIST_FILE) return notFound(r);
    // Only MP3 and AAC are packed (RFC 8216 §3.4); an Ogg mount has no playlist to wait for.
    const packable = mount.codec === 'mp3' || mount.codec === 'aac';
    if (packable && mount.live && packager.window.size === 0) await packager.ready(ctx.clock, FIRST_SEGMENT_WAIT_TARGETS * targetDuration * 1000);
    if (!packager.serving) return notFound(r);
    if (r.method === 'GET') {
      const admission = hls.sessions.open(mount, client);
      if (!admission.ok) return sendError(r.res, admission.code), true;
    } else {
      hls.sessions.touch(mount, client);
    }
    const body = Buffer.from(renderPlaylist(packager.window.playlist()), 'utf8');
    return send(r, ['Content-Type', PLAYLIST_CONTENT_TYPE, 'Cache-Control', 'no-cache'], body);
  };
}

/** A restored window, read-only: nobody is counted while the mount has no source. */
function serveRestored(r: RouteRequest, file: string, window: SegmentWindow, segmentMaxAge: number): true {
  if (file === PLAYLIST_FILE) return send(r, ['Content-Type', PLAYLIST_CONTENT_TYPE, 'Cache-Control', 'no-cache'], Buffer.from(renderPlaylist(window.playlist()), 'utf8'));
  const segment = window.get(file);
  if (!segment) return notFound(r);
  return send(r, ['Content-Type', SEGMENT_CONTENT_TYPE[segment.codec], 'Cache-Control', `public, max-age=${segmentMaxAge}, immutable`], segment.data);
}

function send(r: RouteRequest, headers: string[], body: Buffer): true {
  if (r.res.destroyed) return true;
  r.res.writeHead(200, [...headers, 'Content-Length', String(body.length), ...CORS_HEADERS.flat()]);
  // The body is at most one segment, already in memory and shared, so one write is bounded.
  r.res.end(r.method === 'HEAD' ? undefined : body);
  return true;
}

function notFound(r: RouteRequest): true {
  sendError(r.res, 'RELAY_NOT_FOUND');
  return true;
}
