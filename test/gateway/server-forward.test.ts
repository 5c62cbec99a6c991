// The http-proxy forwarder of the listener and admin ports against a deliberately lenient raw
// upstream that records every byte (security invariants as test names, docs/gateway-security.md#http-proxy): what reaches the upstream,
// and that no upstream fault or client disconnect crashes the gateway or leaks a connection. Stream
// GETs are the edge's (edge.test.ts); a playlist is forwarded, so it carries these checks.
import test from 'ava';
import net from 'node:net';
import { createForwarder } from '../../gateway/forward/proxy.ts';
import { parseUpstream } from '../../gateway/context.ts';
import { exchange, headerOf, lenientUpstream, testGateway } from './server-harness.ts';

const STREAM_HEAD = 'HTTP/1.0 200 OK\r\nContent-Type: audio/mpeg\r\nicy-br: 128\r\n\r\n';

test('the deleteLength pass is gone (CL.TE desync, node-http-proxy #1720/#1721)', (t) => {
  t.deepEqual(createForwarder(parseUpstream('http://127.0.0.1:1')).passes, ['timeout', 'XHeaders', 'stream']);
});

test('upstream sees the canonical target, the peer address as X-Forwarded-For, and no client credentials or hop-by-hop fields', async (t) => {
  const upstream = await lenientUpstream(t, (c) => void c.until((d) => d.includes('\r\n\r\n')).then(() => c.socket.end('HTTP/1.0 404 File Not Found\r\n\r\n')));
  const { gw } = await testGateway(t, upstream.port);
  const request = [
    'GET /%6Cive.mp3.m3u HTTP/1.1',
    'Host: radio.example:8000',
    'X-Forwarded-For: 6.6.6.6',
    'X-Forwarded-Proto: https',
    'X-Real-IP: 6.6.6.6',
    'Authorization: Basic YWRtaW46aGFja21l',
    'Connection: keep-alive, X-Hop',
    'X-Hop: secret',
    'Icy-MetaData: 1',
    '',
    '',
  ].join('\r\n');
  const reply = await exchange(gw.ports().listener, request);
  t.is(reply.status, 404);
  const seen = (await upstream.connections[0]!.until((d) => d.includes('\r\n\r\n'))).toString('latin1');
  const head = seen.slice(0, seen.indexOf('\r\n\r\n'));
  t.regex(head, /^GET \/live\.mp3\.m3u HTTP\/1\.1\r\n/);
  t.is(headerOf(head, 'x-forwarded-for'), '127.0.0.1');
  t.is(headerOf(head, 'x-forwarded-proto'), 'http');
  t.is(headerOf(head, 'host'), 'radio.example:8000');
  t.is(headerOf(head, 'icy-metadata'), '1');
  for (const gone of ['x-real-ip', 'authorization', 'x-hop']) t.is(headerOf(head, gone), undefined, gone);
  t.is(head.match(/x-forwarded-for/gi)?.length, 1);
});

test('over TLS the upstream is told https', async (t) => {
  const upstream = await lenientUpstream(t, (c) => void c.until((d) => d.includes('\r\n\r\n')).then(() => c.socket.end('HTTP/1.0 404 File Not Found\r\n\r\n')));
  const { gw } = await testGateway(t, upstream.port);
  await exchange(gw.ports().listenerTls, 'GET /live.mp3.m3u HTTP/1.0\r\n\r\n', true);
  const head = (await upstream.connections[0]!.until((d) => d.includes('\r\n\r\n'))).toString('latin1');
  t.is(headerOf(head, 'x-forwarded-proto'), 'https');
  t.regex(headerOf(head, 'host') ?? '', /^127\.0\.0\.1:\d+$/, 'an HTTP/1.0 request without Host names the gateway, not the upstream');
});

test('a response without a length is relayed close-delimited, as Icecast sends streams, not re-chunked', async (t) => {
  const upstream = await lenientUpstream(t, (c) => void c.until((d) => d.includes('\r\n\r\n')).then(() => c.socket.end(`${STREAM_HEAD}audio-bytes`)));
  const { gw } = await testGateway(t, upstream.port);
  const reply = await exchange(gw.ports().listener, 'GET /live.mp3.m3u HTTP/1.1\r\nHost: h\r\n\r\n');
  t.is(reply.status, 200);
  t.is(headerOf(reply.head, 'transfer-encoding'), undefined);
  t.is(headerOf(reply.head, 'icy-br'), '128');
  t.is(reply.body, 'audio-bytes');
});

test('a listener that hangs up closes its upstream connection (the http-proxy leak, #1586)', async (t) => {
  const upstream = await lenientUpstream(t, (c) => {
    void c.until((d) => d.includes('\r\n\r\n')).then(() => {
      c.socket.write(STREAM_HEAD);
      // An endless stream: one write every tick until the connection goes.
      const timer = setInterval(() => c.socket.write(Buffer.alloc(512)), 10);
      c.socket.once('close', () => clearInterval(timer));
    });
  });
  const { gw } = await testGateway(t, upstream.port);
  for (let i = 0; i < 5; i++) {
    const client = net.connect(gw.ports().listener, '127.0.0.1');
    client.write('GET /live.mp3.m3u HTTP/1.1\r\nHost: h\r\n\r\n');
    await new Promise((resolve) => client.once('data', resolve));
    client.destroy();
  }
  await Promise.all(upstream.connections.map((c) => c.closed));
  t.is(upstream.connections.length, 5);
});

const upstreamFault = test.macro({
  async exec(t, act: (socket: net.Socket) => void, status: 502 | 200) {
    const upstream = await lenientUpstream(t, (c) => void c.until((d) => d.includes('\r\n\r\n')).then(() => act(c.socket)));
    const { gw } = await testGateway(t, upstream.port);
    const errors: string[] = [];
    gw.events.on('upstream-error', (e) => errors.push(e.message));
    const reply = await exchange(gw.ports().listener, 'GET /live.mp3.m3u HTTP/1.1\r\nHost: h\r\n\r\n');
    t.is(reply.status, status, reply.head);
    if (status === 502) {
      t.true(reply.body.includes('GW_UPSTREAM_UNAVAILABLE'));
      t.is(errors.length, 1);
    } else {
      // Icecast streams end when the connection closes: the listener sees the end of the stream.
      t.is(reply.body, 'some audio');
    }
    // Still serving: the next request gets an answer.
    const again = await exchange(gw.ports().listener, 'GET /admin/stats HTTP/1.1\r\nHost: h\r\n\r\n');
    t.is(again.status, 403);
  },
  title: (title = '') => `an upstream that ${title} is a 502 or a cut stream, never a crash`,
});

test('answers ICY 200 OK (Icecast-KH)', upstreamFault, (s) => s.end('ICY 200 OK\r\nicy-name: x\r\n\r\naudio'), 502);
test('resets before answering', upstreamFault, (s) => s.resetAndDestroy(), 502);
test('closes without a word', upstreamFault, (s) => s.end(), 502);
test('resets in the middle of a stream', upstreamFault, (s) => {
  s.write(`${STREAM_HEAD}some audio`);
  setImmediate(() => s.resetAndDestroy());
}, 200);

test('an unreachable upstream is a 502 from the catalogue', async (t) => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as net.AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const { gw } = await testGateway(t, port);
  const reply = await exchange(gw.ports().listener, 'GET /live.mp3.m3u HTTP/1.1\r\nHost: h\r\n\r\n');
  t.is(reply.status, 502);
  t.true(reply.body.startsWith('Upstream unavailable (GW_UPSTREAM_UNAVAILABLE, ref '));
});
