// /admin/<command>, checked in Icecast 2.4.4's order (src/admin.c admin_handle_request): the
// command must exist (before any credentials are looked at), then credentials, then the mount
// must exist and be available, then the command must have a form for the request.
import type { Route } from '../http-app.ts';
import { sendError } from '../http-reply.ts';
import { authorize } from './auth.ts';
import { ADMIN_COMMANDS } from './commands.ts';

const PREFIX = '/admin/';

export const adminCommands: Route = (ctx, r) => {
  if (r.method !== 'GET' || !r.path.startsWith(PREFIX)) return false;
  // Icecast serves stats.xsl for a bare /admin/; the relay has no HTML admin, so it is unknown too.
  const command = ADMIN_COMMANDS.get(r.path.slice(PREFIX.length));
  if (!command) return sendError(r.res, 'RELAY_UNRECOGNISED_COMMAND'), true;
  const name = r.query.get('mount');
  if (name === null) {
    if (!authorize(ctx, r, { relay: command.relayAuth === true })) return true;
    // Icecast says "Unknown admin request" for a mount command without its mount; naming the
    // missing parameter is clearer and no client relies on that text.
    if (!command.general) return sendError(r.res, 'RELAY_MISSING_PARAMETER'), true;
    command.general(ctx, r);
    return true;
  }
  if (!authorize(ctx, r, command.sourceAuth ? { sourceOf: name } : {}, name)) return true;
  const mount = ctx.registry.get(name);
  if (!mount) return sendError(r.res, 'RELAY_SOURCE_DOES_NOT_EXIST'), true;
  const available = command.needsSource ? mount.live : mount.live || mount.inGrace;
  if (!available) return sendError(r.res, 'RELAY_SOURCE_NOT_AVAILABLE'), true;
  if (!command.mount) return sendError(r.res, 'RELAY_MOUNT_REQUEST_UNKNOWN'), true;
  command.mount(ctx, r, mount);
  return true;
};
