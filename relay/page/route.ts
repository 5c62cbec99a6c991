// GET and HEAD of the listening page "/" and its files under /assets/. The page is rendered per
// request (its mounts and titles change) and revalidated by ETag; a file linked with its current
// version is immutable, any other spelling of it must revalidate. Unknown files are 404: only the
// fixed list in assets.ts is ever served, so no path reaches the file system.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { Route, RouteRequest } from '../http-app.ts';
import { sendError } from '../http-reply.ts';
import { allMountStats } from '../status/snapshot.ts';
import { assetUrl, HLS_SCRIPT, type Asset, type PageAssets } from './assets.ts';
import { pageMounts } from './mounts.ts';
import { assetName, isPagePath, PAGE_PATH } from '../../stream/paths/page.ts';
import { renderPage } from './render.ts';

export interface PageOptions {
  /** station.name */
  station: string;
  /** relay.hls.enabled */
  hls: boolean;
}

/**
 * Scripts, styles and media from this origin only, no inline code, no plugins, no forms, no
 * <base>. blob: is for hls.js: its media source (media-src) and its transmuxing worker (worker-src).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const COMMON = [
  'X-Content-Type-Options', 'nosniff',
  // A stream link's token is in the page's URL: it must not travel on in a Referer.
  'Referrer-Policy', 'no-referrer',
  // Web players and visualisers on other sites may load the files (docs/hls.md#cors-and-visualisers).
  'Access-Control-Allow-Origin', '*',
];

export function pageRoute(assets: PageAssets, o: PageOptions): Route {
  const css = assets.files.get('page.css')!;
  const js = assets.files.get('page.js')!;
  const hlsScript = assets.files.get(HLS_SCRIPT);
  return (ctx, r) => {
    if (!isPagePath(r.path) || (r.method !== 'GET' && r.method !== 'HEAD')) return false;
    if (r.path === PAGE_PATH) {
      const html = renderPage(assets.template, {
        station: o.station,
        mounts: pageMounts(allMountStats(ctx), r.client.linkMount),
        hls: o.hls && hlsScript !== undefined,
        css: assetUrl(css),
        js: assetUrl(js),
        hlsScript: hlsScript ? assetUrl(hlsScript) : '',
      });
      const body = Buffer.from(html, 'utf8');
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      send(r, 'text/html; charset=utf-8', body, etag, 'no-cache', ['Content-Security-Policy', PAGE_CSP]);
      return true;
    }
    const name = assetName(r.path);
    const file = name === null ? undefined : assets.files.get(name);
    if (!file) return sendError(r.res, 'RELAY_NOT_FOUND'), true;
    sendAsset(r, file);
    return true;
  };
}

function sendAsset(r: RouteRequest, a: Asset): void {
  const cache = r.query.get('v') === a.version ? 'public, max-age=31536000, immutable' : 'no-cache';
  const gzip = a.gzip !== null && acceptsGzip(r.req.headers['accept-encoding']);
  const extra = ['Vary', 'Accept-Encoding', ...(gzip ? ['Content-Encoding', 'gzip'] : [])];
  send(r, a.contentType, gzip ? a.gzip! : a.body, a.etag, cache, extra);
}

function send(r: RouteRequest, contentType: string, body: Buffer, etag: string, cache: string, extra: string[]): void {
  if (r.res.destroyed) return;
  const headers = ['Content-Type', contentType, 'ETag', etag, 'Cache-Control', cache, ...COMMON, ...extra];
  if (matches(r.req.headers['if-none-match'], etag)) {
    r.res.writeHead(304, headers);
    r.res.end();
    return;
  }
  r.res.writeHead(200, [...headers, 'Content-Length', String(body.length)]);
  // One in-memory buffer, shared by every request: Node queues it once, nothing grows per client.
  r.res.end(r.method === 'HEAD' ? undefined : body);
}

/** RFC 9110 §13.1.2: a list of entity tags or "*", weak comparison. */
export function matches(header: http.IncomingHttpHeaders['if-none-match'], etag: string): boolean {
  if (header === undefined) return false;
  const tags = header.split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
}

/** RFC 9110 §12.5.3: gzip listed without q=0. */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== 'x-gzip') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
