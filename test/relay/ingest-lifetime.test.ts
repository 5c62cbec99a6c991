// How a source's life ends (docs/icecast-compatibility.md#source-lifetime): a silent source is dropped after
// sourceTimeout; a source that dies leaves its listeners waiting for sourceGrace, so a reconnect
// (ffmpeg killed and restarted) keeps them on the same connection, and no reconnect closes them.
import test from 'ava';
import { once } from 'node:events';
import type { SourceEndReason } from '../../stream/mount.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import { decode, startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { FRAME_BYTES, mp3, openSource, openStream } from './ingest-kit.ts';

const sourceEnd = (relay: Awaited<ReturnType<typeof testRelay>>): Promise<SourceEndReason> =>
  once(relay.ctx.registry, 'source-end').then(([, reason]) => reason as SourceEndReason);

const silentSource = test.macro({
  async exec(t, config: Record<string, unknown>, timeoutMs: number) {
    const clock = new FakeClock();
    const relay = await testRelay(config, { clock });
    try {
      const source = await openSource(relay.port(), '/m');
      const mount = relay.ctx.registry.get('/m')!;
      const ended = sourceEnd(relay);
      clock.advance(timeoutMs - 1);
      t.true(mount.live);
      clock.advance(1);
      t.is(await ended, 'timeout');
      await source.untilClosed();
      t.false(mount.live);
    } finally {
      await relay.close();
    }
  },
  title: (where = 'by default:', _, timeoutMs: number) => `${where} a source that sends nothing is dropped after ${timeoutMs / 1000} s`,
});

test(silentSource, {}, 10_000);
test('sourceTimeout 1:', silentSource, { limits: { sourceTimeout: 1 } }, 1000);
test('per mount, over the global value:', silentSource, { limits: { sourceTimeout: 1 }, mounts: { '/m': { sourceTimeout: 3 } } }, 3000);

test('a source that keeps sending is not dropped', async (t) => {
  const clock = new FakeClock();
  const relay = await testRelay({ limits: { sourceTimeout: 1 } }, { clock });
  try {
    const audio = await mp3(1);
    const source = await openSource(relay.port(), '/m');
    const mount = relay.ctx.registry.get('/m')!;
    for (let i = 1; i <= 5; i++) {
      clock.advance(900);
      source.socket.write(audio.subarray((i - 1) * FRAME_BYTES, i * FRAME_BYTES));
      await until(() => mount.bytesRead === i * FRAME_BYTES, 5000, 'the frame to be read');
    }
    clock.advance(900);
    t.true(mount.live);
    const ended = sourceEnd(relay);
    clock.advance(1100);
    t.is(await ended, 'timeout');
    await source.untilClosed();
  } finally {
    await relay.close();
  }
});

test('ffmpeg killed and restarted within sourceGrace: the listener keeps its connection', async (t) => {
  const relay = await testRelay();
  const mountName = '/live';
  const ffmpeg = (frequency: number) => startSource({ port: relay.port(), mount: mountName, codec: 'mp3', password: SECRETS.sourcePassword, frequency });
  let source = ffmpeg(440);
  try {
    await once(relay.ctx.registry, 'source-start');
    const listener = await openStream(relay.port(), mountName);
    await listener.waitForBody(16 * 1024);
    const ended = sourceEnd(relay);
    await stopProcess(source);
    t.is(await ended, 'eof');
    const mount = relay.ctx.registry.get(mountName)!;
    t.true(mount.inGrace);
    const before = listener.body().length;
    source = ffmpeg(880);
    await once(relay.ctx.registry, 'source-start');
    const body = await listener.waitForBody(before + 32 * 1024);
    t.false(listener.isClosed);
    t.is(mount.stats().sourceReconnects, 1);
    const decoded = await decode(body, 'mp3');
    t.true(decoded.ok, decoded.errors);
  } finally {
    await stopProcess(source);
    await relay.close();
  }
});

test('ffmpeg killed and not restarted: the listener is closed after sourceGrace', async (t) => {
  const clock = new FakeClock();
  const relay = await testRelay({ limits: { sourceGrace: 1 } }, { clock });
  const source = startSource({ port: relay.port(), mount: '/live', codec: 'mp3', password: SECRETS.sourcePassword });
  try {
    await once(relay.ctx.registry, 'source-start');
    const listener = await openStream(relay.port(), '/live');
    await listener.waitForBody(16 * 1024);
    const ended = sourceEnd(relay);
    await stopProcess(source);
    t.is(await ended, 'eof');
    clock.advance(999);
    t.true(relay.ctx.registry.get('/live')?.inGrace);
    t.false(listener.isClosed);
    clock.advance(1);
    await listener.untilClosed();
    t.is(relay.ctx.registry.get('/live'), undefined, 'a mount made by a source is forgotten once idle');
  } finally {
    await stopProcess(source);
    await relay.close();
  }
});
