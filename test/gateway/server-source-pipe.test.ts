// The source port against a lenient raw upstream that records every byte: the canonical head
// goes first, then the body exactly as sent, the answer comes back exactly as sent, nothing
// after a framed body is forwarded, and each side's close takes the other with it.
import test from 'ava';
import net from 'node:net';
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { exchange, headerOf, lenientUpstream, testGateway, type RecordedConnection } from './server-harness.ts';
import { TEST_FORWARD_KEY } from '../helpers/relay.ts';

const AUTH = `Basic ${Buffer.from('source:hackme').toString('base64')}`;
const PUT = ['PUT /live.mp3 HTTP/1.1', 'Host: radio.example:8001', `Authorization: ${AUTH}`, 'Content-Type: audio/mpeg', 'Expect: 100-continue', 'X-Forwarded-For: 6.6.6.6', '', ''].join('\r\n');

function connectTls(port: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(s));
    s.once('error', reject);
  });
}

const headEnd = (d: Buffer): boolean => d.includes('\r\n\r\n');

test('an un-framed endless source body passes byte for byte behind the canonical head', async (t) => {
  const upstream = await lenientUpstream(t, (c) => void c.until(headEnd).then(() => c.socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\n')));
  const { gw } = await testGateway(t, upstream.port);
  const client = await connectTls(gw.ports().source);
  t.teardown(() => client.destroy());
  const answer: Buffer[] = [];
  client.on('data', (d: Buffer) => answer.push(d));
  const audio = randomBytes(256 * 1024);
  client.write(PUT);
  for (let i = 0; i < audio.length; i += 16384) client.write(audio.subarray(i, i + 16384));
  const conn = await upstream.next();
  const seen = await conn.until((d) => d.length >= d.indexOf('\r\n\r\n') + 4 + audio.length && headEnd(d));
  const end = seen.indexOf('\r\n\r\n') + 4;
  const head = seen.subarray(0, end).toString('latin1');
  t.is(
    head,
    [
      'PUT /live.mp3 HTTP/1.1',
      `X-Icegate-Forward-Key: ${TEST_FORWARD_KEY}`,
      'X-Forwarded-For: 127.0.0.1',
      'X-Forwarded-Proto: https',
      'Connection: close',
      'Host: radio.example:8001',
      `Authorization: ${AUTH}`,
      'Content-Type: audio/mpeg',
      'Expect: 100-continue',
      '',
      '',
    ].join('\r\n'),
  );
  t.true(seen.subarray(end).equals(audio));
  await new Promise<void>((resolve) => {
    const check = (): void => (Buffer.concat(answer).toString().endsWith('200 OK\r\n\r\n') ? resolve() : void client.once('data', check));
    check();
  });
  t.is(Buffer.concat(answer).toString(), 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\n');
});

test('a source that disconnects closes its upstream connection', async (t) => {
  const upstream = await lenientUpstream(t, (c) => void c.until(headEnd).then(() => c.socket.write('HTTP/1.0 200 OK\r\n\r\n')));
  const { gw } = await testGateway(t, upstream.port);
  const client = await connectTls(gw.ports().source);
  client.write(`${PUT}audio`);
  const conn = await upstream.next();
  await conn.until((d) => d.toString('latin1').endsWith('audio'));
  client.destroy();
  await conn.closed;
  t.true(conn.socket.destroyed);
  t.is(upstream.connections.length, 1);
});

test('an upstream that drops the source saying why (killsource, takeover) disconnects it', async (t) => {
  const upstream = await lenientUpstream(t, (c) => void c.until(headEnd).then(() => c.socket.write('HTTP/1.0 200 OK\r\n\r\n')));
  const { gw } = await testGateway(t, upstream.port);
  const client = await connectTls(gw.ports().source);
  client.on('error', () => {});
  const closed = new Promise((resolve) => client.once('close', resolve));
  let answer = '';
  client.on('data', (d: Buffer) => (answer += d.toString('latin1')));
  client.write(PUT);
  const timer = setInterval(() => client.write(Buffer.alloc(1024)), 5);
  t.teardown(() => clearInterval(timer));
  const conn = await upstream.next();
  await conn.until((d) => d.length > 8192);
  // What the relay core writes when it ends a source on purpose (contracts/source-end.ts).
  conn.socket.end('icegate-source-end: killed\r\n');
  await closed;
  t.is(answer, 'HTTP/1.0 200 OK\r\n\r\nicegate-source-end: killed\r\n');
  t.true(client.destroyed);
});

test('nothing after a metadata GET reaches the upstream (no pipelined second request)', async (t) => {
  let conn: RecordedConnection | undefined;
  const upstream = await lenientUpstream(t, (c) => {
    conn = c;
    void c.until(headEnd).then(() => setTimeout(() => c.socket.end('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'), 50));
  });
  const { gw } = await testGateway(t, upstream.port);
  const smuggled = 'GET /admin/killsource?mount=/live.mp3 HTTP/1.1\r\nHost: h\r\n\r\n';
  const reply = await exchange(gw.ports().source, `GET /admin/metadata?mount=/live.mp3&mode=updinfo&song=Hello HTTP/1.1\r\nHost: h\r\nAuthorization: ${AUTH}\r\n\r\n${smuggled}`, true);
  t.is(reply.status, 200);
  await conn!.closed;
  const seen = conn!.received().toString('latin1');
  t.regex(seen, /^GET \/admin\/metadata\?mount=\/live\.mp3&mode=updinfo&song=Hello HTTP\/1\.1\r\n/);
  t.true(seen.endsWith('\r\n\r\n'));
  t.false(seen.includes('killsource'));
  t.is(upstream.connections.length, 1);
});

test('a Content-Length body is forwarded and what follows it is not', async (t) => {
  const upstream = await lenientUpstream(t, (c) => void c.until((d) => d.toString('latin1').endsWith('12345')).then(() => setTimeout(() => c.socket.end('HTTP/1.0 200 OK\r\n\r\n'), 50)));
  const { gw } = await testGateway(t, upstream.port);
  const reply = await exchange(gw.ports().source, `PUT /live.mp3 HTTP/1.0\r\nAuthorization: ${AUTH}\r\nContent-Type: audio/mpeg\r\nContent-Length: 5\r\n\r\n12345GET /admin/stats HTTP/1.0\r\n\r\n`, true);
  t.is(reply.status, 200);
  const seen = upstream.connections[0]!.received().toString('latin1');
  t.true(seen.endsWith('\r\n\r\n12345'));
});

test('the plain source port tells the upstream the client came over http', async (t) => {
  const upstream = await lenientUpstream(t, (c) => void c.until(headEnd).then(() => c.socket.end('HTTP/1.0 401 Authentication Required\r\n\r\n')));
  const { gw } = await testGateway(t, upstream.port, { source: { plainPort: 0 } });
  const reply = await exchange(gw.ports().sourcePlain!, 'SOURCE /live.ogg HTTP/1.0\r\nContent-Length: 0\r\nConnection: Keep-Alive\r\n\r\n');
  t.is(reply.status, 401, 'the upstream\'s answer to libshout\'s probe passes through');
  const head = upstream.connections[0]!.received().toString('latin1');
  t.regex(head, /^SOURCE \/live\.ogg HTTP\/1\.0\r\n/);
  t.is(headerOf(head, 'x-forwarded-proto'), 'http');
  t.is(headerOf(head, 'connection'), 'close');
});

test('an unreachable upstream is a 502, and a slow head a 408', async (t) => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as net.AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const { gw } = await testGateway(t, port, { limits: { headerTimeout: 1 } });
  const reply = await exchange(gw.ports().source, `${PUT}audio`, true);
  t.is(reply.status, 502);
  t.true(reply.body.includes('GW_UPSTREAM_UNAVAILABLE'));
  const slow = await exchange(gw.ports().source, 'PUT /live.mp3 HTTP/1.1\r\nHost: h\r\n', true);
  t.is(slow.status, 408);
  t.true(slow.body.includes('GW_HEADER_TIMEOUT'));
});
