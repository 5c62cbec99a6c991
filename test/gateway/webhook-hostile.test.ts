// auth: webhook against a hostile backend: a raw TCP server that never answers, answers 5xx, sends
// an endless body or an endless head, redirects, or drips its head a byte at a time. Each listener
// gets the documented refusal in time (503 for a failed backend, 403 for a refusal), the gateway
// closes its connection to the backend, reads no more of an answer than its head (bounded), and
// never follows a redirect. docs/gateway-security.md#webhook-backends.
import test from 'ava';
import net from 'node:net';
import { once } from 'node:events';
import { testRelay } from '../helpers/relay.ts';
import { codeOf, play } from './listener-auth-kit.ts';
import { Shared, testGateway, type TestGateway } from './server-harness.ts';

const shared = new Shared();
/** Seconds the gateway waits for a backend here (gateway.mounts.<m>.webhook.timeout). */
const TIMEOUT = 0.5;
/** What the backend offers of an endless answer, far more than any bound. */
const OFFERED = 1024 * 1024 * 1024;

interface Exchange {
  /** The request line the gateway sent. */
  line: string;
  /** Bytes the backend managed to hand to the kernel before the gateway closed the connection. */
  written: number;
  /** Resolves when the gateway closed the connection to the backend. */
  closed: Promise<void>;
}

type Behaviour = (socket: net.Socket, ex: Exchange) => void;

/** Writes `chunk` again and again, with backpressure, until `limit` bytes or the peer goes. */
function flood(socket: net.Socket, ex: Exchange, chunk: Buffer, limit = OFFERED): void {
  const more = (): void => {
    while (ex.written < limit && !socket.destroyed) {
      ex.written += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', more);
    }
  };
  more();
}

const BEHAVIOURS: Record<string, Behaviour> = {
  '/silent': () => {},
  '/error500': (s) => s.write('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n'),
  '/error503-allow': (s) => s.write('HTTP/1.1 503 Service Unavailable\r\nicecast-auth-user: 1\r\nContent-Length: 0\r\n\r\n'),
  '/huge-body-allow': (s, ex) => {
    s.write('HTTP/1.1 200 OK\r\nicecast-auth-user: 1\r\nContent-Type: text/plain\r\n\r\n');
    flood(s, ex, Buffer.alloc(64 * 1024, 0x41));
  },
  '/huge-body-deny': (s, ex) => {
    s.write('HTTP/1.1 200 OK\r\nicecast-auth-user: 0\r\nTransfer-Encoding: chunked\r\n\r\n');
    flood(s, ex, Buffer.from(`10000\r\n${'B'.repeat(0x10000)}\r\n`, 'latin1'));
  },
  '/huge-head': (s, ex) => {
    s.write('HTTP/1.1 200 OK\r\n');
    flood(s, ex, Buffer.from(`X-Padding: ${'p'.repeat(1000)}\r\n`, 'latin1'));
  },
  '/redirect': (s) => s.write(`HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:${lure.port}/allow\r\nicecast-auth-user: 1\r\nContent-Length: 0\r\n\r\n`),
  '/redirect-307': (s) => s.write(`HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:${lure.port}/allow\r\nContent-Length: 0\r\n\r\n`),
  '/slowloris': (s) => {
    // The head of an allow, one byte at a time, never finished: every byte well inside the timeout.
    const head = Buffer.from(`HTTP/1.1 200 OK\r\nicecast-auth-user: 1\r\n${'X-Slow: y\r\n'.repeat(1000)}`, 'latin1');
    let i = 0;
    const drip = setInterval(() => (i < head.length && !s.destroyed ? s.write(head.subarray(i, ++i)) : clearInterval(drip)), 20);
    s.once('close', () => clearInterval(drip));
  },
  '/continue-forever': (s) => {
    const again = setInterval(() => (s.destroyed ? clearInterval(again) : s.write('HTTP/1.1 100 Continue\r\n\r\n')), 20);
    s.once('close', () => clearInterval(again));
  },
  '/not-http': (s) => s.write('ICY 200 OK\r\nicecast-auth-user: 1\r\n\r\n'),
  '/reset': (s) => s.resetAndDestroy(),
};

/** A TCP server that accepts and never says a word: an https:// backend stuck in the handshake. */
const mute = { port: 0, sockets: [] as net.Socket[], server: net.createServer((s) => (s.on('error', () => {}), s.resume(), mute.sockets.push(s))) };

/** A server the redirects point at: it must never be asked. */
const lure = { port: 0, connections: 0, server: net.createServer((s) => (lure.connections++, s.destroy())) };

/** The hostile backend: behaves as the request path says, records every exchange. */
const exchanges: Exchange[] = [];
const waiting: Array<(ex: Exchange) => void> = [];
const backend = net.createServer((socket) => {
  socket.on('error', () => {});
  const ex: Exchange = { line: '', written: 0, closed: new Promise<void>((resolve) => socket.once('close', () => resolve())) };
  let head = '';
  const onData = (d: Buffer): void => {
    head += d.toString('latin1');
    if (!head.includes('\r\n\r\n')) return;
    socket.off('data', onData);
    socket.resume();
    ex.line = head.slice(0, head.indexOf('\r\n'));
    exchanges.push(ex);
    for (const w of waiting.splice(0)) w(ex);
    const path = ex.line.split(' ')[1] ?? '';
    BEHAVIOURS[path]?.(socket, ex);
  };
  socket.on('data', onData);
});

/** The backend exchange for `path` that the next listener causes. */
function exchangeFor(path: string): Promise<Exchange> {
  return new Promise((resolve) => {
    const wait = (ex: Exchange): void => (ex.line.startsWith(`POST ${path} `) ? resolve(ex) : void waiting.push(wait));
    waiting.push(wait);
  });
}

let gateway: TestGateway;

test.before(async () => {
  for (const s of [backend, lure.server, mute.server]) {
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
    shared.teardown(() => new Promise((resolve) => s.close(resolve)));
  }
  lure.port = (lure.server.address() as net.AddressInfo).port;
  mute.port = (mute.server.address() as net.AddressInfo).port;
  const base = `http://127.0.0.1:${(backend.address() as net.AddressInfo).port}`;
  // No source is live: a listener let in by mistake would get the relay's 404, never a 403 or 503.
  const relay = await testRelay();
  shared.teardown(() => relay.close());
  const mounts = Object.fromEntries(Object.keys(BEHAVIOURS).map((path) => [`${path}.mp3`, { auth: 'webhook', webhook: { url: `${base}${path}`, timeout: TIMEOUT } }]));
  mounts['/tls-mute.mp3'] = { auth: 'webhook', webhook: { url: `https://127.0.0.1:${mute.port}/auth`, timeout: TIMEOUT } };
  gateway = await testGateway(shared, relay.port(), { mounts });
});
test.after.always(() => shared.run());

/** [behaviour, listener status, catalogue code, largest answer the backend may get out] */
const CASES: [string, number, string, number][] = [
  ['/silent', 503, 'GW_AUTH_UNAVAILABLE', 0],
  ['/error500', 503, 'GW_AUTH_UNAVAILABLE', 0],
  ['/error503-allow', 503, 'GW_AUTH_UNAVAILABLE', 0],
  ['/redirect', 403, 'GW_LISTENER_REFUSED', 0],
  ['/redirect-307', 403, 'GW_LISTENER_REFUSED', 0],
  ['/huge-body-deny', 403, 'GW_LISTENER_REFUSED', 32 * 1024 * 1024],
  ['/huge-head', 503, 'GW_AUTH_UNAVAILABLE', 32 * 1024 * 1024],
  ['/slowloris', 503, 'GW_AUTH_UNAVAILABLE', 0],
  ['/continue-forever', 503, 'GW_AUTH_UNAVAILABLE', 0],
  ['/not-http', 503, 'GW_AUTH_UNAVAILABLE', 0],
  ['/reset', 503, 'GW_AUTH_UNAVAILABLE', 0],
];

for (const [path, status, code, bound] of CASES) {
  test.serial(`a backend that ${path.slice(1)}: the listener gets ${status} ${code}, the backend connection is closed`, async (t) => {
    const asked = exchangeFor(path);
    const answer = await play(gateway.gw.ports().listener, `${path}.mp3`, { Authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` });
    t.is(answer.status, status, answer.body.toString('latin1').slice(0, 200));
    t.is(codeOf(answer), code);
    const ex = await asked;
    await ex.closed;
    t.log(`backend wrote ${ex.written} bytes`);
    if (bound > 0) t.true(ex.written < bound, `the backend got ${ex.written} bytes out before the gateway closed`);
    t.is(lure.connections, 0, 'no redirect was followed');
  });
}

test.serial('an endless body with an allow: the listener is let in on the head alone, the body is not read', async (t) => {
  const asked = exchangeFor('/huge-body-allow');
  // Let in: the relay then answers, 404 here since no source is live.
  const answer = await play(gateway.gw.ports().listener, '/huge-body-allow.mp3');
  t.is(answer.status, 404);
  const ex = await asked;
  await ex.closed;
  t.log(`backend wrote ${ex.written} bytes`);
  t.true(ex.written < 32 * 1024 * 1024, `the backend got ${ex.written} bytes out before the gateway closed`);
});

test.serial('forty listeners at once against a backend that never answers: every one refused, every backend connection closed', async (t) => {
  const before = exchanges.length;
  const answers = await Promise.all(Array.from({ length: 40 }, () => play(gateway.gw.ports().listener, '/silent.mp3')));
  t.deepEqual(new Set(answers.map((a) => a.status)), new Set([503]));
  const mine = exchanges.slice(before).filter((ex) => ex.line.startsWith('POST /silent '));
  t.is(mine.length, 40);
  await Promise.all(mine.map((ex) => ex.closed));
  t.pass();
});

test.serial('an https:// backend that never finishes the TLS handshake: 503 after the timeout, the connection closed', async (t) => {
  const answer = await play(gateway.gw.ports().listener, '/tls-mute.mp3');
  t.is(answer.status, 503);
  t.is(codeOf(answer), 'GW_AUTH_UNAVAILABLE');
  t.is(mute.sockets.length, 1);
  const socket = mute.sockets[0]!;
  if (!socket.destroyed) await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  t.true(socket.destroyed);
});
