// What the listener and admin ports share: Node's HTTP server with the gateway's limits, the
// refusal of anything its parser rejects, and the check of each request against the policies
// before it may be forwarded. These ports never carry a request body, so Node's parser is safe
// here (docs/gateway-security.md#node-server-timeouts); the source port cannot use it.
import type http from 'node:http';
import type { Socket } from 'node:net';
import { decide } from '../../policies/decide.ts';
import { checkFraming, headersFromRaw } from '../../policies/framing.ts';
import type { PortRole, Route } from '../../policies/types.ts';
import { plainAddress } from '../../stream/client-ip.ts';
import type { GatewayErrorCode } from '../../policies/errors.ts';
import { noteDeny, type GatewayContext, type HeadLimits } from '../context.ts';
import { ownedByEdge } from '../edge/takeover.ts';
import { clientErrorCode, PORT_METHODS, renderDeny, wasRefused } from './respond.ts';

export type Gated =
  | { readonly kind: 'deny'; readonly code: GatewayErrorCode; readonly reason: string }
  | { readonly kind: 'allow'; readonly route: Route; readonly mount: string | null; readonly target: string; readonly token: string | null };

/** Options for http.createServer / https.createServer. */
export function httpServerOptions(limits: HeadLimits): http.ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headerTimeoutMs,
    // Requests here have no body, so the whole request is its head; the response (a stream) is
    // not bounded by this (Node's requestTimeout covers receiving only, docs/gateway-security.md#node-server-timeouts).
    requestTimeout: limits.headerTimeoutMs,
    // How often Node looks for requests past those timeouts (default 30 s).
    connectionsCheckingInterval: Math.min(1000, limits.headerTimeoutMs),
    insecureHTTPParser: false,
  };
}

/** Limits that are properties rather than options, and requests Node's parser refused: a catalogue response, never the raw packet in a log. */
export function guardHttpServer(server: http.Server, ctx: GatewayContext, role: PortRole): void {
  // Lines past Node's default cap (2000) would be dropped silently; gateRequest counts them instead.
  server.maxHeadersCount = 0;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // On an edge stream a refusal would land in the middle of the audio.
    if (err.code === 'ECONNRESET' || !socket.writable || ownedByEdge(socket)) {
      socket.destroy();
      return;
    }
    const code = clientErrorCode(err.code);
    const id = noteDeny(ctx, role, plainAddress(socket.remoteAddress), code, `rejected by the HTTP parser (${err.code ?? 'unknown'})`);
    socket.end(renderDeny(code, { id, allow: PORT_METHODS[role] }));
    socket.destroySoon();
  });
  // Node hands CONNECT to this event and silently drops the connection when nobody listens; a
  // tunnel is never offered, but the client gets an answer.
  server.on('connect', (_req: http.IncomingMessage, socket: Socket) => {
    const id = noteDeny(ctx, role, plainAddress(socket.remoteAddress), 'GW_METHOD_NOT_ALLOWED', 'CONNECT tunnels are not offered');
    socket.on('error', () => socket.destroy());
    socket.end(renderDeny('GW_METHOD_NOT_ALLOWED', { id, allow: PORT_METHODS[role] }));
    socket.destroySoon();
  });
}

/**
 * One request of a connection at a time: a request pipelined behind another waits until the
 * gateway has decided about the one before it, and once any request on the connection was
 * refused the rest is never looked at (respond.ts: after a refusal the connection cannot be
 * trusted to be framed as the client says, RFC 9112 §9.6, §11.2). The refusal's own
 * `Connection: close` answer is sent first, then the connection ends.
 */
export function inTurn(handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void): http.RequestListener {
  const pending = new WeakMap<Socket, Promise<void>>();
  return (req, res) => {
    const socket = req.socket;
    const run = (): Promise<void> | void => {
      if (wasRefused(socket)) {
        socket.pause();
        socket.destroySoon();
        return;
      }
      return handler(req, res);
    };
    const before = pending.get(socket);
    const turn = before === undefined ? Promise.resolve(run()) : before.then(run);
    pending.set(socket, turn.catch(() => {}));
  };
}

/** The port's decision about one request. */
export function gateRequest(ctx: GatewayContext, role: PortRole, req: http.IncomingMessage, ip: string): Gated {
  if (req.rawHeaders.length / 2 + 1 > ctx.limits.maxHeaders) return deny('GW_HEADER_TOO_LARGE', 'more header lines than gateway.limits.maxHeaders');
  const method = req.method ?? '';
  const decided = decide(ctx.policy, {
    role,
    method,
    target: req.url ?? '',
    credentials: req.headers.authorization !== undefined ? 'basic' : null,
    clientIp: ip,
    time: ctx.clock.now(),
  });
  if (decided.decision.kind === 'deny') return deny(decided.decision.code, decided.decision.reason);
  const framing = checkFraming({ method, protocol: req.httpVersion === '1.0' ? 'HTTP/1.0' : 'HTTP/1.1', headers: headersFromRaw(req.rawHeaders) });
  if (framing.kind === 'deny') return deny(framing.code, framing.reason);
  return { kind: 'allow', route: decided.decision.route, mount: decided.decision.mount, target: decided.forward!, token: decided.token };
}

function deny(code: GatewayErrorCode, reason: string): Gated {
  return { kind: 'deny', code, reason };
}
