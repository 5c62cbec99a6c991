// The hook in the listener request path: after the policies allowed a stream, playlist or HLS
// request (or the listening page or status through a stream link), the mount's listener
// authentication (modes.ts) decides before anything is forwarded. A refusal is written here; a
// listener let in holds its session (a use of its stream link, a webhook listener_remove to come)
// until its response or its connection closes: the edge takes a stream's socket away from the
// response (../edge/takeover.ts), so only the socket says when that listener left.
import type http from 'node:http';
import type { Socket } from 'node:net';
import { noteDeny, type GatewayContext } from '../context.ts';
import type { Gated } from '../ports/http-gate.ts';
import { denied, LimiterFailed, type AuthVerdict } from './verdict.ts';
import { denyOnResponse, PORT_METHODS } from '../ports/respond.ts';
import { claimedMount } from '../../policies/tokens.ts';

const AUTH_ROUTES = new Set(['stream', 'playlist', 'hls']);
/** Routes that name no mount: public, but through a stream link they show the link's mount and the link is checked. */
const LINK_PAGE_ROUTES = new Set(['page', 'status']);

/**
 * The mount of a stream link on the listening page or the public status (/t/<token>/,
 * /t/<token>/api/v1/status): what the page shows. Read from the token, which admitListener
 * verified against it before the request goes on; null for any other request.
 */
export function linkPageMount(gated: Extract<Gated, { kind: 'allow' }>): string | null {
  if (gated.token === null || !LINK_PAGE_ROUTES.has(gated.route)) return null;
  // An unreadable token still goes through the check, which refuses it as malformed.
  return claimedMount(gated.token) ?? '/';
}

/** How a stream's listener came in, for the edge's report to the relay (listener lists show the link). */
export interface AdmittedAs {
  readonly auth: string;
  readonly linkId?: string;
}
const admitted = new WeakMap<Socket, AdmittedAs>();

/** How the listener on this socket was let in; undefined when it needed no credential. */
export function admittedAs(socket: Socket): AdmittedAs | undefined {
  return admitted.get(socket);
}

/** Basic auth challenge (RFC 7617 §2, charset §2.1); sent only when no credentials were. */
export const CHALLENGE = 'Basic realm="icegate", charset="UTF-8"';

/** True when the request may go on; false when it was refused here or the client already left. */
export async function admitListener(ctx: GatewayContext, req: http.IncomingMessage, res: http.ServerResponse, gated: Extract<Gated, { kind: 'allow' }>, ip: string): Promise<boolean> {
  const mount = gated.mount ?? linkPageMount(gated);
  if (mount === null || !(AUTH_ROUTES.has(gated.route) || LINK_PAGE_ROUTES.has(gated.route))) return true;
  const socket = req.socket;
  let gone = false;
  const onClose = (): void => {
    gone = true;
  };
  res.once('close', onClose);
  socket.once('close', onClose);
  const q = gated.target.indexOf('?');
  let verdict: AuthVerdict;
  try {
    verdict = await ctx.listenerAuth.check({
      method: req.method ?? '',
      route: gated.route,
      mount,
      token: gated.token,
      authorization: req.headers.authorization,
      ip,
      agent: req.headers['user-agent'],
      query: q === -1 ? '' : gated.target.slice(q),
      port: req.socket.localPort ?? 0,
    });
  } catch (err) {
    if (!(err instanceof LimiterFailed)) ctx.events.emit('server-error', { server: 'listener', message: `listener authentication: ${(err as Error).message}` });
    verdict = denied('GW_INTERNAL', err instanceof LimiterFailed ? err.message : 'listener authentication failed');
  }
  res.off('close', onClose);
  socket.off('close', onClose);
  if (verdict.kind === 'deny') {
    const id = noteDeny(ctx, 'listener', ip, verdict.code, verdict.reason);
    if (gone) return false;
    if (verdict.challenge) res.setHeader('WWW-Authenticate', CHALLENGE);
    const retry = verdict.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: verdict.retryAfterSeconds };
    denyOnResponse(res, verdict.code, { id, allow: PORT_METHODS.listener, ...retry });
    return false;
  }
  const { session } = verdict;
  if (gone) {
    session.end();
    return false;
  }
  // A stream let in through a link is held under it: its revocation or expiry cuts the socket (links.ts).
  const held = session.linkId !== undefined && gated.route === 'stream' ? ctx.listenerAuth.links?.hold(session.linkId, { cut: () => socket.destroy() }) : undefined;
  if (gated.token !== null && gated.route === 'stream') admitted.set(socket, { auth: 'token', ...(session.linkId !== undefined ? { linkId: session.linkId } : {}) });
  const end = (): void => {
    res.off('close', end);
    socket.off('close', end);
    held?.();
    session.end();
  };
  res.once('close', end);
  socket.once('close', end);
  return true;
}
