// Who may use the admin API (docs/icecast-compatibility.md#admin-authentication). The admin user and password open
// everything. Stricter than Icecast, a mount's source credentials are valid only for that mount's
// metadata update (a source client's password in an encoder's config must not let its holder list
// or kick listeners, or kill the stream). /admin/streamlist.txt, which slave relays poll, also
// takes the relay user. Every comparison is constant-time and every refusal is reported.
import { parseBasic, safeEqual, type BasicCredentials } from '../../stream/basic-auth.ts';
import type { RelayContext } from '../../stream/context.ts';
import type { RouteRequest } from '../http-app.ts';
import { sendError } from '../http-reply.ts';
import { sourceCredentialsFor } from '../source-ingest.ts';

export interface AdminAccess {
  /** Also accept the relay user (streamlist.txt). */
  relay?: boolean;
  /** Also accept this mount's source credentials (metadata updates). */
  sourceOf?: string;
}

function matches(given: BasicCredentials, user: string, password: string): boolean {
  // Both halves are always compared: the reply time must not tell which one was wrong.
  const userOk = safeEqual(given.user, user);
  const passOk = safeEqual(given.password, password);
  return userOk && passOk;
}

export function credentialsAllowed(ctx: RelayContext, given: BasicCredentials | null, access: AdminAccess): boolean {
  if (!given) return false;
  const { auth } = ctx.config;
  const admin = matches(given, auth.adminUser, ctx.secrets.adminPassword);
  const relay = access.relay === true && matches(given, auth.relayUser, ctx.secrets.relayPassword);
  let source = false;
  if (access.sourceOf !== undefined) {
    const want = sourceCredentialsFor(ctx, access.sourceOf);
    source = matches(given, want.user, want.password);
  }
  return admin || relay || source;
}

/**
 * True when the request may go on; otherwise the 401 was sent and the failure reported (`probe`:
 * no credentials at all, as a browser's first request or a scanner sends).
 */
export function authorize(ctx: RelayContext, r: RouteRequest, access: AdminAccess, mount?: string): boolean {
  const given = parseBasic(header(r));
  if (credentialsAllowed(ctx, given, access)) return true;
  refuse(ctx, r, given === null, mount);
  return false;
}

export function refuse(ctx: RelayContext, r: RouteRequest, probe: boolean, mount?: string): void {
  ctx.events.emit('auth-failure', { channel: 'admin', ip: r.client.ip, probe, ...(mount !== undefined ? { mount } : {}) });
  sendError(r.res, 'RELAY_ADMIN_AUTH');
}

export function header(r: RouteRequest): string | undefined {
  const v = r.req.headers.authorization;
  return Array.isArray(v) ? v[0] : v;
}
