// Public status endpoints, no credentials: Icecast's /status-json.xsl and /status.xsl (hidden
// mounts and hidden fields removed, docs/icecast-compatibility.md#public-json-status) and the relay's /api/v1/status.
// Through a stream link they show that link's mount only, so the page it opens can poll them.
import type { Route, RouteRequest } from '../http-app.ts';
import type { RelayContext } from '../../stream/context.ts';
import { sendText } from '../http-reply.ts';
import { sendJson } from '../admin/reply.ts';
import { iceStats } from './icestats.ts';
import { statusJson } from './status-json.ts';
import { statusHtml } from './status-html.ts';
import { apiMount, apiServer } from './api-view.ts';
import { pageMounts } from '../page/mounts.ts';
import { allMountStats, listenUrlFor, serverInfo } from './snapshot.ts';

/** Through a stream link, the link's mount alone, its totals included (relay/page/mounts.ts). */
function publicStats(ctx: RelayContext, r: RouteRequest) {
  const link = r.client.linkMount;
  const all = allMountStats(ctx);
  const listenUrl = listenUrlFor(ctx, r);
  if (link === null) return iceStats(serverInfo(ctx), all, { includeHidden: false, listenUrl });
  return iceStats(serverInfo(ctx), pageMounts(all, link), { includeHidden: true, mount: link, listenUrl });
}

type Page = (ctx: RelayContext, r: RouteRequest) => void;

const PAGES = new Map<string, Page>([
  // Icecast's exact Content-Type, upper-case charset included.
  ['/status-json.xsl', (ctx, r) => sendText(r.res, 200, 'application/json; charset=UTF-8', statusJson(publicStats(ctx, r)))],
  ['/status.xsl', (ctx, r) => sendText(r.res, 200, 'text/html; charset=utf-8', statusHtml(publicStats(ctx, r)))],
  [
    '/api/v1/status',
    (ctx, r) => {
      const url = listenUrlFor(ctx, r);
      const mounts = pageMounts(allMountStats(ctx), r.client.linkMount);
      const body = { server: apiServer(serverInfo(ctx), ctx.clock.now()), mounts: mounts.map((m) => apiMount(m, url(m.mount))) };
      sendJson(r.res, 200, body);
    },
  ],
]);

export const statusPages: Route = (ctx, r) => {
  const page = r.method === 'GET' ? PAGES.get(r.path) : undefined;
  if (!page) return false;
  page(ctx, r);
  return true;
};
