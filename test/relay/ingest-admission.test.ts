// Who gets a mount (docs/icecast-compatibility.md#source-authentication-and-check-order and #source-lifetime): a live source keeps it against other hosts,
// a half-dead one (silent for relay.limits.takeoverAfter) is replaced by the same credentials, a
// live one is not replaced even from its own host, and the source limit counts live mounts. Every test client connects from
// 127.0.0.1; "another host" is an X-Forwarded-For the relay believes from a trusted proxy.
import test from 'ava';
import { once } from 'node:events';
import { FORWARD_KEY_LINE, testRelay, until } from '../helpers/relay.ts';
import { FRAME_BYTES, RawClient, SkewedClock, errorReply, goodPut, masked, mp3, openSource, openStream } from './ingest-kit.ts';

const OTHER_HOST = '198.51.100.7';
/** relay.limits.takeoverAfter's default, in ms. */
const TAKEOVER_IDLE_MS = 3000;
const IN_USE = errorReply('HTTP/1.0 403 Forbidden', 'Mountpoint in use');

test('a live source keeps its mount against another host', async (t) => {
  const relay = await testRelay();
  try {
    const audio = await mp3(1);
    const first = await openSource(relay.port(), '/m');
    first.socket.write(audio.subarray(0, 4 * FRAME_BYTES));
    const mount = relay.ctx.registry.get('/m')!;
    await until(() => mount.bytesRead === 4 * FRAME_BYTES, 5000, 'the first source bytes');
    const second = new RawClient(relay.port(), goodPut('/m', [`X-Forwarded-For: ${OTHER_HOST}`, FORWARD_KEY_LINE]));
    t.is(masked(await second.untilClosed()), IN_USE);
    t.is(mount.sourceInfo?.ip, '127.0.0.1');
    t.false(first.isClosed);
    first.socket.destroy();
  } finally {
    await relay.close();
  }
});

test('a half-dead source is replaced by a reconnect from another host; its listener stays', async (t) => {
  const clock = new SkewedClock();
  const relay = await testRelay({}, { clock });
  const takeovers: boolean[] = [];
  relay.ctx.events.on('source-connect', (e) => takeovers.push(e.takeover));
  try {
    const audio = await mp3(1);
    const half = audio.length / 2 - (audio.length / 2) % FRAME_BYTES;
    const first = await openSource(relay.port(), '/m');
    const listener = await openStream(relay.port(), '/m');
    first.socket.write(audio.subarray(0, half));
    await listener.waitForBody(half);
    // Silent for half the threshold, the mount is still in use…
    clock.skip(TAKEOVER_IDLE_MS / 2);
    const early = new RawClient(relay.port(), goodPut('/m', [`X-Forwarded-For: ${OTHER_HOST}`, FORWARD_KEY_LINE]));
    t.is(masked(await early.untilClosed()), IN_USE);
    // …past it, the silent source is presumed dead.
    clock.skip(TAKEOVER_IDLE_MS / 2);
    const second = await openSource(relay.port(), '/m', [`X-Forwarded-For: ${OTHER_HOST}`, FORWARD_KEY_LINE]);
    await first.untilClosed();
    const mount = relay.ctx.registry.get('/m')!;
    t.is(mount.sourceInfo?.ip, OTHER_HOST);
    t.deepEqual(takeovers, [false, true]);
    second.socket.write(audio.subarray(half));
    const body = await listener.waitForBody(audio.length);
    t.true(body.equals(audio), 'the listener hears the first source, then the second, without a gap or a byte twice');
    t.false(listener.isClosed);
    second.socket.destroy();
  } finally {
    await relay.close();
  }
});

test('a live source keeps its mount against its own host too', async (t) => {
  const relay = await testRelay();
  try {
    const first = await openSource(relay.port(), '/m');
    first.socket.write((await mp3(1)).subarray(0, FRAME_BYTES * 4));
    const second = new RawClient(relay.port(), goodPut('/m'));
    t.is(masked(await second.untilClosed()), IN_USE);
    t.true(relay.ctx.registry.get('/m')?.live);
    t.false(first.isClosed);
    first.socket.destroy();
  } finally {
    await relay.close();
  }
});

test('the source limit: a second mount is refused, the live one is still "in use"', async (t) => {
  const relay = await testRelay({ limits: { sources: 1 } });
  try {
    const first = await openSource(relay.port(), '/a');
    const tooMany = new RawClient(relay.port(), goodPut('/b'));
    t.is(masked(await tooMany.untilClosed()), errorReply('HTTP/1.0 403 Forbidden', 'too many sources connected'));
    t.is(relay.ctx.registry.get('/b'), undefined);
    // Icecast checks the mount before the limit.
    const inUse = new RawClient(relay.port(), goodPut('/a', [`X-Forwarded-For: ${OTHER_HOST}`, FORWARD_KEY_LINE]));
    t.is(masked(await inUse.untilClosed()), IN_USE);
    // Once the first source leaves, its slot is free again.
    first.socket.destroy();
    await once(relay.ctx.registry, 'source-end');
    const next = await openSource(relay.port(), '/b');
    t.true(relay.ctx.registry.get('/b')?.live);
    next.socket.destroy();
  } finally {
    await relay.close();
  }
});
