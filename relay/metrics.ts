// GET /metrics: the relay's Prometheus metrics, for the admin only. Listener counts, traffic and
// failed logins tell an attacker when and how hard to push, so the endpoint is not public.
import type { RelayContext } from '../stream/context.ts';
import type { Route } from './http-app.ts';
import { authorize } from './admin/auth.ts';
import { sendText } from './http-reply.ts';
import type { AuthFailureCounts, MetricsFeeds } from './metrics/collectors.ts';
import type { Registry } from 'prom-client';

export type { MetricsFeeds };

export const METRICS_PATH = '/metrics';

/**
 * The /metrics route of one relay, with its own registry (subscribed to `ctx.events` from now on).
 * `feeds` is read at each scrape, so services started after the route may fill it in later.
 */
export function metricsRoute(ctx: RelayContext, feeds: MetricsFeeds = {}): Route {
  // prom-client (and the event-loop monitor of its default metrics) is loaded at the first scrape,
  // so a relay nobody scrapes neither loads it nor wakes for it; failed logins count from now on.
  const authFailures: AuthFailureCounts = { source: 0, admin: 0 };
  ctx.events.on('auth-failure', (e) => {
    if (!e.probe) authFailures[e.channel] += 1;
  });
  let registry: Promise<Registry> | undefined;
  return async (_ctx, r) => {
    if (r.path !== METRICS_PATH || r.method !== 'GET') return false;
    // The admin user only (the 401 and the failure report are authorize's).
    if (!authorize(ctx, r, {})) return true;
    registry ??= import('./metrics/collectors.ts').then((m) => m.createRelayRegistry(ctx, feeds, authFailures));
    const register = await registry;
    sendText(r.res, 200, register.contentType, await register.metrics());
    return true;
  };
}
