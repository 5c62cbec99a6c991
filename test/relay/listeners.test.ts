// What players see: Icecast's response head, ICY blocks in a real capture, CORS, HEAD, Safari's
// range probe, playlists with the public URL, and a stuck listener that cannot hurt another.
import test from 'ava';
import net from 'node:net';
import { once } from 'node:events';
import { FORWARD_KEY_LINE, testRelay, SECRETS } from '../helpers/relay.ts';
import { startSource, stopProcess, decode } from '../helpers/ffmpeg.ts';
import { listen, openListener, rawRequest, parseHead } from '../helpers/listen.ts';
import { makeAudio } from '../helpers/media.ts';
import { parseIcyStream } from '../../stream/icy.ts';

const auth = 'Basic ' + Buffer.from(`source:${SECRETS.sourcePassword}`).toString('base64');

/** Open a PUT source on a raw socket and resolve once the relay accepted it. */
async function putSource(port: number, mount: string, type = 'audio/mpeg'): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  s.write(`PUT ${mount} HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: ${type}\r\nIce-Name: Raw\r\n\r\n`);
  const [reply] = (await once(s, 'data')) as [Buffer];
  if (!reply.toString('latin1').startsWith('HTTP/1.0 200 OK')) throw new Error(reply.toString('latin1'));
  return s;
}

test('a listener that stops reading is dropped; another keeps receiving everything', async (t) => {
  const relay = await testRelay({ limits: { queueSize: 65536, burstSize: 0, sourceGrace: 0 } });
  const mp3 = await makeAudio('mp3', 10);
  const src = await putSource(relay.port(), '/fast.mp3'); // accepted: the mount is live
  src.write(mp3.subarray(0, 8192));
  const stuck = openListener({ port: relay.port(), path: '/fast.mp3', bytes: 1 });
  await stuck.capture;
  stuck.socket.pause(); // never reads again: kernel buffers fill, then the relay's queue
  const reader = openListener({ port: relay.port(), path: '/fast.mp3', bytes: Number.MAX_SAFE_INTEGER, timeoutMs: 120000 });
  await once(relay.ctx.registry, 'listener-add');
  const dropped = once(relay.ctx.registry, 'slow-listener');
  const rounds = 120; // ~19 MB: more than loopback socket buffers can hide
  for (let i = 0; i < rounds; i++) if (!src.write(mp3)) await once(src, 'drain');
  const [mount] = await dropped;
  t.is(mount.slowListeners, 1);
  src.end();
  const cap = await reader.capture;
  stuck.socket.destroy();
  // The reader got every frame published after it joined, in order: it decodes with no error.
  const expected = mp3.length * rounds;
  // It joined at the live edge after at most the first 8 KiB; everything later reached it,
  // including what was still queued when the source ended.
  t.true(cap.body.length >= expected - 8192 && cap.body.length <= expected, `reader got ${cap.body.length} of ${expected}`);
  const tail = await decode(cap.body.subarray(-mp3.length * 2), 'mp3');
  t.true(tail.ok, tail.errors);
  await relay.close();
});

test.serial('ICY blocks in a real capture carry the title and the audio decodes', async (t) => {
  const relay = await testRelay();
  const source = startSource({ port: relay.port(), mount: '/icy.mp3', codec: 'mp3', password: SECRETS.sourcePassword, noise: true });
  try {
    const [mount] = await once(relay.ctx.registry, 'source-start');
    mount.setTitle('Title ä', 'Artist');
    const cap = await listen({ port: relay.port(), path: '/icy.mp3', headers: { 'Icy-MetaData': '1' }, bytes: 3 * 16017 + 2000 });
    t.is(cap.headers.get('icy-metaint')?.[0], '16000');
    const { audio, titles } = parseIcyStream(cap.body, 16000);
    t.deepEqual(titles[0], 'Artist - Title ä', 'the first block always carries the current title');
    t.is(cap.body[16000], 3, 'length byte of "StreamTitle=\'Artist - Title ä\';" (35 bytes) is 3 × 16');
    t.is(cap.body[16000 + 1 + 48 + 16000], 0, 'then "no change" blocks');
    const result = await decode(audio, 'mp3');
    t.true(result.ok, result.errors);
  } finally {
    await stopProcess(source);
    await relay.close();
  }
});

test.serial('listener head, HEAD, OPTIONS, Range probe, playlists and 404 against a live mount', async (t) => {
  const relay = await testRelay();
  const port = relay.port();
  const source = startSource({ port, mount: '/live.mp3', codec: 'mp3', password: SECRETS.sourcePassword });
  try {
    await once(relay.ctx.registry, 'source-start');
    const cap = await listen({ port, path: '/live.mp3', bytes: 1 });
    const lines = cap.rawHead.split('\r\n').filter((l) => !l.startsWith('Date:'));
    t.deepEqual(lines.slice(0, 8), [
      'HTTP/1.0 200 OK',
      'Server: Icecast 2.4.4',
      'Connection: Close',
      'Content-Type: audio/mpeg',
      'Cache-Control: no-cache, no-store',
      'Expires: Mon, 26 Jul 1997 05:00:00 GMT',
      'Pragma: no-cache',
      'Access-Control-Allow-Origin: *',
    ]);
    t.true(lines.includes('icy-name:Test Radio'));
    t.true(lines.includes('icy-genre:Rock'));
    t.true(lines.includes('icy-description:A test'));
    t.false(cap.headers.has('content-length'));
    t.false(cap.headers.has('icy-metaint'), 'only when asked for');

    const safari = await listen({ port, path: '/live.mp3', headers: { Range: 'bytes=0-1' }, bytes: 2 });
    t.is(safari.status, 200, "Safari's probe gets the stream, not a 206");

    const head = parseHead((await rawRequest(port, 'HEAD /live.mp3 HTTP/1.1\r\nHost: x\r\n\r\n')).toString('latin1'));
    t.is(head.status, 200);
    t.is(head.headers.get('content-type')?.[0], 'audio/mpeg');
    t.is(head.headers.get('icy-name')?.[0], 'Test Radio');

    const pre = parseHead((await rawRequest(port, 'OPTIONS /live.mp3 HTTP/1.1\r\nHost: x\r\nOrigin: https://web.example\r\nAccess-Control-Request-Headers: icy-metadata\r\n\r\n')).toString('latin1'));
    t.is(pre.status, 204);
    t.regex(pre.headers.get('access-control-allow-headers')?.[0] ?? '', /Icy-MetaData/);
    t.regex(pre.headers.get('access-control-expose-headers')?.[0] ?? '', /Icy-MetaInt/);

    const m3u = (await rawRequest(port, 'GET /live.mp3.m3u HTTP/1.1\r\nHost: radio.example:8000\r\n\r\n')).toString('utf8');
    t.true(m3u.endsWith('\r\n\r\nhttp://radio.example:8000/live.mp3\r\n'), m3u);
    const viaGateway = (await rawRequest(port, `GET /live.mp3.pls HTTP/1.1\r\nHost: radio.example\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.5\r\n${FORWARD_KEY_LINE}\r\n\r\n`)).toString('utf8');
    t.regex(viaGateway, /File1=https:\/\/radio\.example\/live\.mp3\r\n/);
    const xspf = (await rawRequest(port, 'GET /live.mp3.xspf HTTP/1.1\r\nHost: radio.example:8000\r\n\r\n')).toString('utf8');
    t.regex(xspf, /<location>http:\/\/radio\.example:8000\/live\.mp3<\/location>/);

    const missing = (await rawRequest(port, 'GET /nothere.mp3 HTTP/1.1\r\nHost: x\r\n\r\n')).toString('latin1');
    t.true(missing.startsWith('HTTP/1.0 404 File Not Found\r\n'));
    t.true(missing.endsWith('\r\n\r\n<html><head><title>Error 404</title></head><body><b>404 - The file you requested could not be found</b></body></html>\r\n'));
  } finally {
    await stopProcess(source);
    await relay.close();
  }
});

test('max listeners: Icecast 403 body', async (t) => {
  const relay = await testRelay({ mounts: { '/one.mp3': { maxListeners: 1 } } });
  const src = await putSource(relay.port(), '/one.mp3');
  src.write(await makeAudio('mp3', 1));
  const first = openListener({ port: relay.port(), path: '/one.mp3', bytes: 1 });
  await first.capture;
  const second = (await rawRequest(relay.port(), 'GET /one.mp3 HTTP/1.0\r\n\r\n')).toString('latin1');
  t.true(second.startsWith('HTTP/1.0 403 Forbidden\r\n'));
  t.true(second.endsWith('\r\n\r\nmax listeners reached'));
  first.socket.destroy();
  src.destroy();
  await relay.close();
});
