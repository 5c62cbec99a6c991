// Replies for requests served through Node's http.Server (everything but sources and streams),
// with the same status lines, headers and bodies as the raw-socket replies in responses.ts.
import type http from 'node:http';
import { renderError, type ErrorOptions } from '../stream/responses.ts';
import { hangUp } from '../stream/hang-up.ts';
import type { RelayErrorCode } from '../stream/errors.ts';

/**
 * Node's ServerResponse cannot send an HTTP/1.0 status line nor Icecast's reason phrases, so an
 * error is written as the catalogue's exact bytes straight to the socket, which then closes.
 */
export function sendError(res: http.ServerResponse, code: RelayErrorCode, options?: ErrorOptions): void {
  const socket = res.socket;
  if (!socket || res.headersSent) {
    res.destroy();
    return;
  }
  res.detachSocket(socket);
  hangUp(socket, renderError(code, options));
}

export function sendText(res: http.ServerResponse, status: number, contentType: string, body: string, extra: string[] = []): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, [
    'Content-Type', contentType,
    'Content-Length', String(bytes.length),
    'Cache-Control', 'no-cache, no-store',
    'Expires', 'Mon, 26 Jul 1997 05:00:00 GMT',
    'Pragma', 'no-cache',
    'Access-Control-Allow-Origin', '*',
    // A JSON or XML body is never to be read as a script or a page (Fetch §3.5, nosniff).
    'X-Content-Type-Options', 'nosniff',
    ...extra,
  ]);
  res.end(bytes);
}
