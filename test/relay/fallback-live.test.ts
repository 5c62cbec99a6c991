// Fallbacks with real sources and real sockets: a source killed while listeners play moves them to
// the fallback on the same connection, and fallback-override brings them back when it returns.
import test from 'ava';
import { once } from 'node:events';
import { testRelay, SECRETS, until } from '../helpers/relay.ts';
import { startSource, stopProcess, decode } from '../helpers/ffmpeg.ts';
import { openListener } from '../helpers/listen.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import type { Mount } from '../../stream/mount.ts';

test('killed source: listeners land on the fallback without reconnecting and return on override', async (t) => {
  const relay = await testRelay({ mounts: { '/main.mp3': { fallbackMount: '/backup.mp3' }, '/backup.mp3': {} } });
  const reg = relay.ctx.registry;
  const port = relay.port();
  const started = (name: string) =>
    new Promise<Mount>((resolve) => {
      const on = (m: Mount) => m.name === name && (reg.off('source-start', on), resolve(m));
      reg.on('source-start', on);
    });
  const backup = startSource({ port, mount: '/backup.mp3', codec: 'mp3', password: SECRETS.sourcePassword, frequency: 220 });
  let main = startSource({ port, mount: '/main.mp3', codec: 'mp3', password: SECRETS.sourcePassword, frequency: 880 });
  t.teardown(async () => {
    await Promise.all([stopProcess(backup), stopProcess(main)]);
    await relay.close();
  });
  await Promise.all([started('/backup.mp3'), started('/main.mp3')]);
  const mainMount = reg.get('/main.mp3')!;
  const backupMount = reg.get('/backup.mp3')!;

  const l = openListener({ port, path: '/main.mp3', bytes: Number.MAX_SAFE_INTEGER, timeoutMs: 60000 });
  let received = 0;
  l.socket.on('data', (d: Buffer) => (received += d.length));
  await until(() => mainMount.listeners.size === 1, 5000, 'listener on /main.mp3');
  const [listener] = [...mainMount.listeners];

  const ended = once(reg, 'source-end');
  await stopProcess(main); // SIGKILL: the encoder is gone
  await ended;
  t.true(backupMount.listeners.has(listener!), 'moved to the fallback');
  t.false(l.socket.destroyed);
  const atMove = received;
  await until(() => received > atMove + 16000, 10000, 'audio from the fallback');

  const back = started('/main.mp3');
  main = startSource({ port, mount: '/main.mp3', codec: 'mp3', password: SECRETS.sourcePassword, frequency: 880 });
  await back;
  t.true(mainMount.listeners.has(listener!), 'fallback-override brought it home');
  t.is(backupMount.listeners.size, 0);
  const atReturn = received;
  await until(() => received > atReturn + 16000, 10000, 'audio from the returning source');
  t.false(l.socket.destroyed, 'one connection all along');
  l.socket.destroy();
  const cap = await l.capture;
  const result = await decode(cap.body, 'mp3');
  t.true(result.ok, result.errors);
});

test('maxListenerDuration disconnects a listener when its time is up', async (t) => {
  const clock = new FakeClock(Date.now());
  // A long sourceTimeout: the fake clock jumps, and the source must not look silent.
  const relay = await testRelay({ mounts: { '/timed.mp3': { maxListenerDuration: 30, sourceTimeout: 3600 } } }, { clock });
  const source = startSource({ port: relay.port(), mount: '/timed.mp3', codec: 'mp3', password: SECRETS.sourcePassword });
  t.teardown(async () => {
    await stopProcess(source);
    await relay.close();
  });
  await once(relay.ctx.registry, 'source-start');
  const l = openListener({ port: relay.port(), path: '/timed.mp3', bytes: Number.MAX_SAFE_INTEGER, timeoutMs: 20000 });
  const mount = relay.ctx.registry.get('/timed.mp3')!;
  await until(() => mount.listeners.size === 1, 5000, 'listener');
  clock.advance(29_000);
  t.is(mount.listeners.size, 1);
  const removed = once(relay.ctx.registry, 'listener-remove');
  clock.advance(1_000);
  const [, , reason] = await removed;
  t.is(reason, 'duration');
  await once(l.socket, 'close');
  t.is(mount.listeners.size, 0);
});
