// The listener ports: plain HTTP and HTTPS for players. Only GET, HEAD and OPTIONS of what a
// listener may see (mounts, playlists, HLS, the listening page, public status) pass; every other
// request, every /admin spelling and every push method is refused here and never reaches the
// upstream (docs/gateway-security.md#port-roles: anything not explicitly allowed for the port is refused).
import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import { plainAddress } from '../../stream/client-ip.ts';
import { noteDeny, reportTlsClientErrors, type GatewayContext } from '../context.ts';
import type { Edge } from '../edge/fan-out.ts';
import { ownedByEdge, serveOnEdge } from '../edge/takeover.ts';
import type { Forwarder } from '../forward/proxy.ts';
import { holdingForwarder } from '../hold/forward-hold.ts';
import { gateRequest, guardHttpServer, httpServerOptions, inTurn } from './http-gate.ts';
import { admitListener, admittedAs, linkPageMount } from '../listener-auth/gate.ts';
import { denyOnResponse, PORT_METHODS } from './respond.ts';


/**
 * Never forwarded from a listener port: the upstream would check a password there with no
 * gateway rate limit in front of it. Listener credentials are the gateway's to check.
 */
const LISTENER_DROP = ['authorization'];

/** Routes whose upstream reply depends on the stream link the client used (X-Forwarded-Prefix). */
const PREFIXED: ReadonlySet<string> = new Set(['playlist', 'hls', 'page', 'status']);

export function createListenerServer(ctx: GatewayContext, forwarder: Forwarder, edge: Edge): http.Server {
  const server = http.createServer(httpServerOptions(ctx.limits), listenerHandler(ctx, forwarder, edge, 'http'));
  guardHttpServer(server, ctx, 'listener');
  return server;
}

export function createListenerTlsServer(ctx: GatewayContext, forwarder: Forwarder, edge: Edge, secure: tls.TlsOptions): https.Server {
  const server = https.createServer({ ...httpServerOptions(ctx.limits), ...secure }, listenerHandler(ctx, forwarder, edge, 'https'));
  guardHttpServer(server, ctx, 'listener');
  reportTlsClientErrors(server, ctx, 'listener');
  return server;
}

function listenerHandler(ctx: GatewayContext, forwarder: Forwarder, edge: Edge, proto: 'http' | 'https'): http.RequestListener {
  return inTurn(async (req, res) => {
    // A second request on a stream connection (edge-takeover.ts): Icecast serves one per connection.
    if (ownedByEdge(req.socket)) return void req.socket.destroy();
    const ip = plainAddress(req.socket.remoteAddress);
    const refuse = (code: Parameters<typeof denyOnResponse>[1], reason: string, retryAfterSeconds?: number): void => {
      const retry = retryAfterSeconds === undefined ? {} : { retryAfterSeconds };
      denyOnResponse(res, code, { id: noteDeny(ctx, 'listener', ip, code, reason), allow: PORT_METHODS.listener, ...retry });
    };
    const rate = ctx.caps?.connection(req.socket, ip);
    if (rate && !rate.ok) return refuse(rate.code, rate.reason, rate.retryAfterSeconds);
    const gated = gateRequest(ctx, 'listener', req, ip);
    if (gated.kind === 'deny') return refuse(gated.code, gated.reason);
    const streams = gated.route === 'stream' && req.method === 'GET' ? ctx.caps?.stream(req, ip) : undefined;
    if (streams && !streams.ok) return refuse(streams.code, streams.reason);
    // The mount's listener authentication (stream links, htpasswd, webhook); it refuses itself.
    if (!(await admitListener(ctx, req, res, gated, ip))) return;
    // Streams are served by the edge, one upstream pull per mount (docs/gateway-security.md#listener-fan-out-at-the-edge); the rest is forwarded.
    if (gated.route === 'stream' && req.method === 'GET' && serveOnEdge(edge, req, res, gated.target, ip, admittedAs(req.socket))) return;
    ctx.events.emit('forward', { role: 'listener', ip, route: gated.route, target: `${req.method} ${gated.target}` });
    // Verified by admitListener: the page and status of a link show its mount alone (relay/page/mounts.ts).
    const linkMount = linkPageMount(gated);
    // HLS requests wait out a relay restart instead of a 502 (gateway/hold/forward-hold.ts).
    const hold = ctx.hold;
    const via = gated.route === 'hls' && hold ? holdingForwarder(forwarder, { upstream: ctx.upstream, holdMs: () => hold.settings().playersMs }) : forwarder;
    via.forward(req, res, {
      target: gated.target,
      clientIp: ctx.showListenerIp?.(ip) ?? ip,
      proto,
      // A playlist fetched through a stream link points at the stream through the same link (relay/playlists.ts);
      // an HLS player's link tells its session apart from others behind the same address (relay/hls/sessions.ts);
      // the listening page and the status it polls link to the stream through it too.
      ...(PREFIXED.has(gated.route) && gated.token !== null ? { prefix: `/t/${gated.token}` } : {}),
      ...(linkMount !== null ? { linkMount } : {}),
      drop: LISTENER_DROP,
      onError: (err) => {
        ctx.events.emit('upstream-error', { role: 'listener', ip, message: err.message });
        refuse('GW_UPSTREAM_UNAVAILABLE', 'the upstream failed');
      },
    });
  });
}
