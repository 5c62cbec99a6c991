// A listener on a raw socket (GET of a mount). The response head is Icecast's (docs/icecast-compatibility.md#listener-response-head):
// HTTP/1.0 200, no Content-Length, Connection: Close, the icy-* headers, then stream bytes.
import type { Socket } from 'node:net';
import type { RequestHead } from './request-head.ts';
import { renderError } from './responses.ts';
import { hangUp } from './hang-up.ts';
import type { RelayContext } from './context.ts';
import { Listener } from './listener.ts';
import { listenerResponseHead, wantsIcy } from './listener-head.ts';
import type { Mount } from './mount.ts';

/** Bytes a listener may send after its request before we stop reading and hang up. */
const MAX_LISTENER_INPUT = 16 * 1024;

/** What serving a listener reads from its request: the relay's own parsed head, or one the gateway's HTTP server parsed. */
export type ListenRequest = Pick<RequestHead, 'path' | 'get'>;

/** What listener fan-out needs of a context: the relay core's, or the gateway edge's. */
export type FanOutContext = Pick<RelayContext, 'registry' | 'clock'>;

export interface ListenerIdentity {
  ip: string;
  auth?: string;
  username?: string;
  /** The link (contracts/links.ts) the listener came with, as the gateway tells it. */
  linkId?: string;
  /** A gateway edge's authenticated pull (relay/edge/pull-identity.ts): admitted and fed, not counted. */
  edgePull?: string;
}

/** Is there anything to serve (or fall back to) for GET `path`? */
export function isListenPath(ctx: RelayContext, path: string): boolean {
  return ctx.registry.get(path) !== undefined;
}

export function serveListener(ctx: FanOutContext, socket: Socket, head: ListenRequest, who: ListenerIdentity): void {
  const admission = ctx.registry.admitListener(head.path, { counted: who.edgePull === undefined });
  if (!admission.ok) return hangUp(socket, renderError(admission.code));
  const mount = admission.mount;
  const respond = (m: Mount): { head: Buffer; metaint: number | null } => {
    const metaint = wantsIcy(head.get('icy-metadata'), m.codec) ? m.settings.metadataInterval : null;
    return { head: listenerResponseHead(m.stats(), metaint, new Date(ctx.clock.now())), metaint };
  };
  socket.setNoDelay(true);
  const live = mount.live ? respond(mount) : null;
  if (live) socket.write(live.head);
  const init = {
    id: ctx.registry.nextListenerId(),
    ip: who.ip,
    userAgent: head.get('user-agent') ?? '',
    connectedAt: ctx.clock.now(),
    metaint: live?.metaint ?? null,
    ...(who.auth !== undefined ? { auth: who.auth } : {}),
    ...(who.username !== undefined ? { username: who.username } : {}),
    ...(who.linkId !== undefined ? { linkId: who.linkId } : {}),
    ...(who.edgePull !== undefined ? { edgePull: who.edgePull } : {}),
  };
  const listener = new Listener(socket, init, head.path);
  if (!live) {
    listener.deferredHead = () => {
      const current = listener.feed ? ctx.registry.get(listener.feed.name) : undefined;
      return respond(current ?? mount);
    };
  }
  attachListener(ctx, mount, listener);
}

/** Wire a listener whose head was written into a mount; shared with embedders (the gateway's edge). */
export function attachListener(ctx: FanOutContext, mount: Mount, listener: Listener): void {
  const socket = listener.sink as Socket;
  const current = (): Mount | undefined => (listener.feed ? ctx.registry.get(listener.feed.name) : undefined);
  let input = 0;
  socket.on('data', (d: Buffer) => {
    input += d.length;
    if (input > MAX_LISTENER_INPUT) socket.destroy();
  });
  socket.on('error', () => socket.destroy());
  socket.once('close', () => {
    const m = current();
    if (m) m.removeListener(listener, 'closed');
  });
  const limit = mount.settings.maxListenerDuration;
  if (limit > 0) {
    const timer = ctx.clock.after(limit * 1000, () => current()?.removeListener(listener, 'duration'));
    socket.once('close', () => timer.cancel());
  }
  socket.resume();
  mount.addListener(listener);
}
