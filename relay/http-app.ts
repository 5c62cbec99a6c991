// Requests that are neither a source nor a stream: CORS preflights, HEAD of a mount, playlists,
// and (from their own modules) status pages, the admin API and metrics. One literal route list,
// tried in order; the first route that answers wins.
import type http from 'node:http';
import type { RelayContext } from '../stream/context.ts';
import type { Forwarded } from '../stream/client-ip.ts';
import { clientOfRequest } from './forwarded.ts';
import { CORS_HEADERS } from '../stream/cors.ts';
import { icyLines, wantsIcy } from '../stream/listener-head.ts';
import { PLAYLIST_SUFFIX, playlist, safeHost, type PlaylistKind } from './playlists.ts';
import { sendError, sendText } from './http-reply.ts';
import { canonicalPath } from '../stream/paths/request.ts';
import { isHlsPath } from '../stream/paths/hls.ts';
import { isPagePath } from '../stream/paths/page.ts';

export interface RouteRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  method: string;
  /** Decoded once and checked (no dot segments, no //, no NUL). */
  path: string;
  query: URLSearchParams;
  client: Forwarded;
}

/** A route answers (returns true) or passes (false). */
export type Route = (ctx: RelayContext, r: RouteRequest) => boolean | Promise<boolean>;

/** Public base URL as the client saw it: scheme and Host from the (trusted) request. */
export function publicBase(ctx: RelayContext, client: Forwarded): string {
  const host = safeHost(client.host) ?? `${ctx.config.hostname}:${ctx.config.port}`;
  return `${client.proto}://${host}`;
}

const preflight: Route = (_ctx, r) => {
  if (r.method !== 'OPTIONS') return false;
  r.res.writeHead(204, [...CORS_HEADERS.flat(), 'Access-Control-Max-Age', '86400']);
  r.res.end();
  return true;
};

const headOfMount: Route = (ctx, r) => {
  // HLS and page paths are never mounts (reserved-paths.ts); their routes answer HEAD themselves.
  if (r.method !== 'HEAD' || isHlsPath(r.path) || isPagePath(r.path)) return false;
  const admission = ctx.registry.admitListener(r.path);
  if (!admission.ok) return sendError(r.res, admission.code), true;
  const stats = admission.mount.stats();
  const headers: string[] = ['Content-Type', stats.contentType ?? 'application/octet-stream', 'Cache-Control', 'no-cache, no-store'];
  headers.push('Expires', 'Mon, 26 Jul 1997 05:00:00 GMT', 'Pragma', 'no-cache', ...CORS_HEADERS.flat());
  for (const line of icyLines(stats)) {
    const i = line.indexOf(':');
    headers.push(line.slice(0, i), line.slice(i + 1).trim());
  }
  if (wantsIcy(r.req.headers['icy-metadata'] as string | undefined, stats.codec)) headers.push('icy-metaint', String(admission.mount.settings.metadataInterval));
  r.res.writeHead(200, headers);
  r.res.end();
  return true;
};

const playlists: Route = (ctx, r) => {
  const m = PLAYLIST_SUFFIX.exec(r.path);
  if (!m || r.method !== 'GET') return false;
  const mountName = r.path.slice(0, -m[0].length);
  const mount = ctx.registry.get(mountName);
  if (!mount || mount.settings.hidden) return false;
  const stats = mount.stats();
  // Through a stream link the player must come back through the same link (client-ip.ts prefix).
  const p = playlist(m[1] as PlaylistKind, `${publicBase(ctx, r.client)}${r.client.prefix}${mountName}`, stats.description.name ?? mountName);
  sendText(r.res, 200, p.contentType, p.body);
  return true;
};

const notFound: Route = (_ctx, r) => {
  sendError(r.res, r.method === 'GET' ? 'RELAY_NOT_FOUND' : 'RELAY_UNKNOWN_REQUEST');
  return true;
};

/** `routes`: endpoints of other modules (status pages, admin API, metrics), tried after the built-ins. */
export function createHttpHandler(ctx: RelayContext, routes: readonly Route[] = []): http.RequestListener {
  return (req, res) => {
    // One request per connection, as Icecast does: the next request on this socket must go
    // through the strict head parser again, never straight into Node's parser.
    res.shouldKeepAlive = false;
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const checked = canonicalPath(q < 0 ? raw : raw.slice(0, q));
    if (checked.kind === 'error') return sendError(res, 'RELAY_BAD_REQUEST', { detail: checked.message });
    const path = checked.path;
    const r: RouteRequest = {
      req,
      res,
      method: req.method ?? 'GET',
      path,
      query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
      // Believes forwarding fields only with the forward key, and takes the key out (forwarded.ts).
      client: clientOfRequest(ctx, req),
    };
    void run(ctx, r, routes).catch(() => {
      if (!res.headersSent) sendError(res, 'RELAY_INTERNAL');
      else res.destroy();
    });
  };
}

async function run(ctx: RelayContext, r: RouteRequest, routes: readonly Route[]): Promise<void> {
  for (const route of [preflight, headOfMount, playlists, ...routes, notFound]) {
    if (await route(ctx, r)) return;
  }
}
