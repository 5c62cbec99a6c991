// An encoder that reconnects at once after its connection ended (a crash, a restart, a gateway
// that closed its upstream) is admitted, although the relay reads its old socket in batches
// (relay/read-batch.ts) and would learn of that end only at the next batch: a new source on a
// mount whose socket is held reads the held one first (wakeHeldSource). A second encoder while
// the first is really live is still refused (stream/takeover.ts).
import test from 'ava';
import { decode, startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import { RawClient, goodPut, openSource } from './ingest-kit.ts';

const MOUNT = '/again.mp3';

test('a source that ends is replaced at once by the next, round after round; a second while one is live is refused', async (t) => {
  const relay = await testRelay({}, { log: () => {} });
  t.teardown(() => relay.close());
  const mount = () => relay.ctx.registry.get(MOUNT);
  for (let round = 1; round <= 3; round++) {
    const source = startSource({ port: relay.port(), mount: MOUNT, codec: 'mp3', password: SECRETS.sourcePassword });
    t.teardown(() => stopProcess(source));
    await until(() => mount()?.live === true, 15_000, `source ${round} live`);
    // Long enough for the relay to read in batches: a rate measured, then a pause after each read.
    const from = mount()!.bytesRead;
    await until(() => mount()!.bytesRead - from > 40_000, 15_000, `2.5 s from source ${round}`);
    if (round === 1) {
      // Live and sending: another encoder with the same credentials is refused, and the first stays.
      const second = new RawClient(relay.port(), goodPut(MOUNT));
      t.teardown(() => second.socket.destroy());
      const reply = (await second.untilClosed()).toString('latin1');
      t.regex(reply, /^HTTP\/1\.0 403 /, reply);
      t.true(mount()!.live);
    }
    await stopProcess(source);
    // No wait for the relay to notice: the next connection comes as soon as the encoder is gone.
    const next = await openSource(relay.port(), MOUNT);
    t.teardown(() => next.socket.destroy());
    t.true(mount()!.live, `round ${round}: the new source holds the mount`);
    next.socket.destroy();
    await until(() => mount()?.live !== true, 15_000, `round ${round}: the raw source gone`);
  }
});

test('the audio read around such a replacement decodes', async (t) => {
  const relay = await testRelay({}, { log: () => {} });
  t.teardown(() => relay.close());
  const mount = () => relay.ctx.registry.get(MOUNT);
  const first = startSource({ port: relay.port(), mount: MOUNT, codec: 'mp3', password: SECRETS.sourcePassword });
  t.teardown(() => stopProcess(first));
  await until(() => mount()?.live === true, 15_000, 'the first source live');
  const listener = new RawClient(relay.port(), `GET ${MOUNT} HTTP/1.0\r\n\r\n`);
  t.teardown(() => listener.socket.destroy());
  await listener.waitForBytes(24_000, 'audio from the first source');
  await stopProcess(first);
  const second = startSource({ port: relay.port(), mount: MOUNT, codec: 'mp3', password: SECRETS.sourcePassword, frequency: 880 });
  t.teardown(() => stopProcess(second));
  const before = listener.length;
  const body = await listener.waitForBytes(before + 40_000, 'audio from the second source', 20_000);
  t.false(listener.isClosed);
  const audio = body.subarray(body.indexOf('\r\n\r\n') + 4);
  const decoded = await decode(audio, 'mp3');
  t.true(decoded.ok, decoded.errors);
});
