// /admin.cgi?mode=updinfo&pass=…&song=…: the SHOUTcast v1 title update that encoders in
// SHOUTcast mode send to the HTTP port (docs/icecast-compatibility.md#title-updates and #shoutcast-v1-sources). The mount is the
// configured SHOUTcast mount and the password is that mount's source password; admin
// credentials work too. Checked in Icecast 2.4.4's order (src/admin.c admin_handle_request,
// command_shoutcast_metadata); replies are HTML.
import type { Route } from '../http-app.ts';
import { sendError } from '../http-reply.ts';
import { parseBasic, safeEqual } from '../../stream/basic-auth.ts';
import { sourceCredentialsFor } from '../source-ingest.ts';
import { credentialsAllowed, header, refuse } from './auth.ts';
import { acceptsUrlUpdates, titleUpdate } from './metadata.ts';
import { rawQuery } from './mount-commands.ts';
import { sendHtmlSuccess } from './reply.ts';

export const shoutcastMetadata: Route = (ctx, r) => {
  if (r.method !== 'GET' || r.path !== '/admin.cgi') return false;
  const pass = r.query.get('pass');
  if (pass === null) return sendError(r.res, 'RELAY_MISSING_PASS'), true;
  const name = ctx.config.shoutcast.mount;
  const passOk = safeEqual(pass, sourceCredentialsFor(ctx, name).password);
  const adminOk = credentialsAllowed(ctx, parseBasic(header(r)), {});
  if (!passOk && !adminOk) return refuse(ctx, r, false, name), true;
  const mount = ctx.registry.get(name);
  if (!mount) return sendError(r.res, 'RELAY_SOURCE_DOES_NOT_EXIST'), true;
  if (!mount.live) return sendError(r.res, 'RELAY_SOURCE_NOT_AVAILABLE'), true;
  // Icecast allows this only for SHOUTcast-protocol sources; with the SHOUTcast port off there are none.
  if (!ctx.config.shoutcast.enabled) return sendError(r.res, 'RELAY_ILLEGAL_METADATA_CALL'), true;
  const mode = r.query.get('mode');
  const update = titleUpdate(rawQuery(r));
  if (mode === null || r.query.get('song') === null || update.kind === 'missing') return sendError(r.res, 'RELAY_MISSING_PARAMETER'), true;
  if (mode !== 'updinfo') return sendError(r.res, 'RELAY_NO_SUCH_ACTION'), true;
  if (!acceptsUrlUpdates(mount.codec, mount.contentType)) return sendError(r.res, 'RELAY_NO_URL_UPDATES'), true;
  mount.setTitle(update.title, update.artist);
  sendHtmlSuccess(r.res, 'Metadata update successful');
  return true;
};
