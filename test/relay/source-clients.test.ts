// Real source clients: ffmpeg pushing MP3, AAC and Opus/Vorbis with PUT (icecast://) and with the
// legacy SOURCE method; a listener that joins late must receive a stream that decodes cleanly.
import test from 'ava';
import { once } from 'node:events';
import { startSource, stopProcess, decode, type TestCodec } from '../helpers/ffmpeg.ts';
import { testRelay, SECRETS } from '../helpers/relay.ts';
import { listen } from '../helpers/listen.ts';

const cases: Array<[TestCodec, boolean, string, string]> = [
  ['mp3', false, 'audio/mpeg', 'mp3'],
  ['mp3', true, 'audio/mpeg', 'mp3'],
  ['aac', false, 'audio/aac', 'aac'],
  ['aac', true, 'audio/aac', 'aac'],
  ['opus', false, 'audio/ogg', 'ogg'],
  ['opus', true, 'audio/ogg', 'ogg'],
  ['vorbis', false, 'audio/ogg', 'ogg'],
  ['vorbis', true, 'audio/ogg', 'ogg'],
];

for (const [codec, legacy, contentType, demuxer] of cases) {
  test(`${codec} via ${legacy ? 'SOURCE' : 'PUT'}: a late listener decodes cleanly`, async (t) => {
    const relay = await testRelay();
    const mount = `/t-${codec}`;
    const source = startSource({ port: relay.port(), mount, codec, password: SECRETS.sourcePassword, legacy, noise: true });
    try {
      const [m] = await once(relay.ctx.registry, 'source-start');
      t.is(m.name, mount);
      // Join late: after the queue holds more than a burst, so the start point is mid-stream.
      await new Promise<void>((resolve) => {
        const check = (): void => (relay.ctx.registry.get(mount)!.queue.tail > 96 * 1024 ? resolve() : void setTimeout(check, 50));
        check();
      });
      const cap = await listen({ port: relay.port(), path: mount, bytes: 96 * 1024 });
      t.is(cap.status, 200);
      t.is(cap.headers.get('content-type')?.[0], contentType);
      t.is(cap.headers.get('icy-name')?.[0], 'Test Radio');
      const result = await decode(cap.body, demuxer);
      t.true(result.ok, result.errors);
      t.true(result.seconds > 3, `decoded ${result.seconds} s`);
    } finally {
      await stopProcess(source);
      await relay.close();
    }
  });
}
