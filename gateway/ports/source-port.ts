// The source port: a raw TLS server (and an optional plain one for encoders on this machine).
// Node's HTTP parser cannot carry a source, whose PUT/SOURCE body is endless and un-framed
// (docs/gateway-security.md#un-framed-source-bodies), so each connection's head is read by the relay's strict parser,
// judged by the policies, and the connection becomes a byte pipe to the upstream.
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { decide } from '../../policies/decide.ts';
import { checkFraming } from '../../policies/framing.ts';
import { plainAddress } from '../../stream/client-ip.ts';
import { readRequestHead } from '../../stream/head-reader.ts';
import type { GatewayErrorCode } from '../../policies/errors.ts';
import { noteDeny, reportTlsClientErrors, type GatewayContext } from '../context.ts';
import { admitCredentials, credentialGate, settleCredentials } from '../limits/credential-gate.ts';
import { denyOnSocket, headErrorCode, PORT_METHODS, type DenyOptions } from './respond.ts';
import { forwardedHead, withinLimits } from './source-head.ts';
import { pipeSource } from './source-pipe.ts';

/** Told when a connection's request head is complete (limits/head-deadline.ts). */
export type HeadArrived = (socket: Socket) => void;

export function createSourceServer(ctx: GatewayContext, secure: tls.TlsOptions, onHead: HeadArrived = () => {}): tls.Server {
  const server = tls.createServer(secure, (socket) => void handleSource(ctx, socket, 'https', onHead));
  reportTlsClientErrors(server, ctx, 'source');
  return server;
}

/** Unencrypted, for local encoders without TLS; bound to loopback by default (gateway.source.plainHost). */
export function createPlainSourceServer(ctx: GatewayContext, onHead: HeadArrived = () => {}): net.Server {
  return net.createServer((socket) => void handleSource(ctx, socket, 'http', onHead));
}

/** Don't-care endings of a source connection: disconnects are how streams end. */
const ORDINARY_ENDS = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_DESTROYED']);

async function handleSource(ctx: GatewayContext, socket: Socket, proto: 'http' | 'https', onHead: HeadArrived): Promise<void> {
  socket.on('error', () => socket.destroy());
  const ip = plainAddress(socket.remoteAddress);
  const refuse = (code: GatewayErrorCode, reason: string, options: Omit<DenyOptions, 'id'> = {}): void => {
    denyOnSocket(socket, code, { ...options, allow: PORT_METHODS.source, id: noteDeny(ctx, 'source', ip, code, reason) });
  };
  const read = await readRequestHead(socket, { timeoutMs: ctx.limits.headerTimeoutMs });
  if (read.kind === 'closed') return void socket.destroy();
  if (read.kind === 'timeout') return refuse('GW_HEADER_TIMEOUT', 'the request head did not arrive in time');
  if (read.kind === 'error') return refuse(headErrorCode(read.reason), read.message);
  const { head, rest } = read;
  onHead(socket);
  if (!withinLimits(head, ctx.limits)) return refuse('GW_HEADER_TOO_LARGE', 'the request head exceeds gateway.limits');

  const authorization = head.get('authorization');
  const passwordParam = head.query.has('pass');
  const credentials = authorization !== undefined ? 'basic' : passwordParam ? 'password-param' : null;
  const decided = decide(ctx.policy, { role: 'source', method: head.method, target: head.target, credentials, clientIp: ip, time: ctx.clock.now() });
  if (decided.decision.kind === 'deny') return refuse(decided.decision.code, decided.decision.reason);
  const framing = checkFraming({ method: head.method, protocol: head.protocol, headers: head.headers });
  if (framing.kind === 'deny') return refuse(framing.code, framing.reason);
  const target = decided.forward!;
  const forwarded = forwardedHead(head, { target, clientIp: ip, proto, ...(ctx.upstream.forwardKey === undefined ? {} : { forwardKey: ctx.upstream.forwardKey }) });
  if (forwarded.kind === 'too-large') return refuse('GW_HEADER_TOO_LARGE', 'the forwarded head would pass the upstream\'s 4095 bytes or 32 lines');

  const gate = credentialGate(ctx.limiter, { channel: 'source', ip, authorization, passwordParam });
  const admission = await admitCredentials(ctx, gate);
  if (admission.kind === 'deny') return refuse(admission.code, admission.reason, { retryAfterSeconds: admission.retryAfterSeconds });
  if (socket.destroyed) return;

  ctx.events.emit('forward', { role: 'source', ip, route: decided.decision.route, target: `${head.method} ${target}` });
  pipeSource({
    client: socket,
    rest,
    head: forwarded.bytes,
    framing: framing.framing,
    upstream: ctx.upstream,
    connectTimeoutMs: ctx.limits.headerTimeoutMs,
    ...(ctx.hold ? { hold: ctx.hold, label: `${head.method} ${target} from ${ip}` } : {}),
    onStatus: (status) => settleCredentials(ctx, gate, status),
    onUnreachable: (code, message) => {
      ctx.events.emit('upstream-error', { role: 'source', ip, message });
      refuse(code, 'the upstream could not be reached');
    },
    onEnd: (error: NodeJS.ErrnoException | null) => {
      if (error && !ORDINARY_ENDS.has(error.code ?? '')) ctx.events.emit('upstream-error', { role: 'source', ip, message: error.message });
    },
  });
}
