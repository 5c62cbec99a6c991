// The source port: a raw TLS server (and an optional plain one for encoders on this machine).
// Node's HTTP parser cannot carry a source, whose PUT/SOURCE body is endless and un-framed
// (research gateway.md §0.1), so each connection's head is read by the relay's strict parser,
// judged by the policies, and the connection becomes a byte pipe to the upstream.
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { decide } from '../../policies/decide.ts';
import { checkFraming } from '../../policies/framing.ts';
import type { Route } from '../../policies/types.ts';
import { plainAddress } from '../../relay/client-ip.ts';
import { readRequestHead } from '../../relay/head-reader.ts';
import type { RequestHead } from '../../relay/request-head.ts';
import type { GatewayErrorCode } from '../errors.ts';
import { noteDeny, type GatewayContext } from './context.ts';
import { credentialGate } from './credential-gate.ts';
import { denyOnSocket, headErrorCode, type DenyOptions } from './respond.ts';
import { forwardedHead, withinLimits } from './source-head.ts';
import { pipeSource } from './source-pipe.ts';

/** What a 405 on this port advertises. */
const SOURCE_METHODS = 'PUT, SOURCE, GET';

export function createSourceServer(ctx: GatewayContext, secure: tls.TlsOptions): tls.Server {
  const server = tls.createServer(secure, (socket) => handleSource(ctx, socket, 'https'));
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
    ctx.events.emit('tls-client-error', { role: 'source', ip: plainAddress(socket.remoteAddress), code: err.code ?? 'unknown' });
  });
  return server;
}

/** Unencrypted, for local encoders without TLS; bound to loopback by default (gateway.source.plainHost). */
export function createPlainSourceServer(ctx: GatewayContext): net.Server {
  return net.createServer((socket) => handleSource(ctx, socket, 'http'));
}

async function handleSource(ctx: GatewayContext, socket: Socket, proto: 'http' | 'https'): Promise<void> {
  socket.on('error', () => socket.destroy());
  const ip = plainAddress(socket.remoteAddress);
  const refuse = (code: GatewayErrorCode, reason: string, options: Omit<DenyOptions, 'id'> = {}): void => {
    denyOnSocket(socket, code, { ...options, allow: SOURCE_METHODS, id: noteDeny(ctx, 'source', ip, code, reason) });
  };
  const read = await readRequestHead(socket, { timeoutMs: ctx.limits.headerTimeoutMs });
  if (read.kind === 'closed') return void socket.destroy();
  if (read.kind === 'timeout') return refuse('GW_HEADER_TIMEOUT', 'the request head did not arrive in time');
  if (read.kind === 'error') return refuse(headErrorCode(read.reason), read.message);
  const { head, rest } = read;
  if (!withinLimits(head, ctx.limits)) return refuse('GW_HEADER_TOO_LARGE', 'the request head exceeds gateway.limits');

  const authorization = head.get('authorization');
  const passwordParam = head.query.has('pass');
  const credentials = authorization !== undefined ? 'basic' : passwordParam ? 'password-param' : null;
  const decided = decide(ctx.policy, { role: 'source', method: head.method, target: head.target, credentials, clientIp: ip, time: ctx.clock.now() });
  if (decided.decision.kind === 'deny') return refuse(decided.decision.code, decided.decision.reason);
  const framing = checkFraming({ method: head.method, protocol: head.protocol, headers: head.headers });
  if (framing.kind === 'deny') return refuse(framing.code, framing.reason);
  const target = decided.forward!;
  const fwd = forwardedHead(head, { target, clientIp: ip, proto });
  if (fwd.kind === 'too-large') return refuse('GW_HEADER_TOO_LARGE', 'the forwarded head would exceed the upstream\'s 4095 bytes or 32 lines');

  const gate = credentialGate(ctx.limiter, { channel: 'source', ip, authorization, passwordParam });
  let state;
  try {
    state = await gate.admit();
  } catch (err) {
    ctx.events.emit('limiter-error', { message: (err as Error).message });
    return refuse('GW_INTERNAL', 'the credential limiter failed');
  }
  if (state.blocked) return refuse('GW_RATE_LIMITED', 'too many failed source logins', { retryAfterSeconds: state.retryAfterSeconds });
  if (socket.destroyed) return;

  forward(ctx, socket, head, rest, { route: decided.decision.route, target, ip, bytes: fwd.bytes, framing: framing.framing }, gate, refuse);
}

interface Admitted {
  readonly route: Route;
  readonly target: string;
  readonly ip: string;
  readonly bytes: Buffer;
  readonly framing: Parameters<typeof pipeSource>[0]['framing'];
}

function forward(
  ctx: GatewayContext,
  socket: Socket,
  head: RequestHead,
  rest: Buffer,
  a: Admitted,
  gate: ReturnType<typeof credentialGate>,
  refuse: (code: GatewayErrorCode, reason: string) => void,
): void {
  ctx.events.emit('forward', { role: 'source', ip: a.ip, route: a.route, target: `${head.method} ${a.target}` });
  pipeSource({
    client: socket,
    rest,
    head: a.bytes,
    framing: a.framing,
    upstream: ctx.upstream,
    connectTimeoutMs: ctx.limits.headerTimeoutMs,
    onStatus: (status) => {
      gate.settle(status).catch((err: unknown) => ctx.events.emit('limiter-error', { message: (err as Error).message }));
    },
    onUnreachable: (code, message) => {
      ctx.events.emit('upstream-error', { role: 'source', ip: a.ip, message });
      refuse(code, 'the upstream could not be reached');
    },
    onEnd: (error) => {
      if (error && isUpstreamFault(error)) ctx.events.emit('upstream-error', { role: 'source', ip: a.ip, message: error.message });
    },
  });
}

/** Disconnects are how streams end; only other failures are worth a log line. */
function isUpstreamFault(error: NodeJS.ErrnoException): boolean {
  return !['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_DESTROYED'].includes(error.code ?? '');
}
