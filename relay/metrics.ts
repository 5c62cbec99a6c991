// GET /metrics: the relay's Prometheus metrics, for the admin only. Listener counts, traffic and
// failed logins tell an attacker when and how hard to push, so the endpoint is not public.
import type { RelayContext } from '../stream/context.ts';
import type { Route } from './http-app.ts';
import { authorize } from './admin/auth.ts';
import { sendText } from './http-reply.ts';
import { createRelayRegistry, type MetricsFeeds } from './metrics/collectors.ts';

export type { MetricsFeeds };

export const METRICS_PATH = '/metrics';

/**
 * The /metrics route of one relay, with its own registry (subscribed to `ctx.events` from now on).
 * `feeds` is read at each scrape, so services started after the route may fill it in later.
 */
export function metricsRoute(ctx: RelayContext, feeds: MetricsFeeds = {}): Route {
  const register = createRelayRegistry(ctx, feeds);
  return async (_ctx, r) => {
    if (r.path !== METRICS_PATH || r.method !== 'GET') return false;
    // The admin user only (the 401 and the failure report are authorize's).
    if (!authorize(ctx, r, {})) return true;
    sendText(r.res, 200, register.contentType, await register.metrics());
    return true;
  };
}
