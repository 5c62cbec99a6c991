// The gateway holds a source whose relay connection breaks (gateway/hold): against a raw upstream
// that records every byte, the encoder's connection stays open, the same head is sent again to
// the returning upstream, held audio follows from a frame boundary; an upstream that never
// returns releases the source after gateway.hold.sources with a log line; a flood during the
// hold is bounded and counted, and another source on the gateway keeps its pace meanwhile.
import test from 'ava';
import tls from 'node:tls';
import { lenientUpstream, testGateway } from '../gateway/server-harness.ts';

/** A reconnect the gateway gives up on (hold over, test ending) closes before its head: not an error here. */
const closedEarly = (): void => undefined;
import { mp3 } from '../relay/ingest-kit.ts';

const AUTH = `Basic ${Buffer.from('source:hackme').toString('base64')}`;
const PUT = ['PUT /live.mp3 HTTP/1.1', 'Host: radio.example:8001', `Authorization: ${AUTH}`, 'Content-Type: audio/mpeg', '', ''].join('\r\n');
const headEnd = (d: Buffer): boolean => d.includes('\r\n\r\n');
const bodyOf = (d: Buffer): Buffer => d.subarray(d.indexOf('\r\n\r\n') + 4);

function connectTls(port: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Writes `audio` in 1 KiB pieces every `everyMs`; returns the stop. */
function pace(client: tls.TLSSocket, audio: Buffer, everyMs: number, piece = 1024): () => void {
  let at = 0;
  const timer = setInterval(() => {
    if (at >= audio.length) at = 0;
    client.write(audio.subarray(at, at + piece));
    at += piece;
  }, everyMs);
  return () => clearInterval(timer);
}

test('a broken relay connection: the encoder stays, the head is sent again, audio resumes on a frame', async (t) => {
  const upstream = await lenientUpstream(t, (c) => void c.until(headEnd).then(() => c.socket.write('HTTP/1.0 200 OK\r\n\r\n'), closedEarly));
  const { gw } = await testGateway(t, upstream.port);
  const logs: string[] = [];
  gw.events.on('hold', (e) => logs.push(e.message));
  const client = await connectTls(gw.ports().source);
  let answer = '';
  client.on('data', (d: Buffer) => (answer += d.toString('latin1')));
  let closed = false;
  client.on('close', () => (closed = true));
  client.write(PUT);
  const stop = pace(client, await mp3(4), 5);
  t.teardown(stop);
  const first = await upstream.next();
  const head1 = (await first.until((d) => headEnd(d) && bodyOf(d).length > 20_000)).subarray(0, first.received().indexOf('\r\n\r\n') + 4);
  first.socket.destroy();
  const second = await upstream.next();
  const seen = await second.until((d) => headEnd(d) && bodyOf(d).length > 8192);
  t.true(seen.subarray(0, head1.length).equals(head1), 'the same head again');
  const body = bodyOf(seen);
  t.is(body[0], 0xff, 'resumes on an MPEG frame sync');
  t.is(body[1]! & 0xe0, 0xe0);
  second.socket.write('HTTP/1.0 200 OK\r\n\r\n');
  await second.until((d) => bodyOf(d).length > 30_000);
  t.false(closed, 'the encoder never noticed');
  t.is(answer, 'HTTP/1.0 200 OK\r\n\r\n', 'only the first answer reached the encoder');
  t.true(logs.some((l) => /held: its relay connection broke/.test(l)));
  t.true(logs.some((l) => /resumed on the relay after/.test(l)));
  const f = gw.hold.snapshot();
  t.like(f, { sourcesHeld: 0, sourceHolds: 1, sourcesResumed: 1 });
  client.destroy();
});

test('a relay that never returns: the source is released after gateway.hold.sources, with a log line', async (t) => {
  let answering = true;
  const upstream = await lenientUpstream(t, (c) => void c.until(headEnd).then(() => answering && c.socket.write('HTTP/1.0 200 OK\r\n\r\n'), closedEarly));
  const { gw } = await testGateway(t, upstream.port, { hold: { sources: 1 } });
  const logs: string[] = [];
  gw.events.on('hold', (e) => logs.push(e.message));
  const client = await connectTls(gw.ports().source);
  client.on('error', () => {});
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  client.write(PUT);
  const stop = pace(client, await mp3(2), 5);
  t.teardown(stop);
  const first = await upstream.next();
  await first.until((d) => bodyOf(d).length > 8192);
  // Every later connection is cut before it answers: no relay.
  answering = false;
  upstream.connections.length = 0;
  const refuseAll = setInterval(() => upstream.connections.splice(0).forEach((c) => c.socket.destroy()), 5);
  t.teardown(() => clearInterval(refuseAll));
  first.socket.destroy();
  await closed;
  t.true(logs.some((l) => /released: no relay for 1\.\d s \(gateway\.hold\.sources\)/.test(l)), logs.join('\n'));
  t.like(gw.hold.snapshot(), { sourcesHeld: 0, sourcesReleased: 1 });
});

test('a source that floods during the hold: bounded to the rate before the break, the rest dropped and counted', async (t) => {
  let answering = true;
  const upstream = await lenientUpstream(t, (c) => void c.until(headEnd).then(() => answering && c.socket.write('HTTP/1.0 200 OK\r\n\r\n'), closedEarly));
  const { gw } = await testGateway(t, upstream.port, { hold: { sources: 30, buffer: 1 } });
  const client = await connectTls(gw.ports().source);
  client.write(PUT);
  const audio = await mp3(8);
  let stop = pace(client, audio, 10);
  t.teardown(() => stop());
  const first = await upstream.next();
  await first.until((d) => bodyOf(d).length > 100_000);
  // Nobody answers during the flood: each attempt is held open without a reply.
  answering = false;
  first.socket.destroy();
  stop();
  // 10 times the rate (and more) for a while.
  stop = pace(client, audio, 1, 8192);
  await new Promise<void>((resolve) => {
    const check = (): void => (gw.hold.snapshot().bytesDropped > 500_000 ? resolve() : void setTimeout(check, 20));
    check();
  });
  stop();
  const attempt = upstream.connections[upstream.connections.length - 1]!;
  await attempt.until(headEnd);
  attempt.socket.write('HTTP/1.0 200 OK\r\n\r\n');
  await new Promise((r) => setTimeout(r, 300));
  const resent = bodyOf(attempt.received()).length;
  // The buffer holds 1 s at the rate before the break (at most 16 KiB floor): far below what was sent.
  t.true(resent < 200_000, `${resent} bytes resent`);
  t.true(gw.hold.snapshot().bytesDropped > 500_000);
  client.destroy();
});

test('a source flooding during its hold slows no other source: the other keeps its pace upstream', async (t) => {
  let answering = true;
  const isOther = (d: Buffer): boolean => d.toString('latin1').startsWith('PUT /other.mp3 ');
  const upstream = await lenientUpstream(t, (c) => void c.until(headEnd).then((d) => (answering || isOther(d)) && c.socket.write('HTTP/1.0 200 OK\r\n\r\n'), closedEarly));
  const { gw } = await testGateway(t, upstream.port, { hold: { sources: 30, buffer: 1 } });
  const audio = await mp3(8);
  const flooder = await connectTls(gw.ports().source);
  flooder.write(PUT);
  let stopFlood = pace(flooder, audio, 10);
  t.teardown(() => stopFlood());
  const first = await upstream.next();
  await first.until((d) => bodyOf(d).length > 50_000);
  // The other source, 100 KiB/s, counting what it sent after its head.
  const other = await connectTls(gw.ports().source);
  other.write(PUT.replace('/live.mp3', '/other.mp3'));
  let sent = 0;
  const tick = setInterval(() => {
    const piece = audio.subarray(sent % (audio.length - 1024), (sent % (audio.length - 1024)) + 1024);
    other.write(piece);
    sent += piece.length;
  }, 10);
  t.teardown(() => clearInterval(tick));
  const otherUp = await upstream.next();
  await otherUp.until((d) => bodyOf(d).length > 20_000);
  // The flooder's relay goes away and nobody answers it; it floods at many times its rate.
  answering = false;
  first.socket.destroy();
  stopFlood();
  stopFlood = pace(flooder, audio, 1, 8192);
  const dropped = gw.hold.snapshot().bytesDropped;
  await new Promise<void>((resolve) => {
    const check = (): void => (gw.hold.snapshot().bytesDropped - dropped > 2_000_000 ? resolve() : void setTimeout(check, 20));
    check();
  });
  const sentDuring = sent;
  // At the end of the flood, everything the other source sent is upstream, less what is in flight.
  t.true(bodyOf(otherUp.received()).length >= sentDuring - 64 * 1024, `${bodyOf(otherUp.received()).length} of ${sentDuring} bytes`);
  t.true(gw.hold.snapshot().bytesDropped - dropped > 2_000_000, 'the flood was dropped and counted');
  t.like(gw.hold.snapshot(), { sourcesHeld: 1 });
  stopFlood();
  flooder.destroy();
  other.destroy();
});
