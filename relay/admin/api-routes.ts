// The admin half of the relay's JSON API (docs/api.md): every mount, hidden ones included, with
// counters, and the listeners of one mount. Admin credentials only.
import type { Route } from '../http-app.ts';
import { apiAdminMount, apiListener, sortedMounts } from '../status/api-view.ts';
import { allMountStats, listenUrlFor } from '../status/snapshot.ts';
import { authorize } from './auth.ts';
import { sendJson } from './reply.ts';

/** /api/v1/mounts/<mount without its leading slash>/listeners; the mount may itself contain "/". */
const LISTENERS = /^\/api\/v1\/mounts(\/.+)\/listeners$/;

export const adminApi: Route = (ctx, r) => {
  if (r.method !== 'GET') return false;
  const listeners = LISTENERS.exec(r.path);
  if (r.path !== '/api/v1/mounts' && !listeners) return false;
  const name = listeners?.[1];
  if (!authorize(ctx, r, {}, name)) return true;
  const now = ctx.clock.now();
  if (name === undefined) {
    const url = listenUrlFor(ctx, r);
    sendJson(r.res, 200, { mounts: sortedMounts(allMountStats(ctx)).map((m) => apiAdminMount(m, url(m.mount))) });
    return true;
  }
  const mount = ctx.registry.get(name);
  if (!mount) {
    sendJson(r.res, 404, { error: { code: 'RELAY_NOT_FOUND', message: `No such mount: ${name}` } });
    return true;
  }
  const list = mount.listenerStats().map((l) => apiListener(l, now)).sort((a, b) => a.id - b.id);
  sendJson(r.res, 200, { mount: mount.name, listeners: list });
  return true;
};
