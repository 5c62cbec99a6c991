// Hostile or broken input on the relay port: each gets a clear refusal (or is dropped), nothing
// bad reaches a listener, and afterwards the relay still serves a source and a listener.
import test from 'ava';
import { once } from 'node:events';
import { MAX_HEAD_BYTES, MAX_HEAD_LINES } from '../../stream/header-lines.ts';
import { testRelay, until } from '../helpers/relay.ts';
import { FRAME_BYTES, RawClient, errorReply, goodPut, masked, mp3, openSource, openStream, servesNormally, sourceHead, SOURCE_OK } from './ingest-kit.ts';

const BAD_REQUEST = errorReply('HTTP/1.0 400 Bad Request', 'Bad request');
const TOO_LARGE = errorReply('HTTP/1.0 431 Request Header Fields Too Large', 'Request header too large');

const fields = (n: number): string[] => Array.from({ length: n }, (_, i) => `X-Field-${i}: ${i}`);

const refusedThenServes = test.macro(async (t, request: string | Buffer, reply: string, config: Record<string, unknown> = {}) => {
  const relay = await testRelay(config);
  try {
    const client = new RawClient(relay.port(), request);
    t.is(masked(await client.untilClosed()), reply);
    await servesNormally(t, relay);
  } finally {
    await relay.close();
  }
});

test('a malformed request line', refusedThenServes, 'PUT /m\r\n\r\n', BAD_REQUEST);
test('two spaces in the request line', refusedThenServes, 'PUT  /m HTTP/1.1\r\n\r\n', BAD_REQUEST);
test('an unknown protocol token', refusedThenServes, 'SOURCE /m FOO/1.0\r\n\r\n', BAD_REQUEST);
test('a method the relay does not serve', refusedThenServes, 'DELETE /m HTTP/1.1\r\nHost: x\r\n\r\n', errorReply(
  'HTTP/1.0 400 Bad Request',
  '<html><head><title>Error 400</title></head><body><b>400 - unknown request</b></body></html>\r\n',
  { html: true },
));
test(`a request line and ${MAX_HEAD_LINES} header lines`, refusedThenServes, sourceHead('PUT /m HTTP/1.1', fields(MAX_HEAD_LINES)), TOO_LARGE);
test('a 5000-byte head', refusedThenServes, sourceHead('PUT /m HTTP/1.1', [`X-Pad: ${'a'.repeat(5000)}`]), TOO_LARGE);
test('a NUL byte in the path', refusedThenServes, Buffer.from('PUT /a\0b HTTP/1.1\r\n\r\n', 'latin1'), BAD_REQUEST);
test('an encoded NUL in the path', refusedThenServes, goodPut('/a%00b'), BAD_REQUEST);
test('a dot segment in the path', refusedThenServes, goodPut('/a/../admin'), BAD_REQUEST);
test('a folded header line', refusedThenServes, 'PUT /m HTTP/1.1\r\nContent-Type: audio/mpeg\r\n more\r\n\r\n', BAD_REQUEST);
test(
  'a head that never completes',
  refusedThenServes,
  'PUT /m HTTP/1.1\r\nHost: 127.0.0.1\r\n',
  errorReply('HTTP/1.0 408 Request Timeout', 'Request header timeout'),
  { limits: { headerTimeout: 1 } },
);

test(`a head of exactly ${MAX_HEAD_LINES} lines and ${MAX_HEAD_BYTES} bytes is accepted`, async (t) => {
  const relay = await testRelay();
  try {
    const padding = fields(MAX_HEAD_LINES - 5);
    const short = goodPut('/m', [...padding, 'X-Pad: ']);
    const head = goodPut('/m', [...padding, `X-Pad: ${'a'.repeat(MAX_HEAD_BYTES - short.length)}`]);
    t.is(head.length, MAX_HEAD_BYTES);
    t.is(head.split('\r\n').length - 2, MAX_HEAD_LINES);
    const source = new RawClient(relay.port(), head);
    await source.waitForBytes(SOURCE_OK.length, 'the reply');
    t.is(source.received.toString('latin1'), SOURCE_OK);
    t.true(relay.ctx.registry.get('/m')?.live);
    source.socket.destroy();
  } finally {
    await relay.close();
  }
});

/** A deterministic byte soup (xorshift32), so a failure can be replayed. */
function garbage(length: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

test('a source sending garbage: listeners get nothing of it, then the audio that follows', async (t) => {
  const relay = await testRelay();
  try {
    const soup = garbage(64 * 1024);
    t.true(soup.includes(0xff), 'the garbage holds would-be frame syncs');
    const source = await openSource(relay.port(), '/m');
    const listener = await openStream(relay.port(), '/m');
    const mount = relay.ctx.registry.get('/m')!;
    for (let at = 0; at < soup.length; at += 1000) source.socket.write(soup.subarray(at, at + 1000));
    await until(() => mount.bytesRead === soup.length, 5000, 'the garbage to be read');
    mount.flush();
    t.is(mount.bytesSent, 0);
    t.is(mount.queue.tail, 0);
    const audio = await mp3(1);
    source.socket.write(audio);
    const body = await listener.waitForBody(audio.length);
    t.true(body.equals(audio), 'the listener gets exactly the audio');
    source.socket.destroy();
    await servesNormally(t, relay);
  } finally {
    await relay.close();
  }
});

const dyingMidFrame = test.macro({
  async exec(t, death: 'close' | 'reset') {
    const relay = await testRelay();
    try {
      const audio = await mp3(1);
      const frames = 20;
      const source = await openSource(relay.port(), '/m');
      const listener = await openStream(relay.port(), '/m');
      const mount = relay.ctx.registry.get('/m')!;
      source.socket.write(audio.subarray(0, frames * FRAME_BYTES + FRAME_BYTES / 2));
      await until(() => mount.bytesRead === frames * FRAME_BYTES + FRAME_BYTES / 2, 5000, 'the source bytes to be read');
      const ended = once(relay.ctx.registry, 'source-end');
      if (death === 'reset') source.socket.resetAndDestroy();
      else source.socket.destroy();
      await ended;
      const body = await listener.waitForBody(frames * FRAME_BYTES);
      t.is(mount.bytesSent, frames * FRAME_BYTES, 'the half frame is never sent');
      t.true(body.equals(audio.subarray(0, frames * FRAME_BYTES)));
      t.false(listener.isClosed, 'the listener waits for the source to come back');
      await servesNormally(t, relay);
    } finally {
      await relay.close();
    }
  },
  title: (_, death) => `a source dying mid-frame (${death === 'reset' ? 'connection reset' : 'connection closed'})`,
});

test(dyingMidFrame, 'close');
test(dyingMidFrame, 'reset');
