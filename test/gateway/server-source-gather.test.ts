// A held source's bytes are gathered for GATHER_MS and forwarded in one write
// (gateway/hold/held-source.ts): they still reach the upstream whole and in order, in far fewer
// writes than the encoder made, and the last ones sent before the encoder hangs up arrive before
// the upstream's end.
import test from 'ava';
import tls from 'node:tls';
import { GATHER_MS } from '../../gateway/hold/held-source.ts';
import { lenientUpstream, testGateway } from './server-harness.ts';

const AUTH = `Basic ${Buffer.from('source:hackme').toString('base64')}`;
const PUT = ['PUT /live.mp3 HTTP/1.1', 'Host: radio.example:8001', `Authorization: ${AUTH}`, 'Content-Type: audio/mpeg', '', ''].join('\r\n');
const headEnd = (d: Buffer): boolean => d.includes('\r\n\r\n');

test('gathered: every byte upstream in order, in fewer writes, the last ones before the end', async (t) => {
  const upstream = await lenientUpstream(t, (c) => void c.until(headEnd).then(() => c.socket.write('HTTP/1.0 200 OK\r\n\r\n'), () => undefined));
  const { gw } = await testGateway(t, upstream.port);
  const client = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect({ port: gw.ports().source, host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(s));
    s.once('error', reject);
  });
  client.on('error', () => {});
  client.on('data', () => {});
  client.write(PUT);
  const conn = await upstream.next();
  await conn.until(headEnd);
  let reads = 0;
  conn.socket.on('data', () => reads++);
  // 60 pieces of 100 distinct bytes, one every 5 ms: 300 ms, about three gathers.
  const pieces = Array.from({ length: 60 }, (_, i) => Buffer.alloc(100, i));
  for (const piece of pieces) {
    client.write(piece);
    await new Promise((r) => setTimeout(r, 5));
  }
  // Hung up less than GATHER_MS after the last piece: it must still arrive, before the end.
  client.end();
  await conn.closed;
  const received = conn.received();
  const body = received.subarray(received.indexOf('\r\n\r\n') + 4);
  t.true(body.equals(Buffer.concat(pieces)), `the body as sent (${body.length} of ${pieces.length * 100} bytes)`);
  t.true(reads < pieces.length / 2, `${reads} reads upstream for ${pieces.length} writes of the encoder (gathered every ${GATHER_MS} ms)`);
});
