// Source bodies with an end: Transfer-Encoding: chunked (as Icecast 2.5 accepts,
// docs/icecast-compatibility.md#source-bodies-have-no-length) and Content-Length. Listeners get the decoded audio byte for byte; when the
// body is complete the source ends and the relay closes the connection.
import test from 'ava';
import { once } from 'node:events';
import type { SourceEndReason } from '../../stream/mount.ts';
import { decode } from '../helpers/ffmpeg.ts';
import { testRelay } from '../helpers/relay.ts';
import { RawClient, SOURCE_OK, goodPut, mp3, openStream } from './ingest-kit.ts';

/** Chunk sizes that never line up with frames or socket reads. */
const CHUNK_SIZES = [1, 7, 333, 1021, 4093, 65, 2];

/** RFC 9112 §7.1 framing, with sizes in both letter cases and a chunk extension now and then. */
function chunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0, i = 0; at < body.length; i++) {
    const size = Math.min(CHUNK_SIZES[i % CHUNK_SIZES.length]!, body.length - at);
    const hex = i % 2 ? size.toString(16).toUpperCase() : size.toString(16);
    const ext = i % 5 === 0 ? ';part=' + i : '';
    parts.push(Buffer.from(`${hex}${ext}\r\n`), body.subarray(at, at + size), Buffer.from('\r\n'));
    at += size;
  }
  return Buffer.concat(parts);
}

/** Writes `data` in odd-sized pieces, yielding between them so they reach the relay apart. */
async function trickle(client: RawClient, data: Buffer, piece = 997): Promise<void> {
  for (let at = 0; at < data.length; at += piece) {
    client.socket.write(data.subarray(at, at + piece));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Starts a framed source on /m and a listener, streams `body`, returns what the listener got. */
async function framedSource(t: import('ava').ExecutionContext, framing: string, body: Buffer, audio: Buffer): Promise<void> {
  const relay = await testRelay();
  try {
    const source = new RawClient(relay.port(), goodPut('/m', [framing]));
    await source.waitForBytes(SOURCE_OK.length, 'the 200');
    t.is(source.received.toString('latin1'), SOURCE_OK);
    const listener = await openStream(relay.port(), '/m');
    const ended = once(relay.ctx.registry, 'source-end') as Promise<[unknown, SourceEndReason]>;
    await trickle(source, body);
    const [, reason] = await ended;
    t.is(reason, 'eof');
    await source.untilClosed();
    const received = await listener.waitForBody(audio.length);
    t.true(received.equals(audio), 'the listener gets exactly the audio');
    const decoded = await decode(received, 'mp3');
    t.true(decoded.ok, decoded.errors);
    t.true(decoded.seconds > 0.9, `decoded ${decoded.seconds} s`);
  } finally {
    await relay.close();
  }
}

test('a chunked PUT: the listener decodes the audio; the last chunk ends the source', async (t) => {
  const audio = await mp3(1);
  const body = Buffer.concat([chunked(audio), Buffer.from('0\r\nX-Trailer: ignored\r\n\r\n')]);
  await framedSource(t, 'Transfer-Encoding: chunked', body, audio);
});

test('a Content-Length PUT: the body ends the source, bytes after it are not streamed', async (t) => {
  const audio = await mp3(1);
  await framedSource(t, `Content-Length: ${audio.length}`, Buffer.concat([audio, Buffer.from('trailing bytes')]), audio);
});

test('a Content-Length: 0 PUT ends at once and its connection is closed', async (t) => {
  const relay = await testRelay();
  try {
    const ended = once(relay.ctx.registry, 'source-end') as Promise<[unknown, SourceEndReason]>;
    const source = new RawClient(relay.port(), goodPut('/m', ['Content-Length: 0']));
    // Ended by its framing, not by sourceTimeout (10 s) catching a source that sends nothing.
    const [, reason] = await ended;
    t.is(reason, 'eof');
    t.is((await source.untilClosed()).toString('latin1'), SOURCE_OK);
    t.false(relay.ctx.registry.get('/m')?.live ?? false);
  } finally {
    await relay.close();
  }
});

test('broken chunk framing drops the source', async (t) => {
  const relay = await testRelay();
  try {
    const source = new RawClient(relay.port(), goodPut('/m', ['Transfer-Encoding: chunked']));
    await source.waitForBytes(SOURCE_OK.length, 'the 200');
    const ended = once(relay.ctx.registry, 'source-end') as Promise<[unknown, SourceEndReason]>;
    source.socket.write('zz\r\nnot a chunk\r\n');
    const [, reason] = await ended;
    t.is(reason, 'error');
    await source.untilClosed();
  } finally {
    await relay.close();
  }
});
