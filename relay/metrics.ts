// GET /metrics: the relay's Prometheus metrics, for the admin only. Listener counts, traffic and
// failed logins tell an attacker when and how hard to push, so the endpoint is not public.
import type { RelayContext } from './context.ts';
import type { Route } from './http-app.ts';
import { parseBasic, safeEqual } from './basic-auth.ts';
import { sendError, sendText } from './http-reply.ts';
import { createRelayRegistry, type MetricsFeeds } from './metrics/collectors.ts';

export type { MetricsFeeds };

export const METRICS_PATH = '/metrics';

export function checkAdminAuth(ctx: RelayContext, authorization: string | undefined): 'ok' | 'missing' | 'bad' {
  const given = parseBasic(authorization);
  if (!given) return 'missing';
  // Both comparisons always run: the reply time must not tell which half was wrong.
  const userOk = safeEqual(given.user, ctx.config.auth.adminUser);
  const passOk = safeEqual(given.password, ctx.secrets.adminPassword);
  return userOk && passOk ? 'ok' : 'bad';
}

/**
 * The /metrics route of one relay, with its own registry (subscribed to `ctx.events` from now on).
 * `feeds` is read at each scrape, so services started after the route may fill it in later.
 */
export function metricsRoute(ctx: RelayContext, feeds: MetricsFeeds = {}): Route {
  const register = createRelayRegistry(ctx, feeds);
  return async (_ctx, r) => {
    if (r.path !== METRICS_PATH || r.method !== 'GET') return false;
    const auth = checkAdminAuth(ctx, r.req.headers.authorization);
    if (auth !== 'ok') {
      ctx.events.emit('auth-failure', { channel: 'admin', ip: r.client.ip, probe: auth === 'missing' });
      sendError(r.res, 'RELAY_ADMIN_AUTH');
      return true;
    }
    sendText(r.res, 200, register.contentType, await register.metrics());
    return true;
  };
}
