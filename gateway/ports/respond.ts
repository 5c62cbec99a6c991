// Every refusal the gateway writes, built from the error catalogue (policies/errors.ts). The body
// is the entry's fixed public message, its stable code and a short random reference that is also
// in the log line, so an operator can match a listener's complaint to the log without the
// response ever quoting the request. `Connection: close` always: after a refusal the rest of the
// connection cannot be trusted to be framed as the client says (docs/gateway-security.md#request-smuggling).
import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { hangUp } from '../../stream/hang-up.ts';
import type { PortRole } from '../../policies/types.ts';
import type { HeadError } from '../../stream/request-head.ts';
import { GW_ERRORS, type GatewayErrorCode } from '../../policies/errors.ts';

export interface DenyOptions {
  /** Seconds, for 429s (RFC 9110 §10.2.3). */
  readonly retryAfterSeconds?: number;
  /** The reference shown to the client and logged; a fresh one when absent. */
  readonly id?: string;
  /** The port's methods, sent with a 405 (RFC 9110 §15.5.6: a 405 carries Allow). */
  readonly allow?: string;
}

/** What a 405 on each port advertises (policies/evaluate.ts). */
export const PORT_METHODS: Readonly<Record<PortRole, string>> = {
  source: 'PUT, SOURCE, GET',
  listener: 'GET, HEAD, OPTIONS',
  admin: 'GET',
};

/** Eight hex digits: enough to find one line in a day's log, too short to carry anything. */
export function errorId(): string {
  return randomBytes(4).toString('hex');
}

export function denyBody(code: GatewayErrorCode, id: string): string {
  return `${GW_ERRORS[code].message} (${code}, ref ${id})\n`;
}

/** Header fields of a refusal, in the order they are written. */
export function denyHeaders(code: GatewayErrorCode, body: string, options: DenyOptions = {}): [string, string][] {
  const headers: [string, string][] = [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Cache-Control', 'no-store'],
    ['Connection', 'close'],
  ];
  if (options.retryAfterSeconds !== undefined) headers.push(['Retry-After', String(Math.max(1, Math.ceil(options.retryAfterSeconds)))]);
  if (GW_ERRORS[code].status === 405 && options.allow !== undefined) headers.push(['Allow', options.allow]);
  return headers;
}

/** A complete response for a raw socket (the source port, or before Node's parser has a request). */
export function renderDeny(code: GatewayErrorCode, options: DenyOptions = {}): Buffer {
  const id = options.id ?? errorId();
  const body = denyBody(code, id);
  const { status } = GW_ERRORS[code];
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, ...denyHeaders(code, body, options).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}

/** Writes the refusal and closes the socket once it is sent (bounded linger, relay/hang-up.ts). */
export function denyOnSocket(socket: Socket, code: GatewayErrorCode, options: DenyOptions = {}): void {
  hangUp(socket, renderDeny(code, options));
}

/** Connections on which the gateway refused a request: nothing more is read from them (http-gate.ts inTurn). */
const refusedConnections = new WeakSet<Socket>();

export function wasRefused(socket: Socket): boolean {
  return refusedConnections.has(socket);
}

/** Writes the refusal on a Node response; a response already under way is cut instead. */
export function denyOnResponse(res: ServerResponse, code: GatewayErrorCode, options: DenyOptions = {}): void {
  const socket = res.req?.socket ?? res.socket;
  if (socket) refusedConnections.add(socket);
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const id = options.id ?? errorId();
  const body = denyBody(code, id);
  res.shouldKeepAlive = false;
  res.writeHead(GW_ERRORS[code].status, denyHeaders(code, body, options).flat());
  res.end(body);
}

/** The catalogue entry for a request head our strict parser refused (stream/request-head.ts). */
export function headErrorCode(reason: HeadError): GatewayErrorCode {
  switch (reason) {
    case 'too-large':
    case 'too-many-headers':
      return 'GW_HEADER_TOO_LARGE';
    case 'bad-target':
    case 'bad-path':
      return 'GW_BAD_TARGET';
    case 'bad-method':
      return 'GW_METHOD_NOT_ALLOWED';
    case 'bad-request-line':
    case 'bad-protocol':
    case 'bad-header':
      return 'GW_BAD_FRAMING';
  }
}

/**
 * The catalogue entry for a request Node's parser (llhttp) refused on a listener or admin port.
 * Unknown methods (lower-case `source`, STATS, PLAY) are refused by llhttp before any handler
 * runs (docs/gateway-security.md#method-spellings), so they surface here.
 */
export function clientErrorCode(code: string | undefined): GatewayErrorCode {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'GW_HEADER_TOO_LARGE';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return 'GW_HEADER_TIMEOUT';
    case 'HPE_INVALID_METHOD':
      return 'GW_METHOD_NOT_ALLOWED';
    case 'HPE_INVALID_URL':
      return 'GW_BAD_TARGET';
    default:
      return 'GW_BAD_FRAMING';
  }
}
