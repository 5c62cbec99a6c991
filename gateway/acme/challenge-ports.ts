// Where the ACME server's validator meets the gateway. HTTP-01 (RFC 8555 §8.3): a GET of
// /.well-known/acme-challenge/<token> on the plain listener port is answered before any other
// route, even on a port whose mounts all need listener authentication. TLS-ALPN-01 (RFC 8737):
// while such a challenge is open, the TLS listener port peeks at each ClientHello; a client that
// offers only "acme-tls/1" for a name with an open challenge gets the challenge certificate and
// nothing else. Every other connection continues to the port's own handlers untouched.
import type http from 'node:http';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { ACME_TLS_ALPN, isChallengePath, type ChallengeBoard } from './challenges.ts';
import { MAX_HELLO_BYTES, readClientHello } from './client-hello.ts';

/** A validator's ClientHello arrives at once; a client that dawdles is handed on or dropped. */
const HELLO_TIMEOUT_MS = 10_000;

export function answerHttpChallenges(server: http.Server, board: ChallengeBoard): void {
  const handlers = server.listeners('request') as http.RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!isChallengePath(path)) {
      for (const h of handlers) h.call(server, req, res);
      return;
    }
    const answer = req.method === 'GET' || req.method === 'HEAD' ? board.httpAnswer(path) : null;
    const status = answer !== null ? 200 : req.method === 'GET' || req.method === 'HEAD' ? 404 : 405;
    const body = answer ?? (status === 404 ? 'no such ACME challenge\n' : 'method not allowed\n');
    // One answer per connection: the port's other request hooks (head deadline, limits) never see it.
    res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

export function answerAlpnChallenges(server: tls.Server, board: ChallengeBoard): void {
  const handlers = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  const passOn = (socket: Socket): void => {
    for (const h of handlers) h.call(server, socket);
  };
  server.on('connection', (socket: Socket) => {
    if (!board.hasAlpn) return passOn(socket);
    peekHello(socket, board, passOn);
  });
}

function peekHello(socket: Socket, board: ChallengeBoard, passOn: (socket: Socket) => void): void {
  let seen = Buffer.alloc(0);
  const timer = setTimeout(() => finish(null), HELLO_TIMEOUT_MS);
  timer.unref();
  const onData = (chunk: Buffer): void => {
    seen = Buffer.concat([seen, chunk]);
    const read = readClientHello(seen);
    if (read.kind === 'more' && seen.length < MAX_HELLO_BYTES) return;
    const context = read.kind === 'hello' && read.alpn.length === 1 && read.alpn[0] === ACME_TLS_ALPN && read.servername !== null ? board.alpnContext(read.servername) : null;
    finish(context);
  };
  const onGone = (): void => {
    clearTimeout(timer);
    socket.off('data', onData);
  };
  function finish(context: tls.SecureContext | null): void {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('close', onGone);
    socket.pause();
    if (seen.length > 0) socket.unshift(seen);
    if (context === null) return passOn(socket);
    const challenge = new tls.TLSSocket(socket, { isServer: true, secureContext: context, ALPNProtocols: [ACME_TLS_ALPN] });
    challenge.on('error', () => challenge.destroy());
    // RFC 8737 §3: the validator closes after the handshake; we send nothing more.
    challenge.on('secure', () => challenge.end());
    challenge.setTimeout(HELLO_TIMEOUT_MS, () => challenge.destroy());
  }
  socket.on('data', onData);
  socket.once('close', onGone);
}
