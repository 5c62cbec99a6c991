// The relay core's listening socket. Every connection's request head is read by our own strict
// parser on the raw socket, because a source's PUT/SOURCE body is endless and un-framed
// (docs/icecast-compatibility.md#source-bodies-have-no-length): Node's HTTP parser would read the audio as the next request. Sources and
// listeners stay on the raw socket; everything else (HEAD, OPTIONS, playlists, status, admin) is
// handed to a Node http.Server with the head pushed back in front of the stream.
import net from 'node:net';
import http from 'node:http';
import type { RelayContext } from '../stream/context.ts';
import { readRequestHead } from '../stream/head-reader.ts';
import { renderError } from '../stream/responses.ts';
import { hangUp } from '../stream/hang-up.ts';
import type { RelayErrorCode } from '../stream/errors.ts';
import { clientOf } from './forwarded.ts';
import { ingestSource } from './source-ingest.ts';
import { isListenPath, serveListener } from '../stream/listen.ts';
import { createHttpHandler, type Route } from './http-app.ts';
import { edgePullIdentity } from './edge/pull-identity.ts';

const HTTP_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'POST']);

export interface RelayServer {
  server: net.Server;
  http: http.Server;
  port(): number;
  close(): Promise<void>;
}

export function createRelayServer(ctx: RelayContext, routes: readonly Route[] = []): RelayServer {
  const httpServer = http.createServer(createHttpHandler(ctx, routes));
  // Streams and admin replies must never be cut by Node's whole-request timers.
  httpServer.requestTimeout = 0;
  httpServer.headersTimeout = ctx.config.limits.headerTimeout * 1000;
  httpServer.keepAliveTimeout = 1000;
  httpServer.on('clientError', (_err, socket) => {
    hangUp(socket as net.Socket, renderError('RELAY_BAD_REQUEST'));
  });
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    void handleConnection(ctx, socket, httpServer);
  });
  server.on('error', (err) => ctx.events.emit('bad-request', { ip: '', reason: `server: ${err.message}` }));

  return {
    server,
    http: httpServer,
    port: () => (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

async function handleConnection(ctx: RelayContext, socket: net.Socket, httpServer: http.Server): Promise<void> {
  const peer = socket.remoteAddress;
  const result = await readRequestHead(socket, { timeoutMs: ctx.config.limits.headerTimeout * 1000 });
  if (result.kind === 'closed') return;
  if (result.kind === 'timeout') return reject(ctx, socket, peer, 'RELAY_HEADER_TIMEOUT', 'header timeout');
  if (result.kind === 'error') {
    const code: RelayErrorCode = result.reason === 'too-large' || result.reason === 'too-many-headers' ? 'RELAY_REQUEST_TOO_LARGE' : 'RELAY_BAD_REQUEST';
    return reject(ctx, socket, peer, code, result.reason);
  }
  const { head, rest } = result;
  // Forwarding fields count only from the gateway, which proves itself with the forward key (forwarded.ts).
  const client = clientOf(ctx, peer, (n) => head.get(n));
  switch (head.method) {
    case 'PUT':
    case 'SOURCE':
      return ingestSource(ctx, socket, head, rest, client.ip);
    case 'GET':
      if (isListenPath(ctx, head.path)) return serveListener(ctx, socket, head, { ip: client.ip, ...edgePullIdentity(ctx, (n) => head.get(n)) });
      break;
    default:
      if (!HTTP_METHODS.has(head.method)) return reject(ctx, socket, peer, 'RELAY_UNKNOWN_REQUEST', `method ${head.method}`);
  }
  socket.unshift(rest.length > 0 ? Buffer.concat([head.raw, rest]) : head.raw);
  httpServer.emit('connection', socket);
  socket.resume();
}

function reject(ctx: RelayContext, socket: net.Socket, peer: string | undefined, code: RelayErrorCode, reason: string): void {
  ctx.events.emit('bad-request', { ip: peer ?? '', reason });
  hangUp(socket, renderError(code));
}
