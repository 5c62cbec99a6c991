// On-demand relays: no upstream connection until a listener asks for the mount, a held listener
// until the upstream delivers, and the upstream dropped once the last listener left.
import test from 'ava';
import net from 'node:net';
import { systemClock } from '../../stream/clock.ts';
import { createContext } from '../../stream/context.ts';
import { createRelayServer } from '../../relay/server.ts';
import { startPullService } from '../../relay/pull/service.ts';
import { decode, startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { listen, openListener } from '../helpers/listen.ts';
import { SECRETS, relayConfig, testRelay, until } from '../helpers/relay.ts';

/** A relay core whose pull service lingers 300 ms instead of 5 s. */
async function onDemandRelay(upstreamUrl: string, holdMs = 10_000) {
  const ctx = createContext(relayConfig({ relays: [{ url: upstreamUrl, onDemand: true }] }), SECRETS, systemClock);
  const relay = createRelayServer(ctx);
  await new Promise<void>((r) => relay.server.listen(0, '127.0.0.1', r));
  const pulls = startPullService(ctx, { lingerMs: 300, holdMs });
  return {
    ctx,
    pulls,
    port: relay.port,
    close: async () => {
      pulls.stop();
      await relay.close();
    },
  };
}

test('an on-demand relay connects upstream only while someone listens', async (t) => {
  const up = await testRelay({}, { log: () => {} });
  const ffmpeg = startSource({ port: up.port(), mount: '/live.mp3', codec: 'mp3', password: SECRETS.sourcePassword, noise: true });
  t.teardown(async () => {
    await stopProcess(ffmpeg);
    await up.close();
  });
  const upMount = (): ReturnType<typeof up.ctx.registry.get> => up.ctx.registry.get('/live.mp3');
  await until(() => upMount()?.live === true && upMount()!.queue.tail > 64 * 1024, 15000, 'upstream audio');

  const down = await onDemandRelay(`http://127.0.0.1:${up.port()}/live.mp3`);
  t.teardown(() => down.close());
  const mount = down.ctx.registry.get('/live.mp3');
  t.truthy(mount, 'the idle on-demand mount exists, so it is not a 404');
  t.false(mount!.live);
  t.is(down.pulls.list()[0]!.stats.state, 'idle');
  t.is(upMount()!.listeners.size, 0);

  const cap = await listen({ port: down.port(), path: '/live.mp3', bytes: 48 * 1024 });
  t.is(cap.status, 200);
  // The head waits for the upstream: it carries the real format and the upstream's description.
  t.is(cap.headers.get('content-type')?.[0], 'audio/mpeg');
  t.truthy(cap.headers.get('icy-name')?.[0]);
  const result = await decode(cap.body, 'mp3');
  t.true(result.ok, result.errors);
  // The first source of an on-demand session is a start, not a reconnect.
  t.is(mount!.sourceReconnects, 0);

  await until(() => down.pulls.list()[0]!.stats.state === 'idle', 5000, 'the pull stopping after the linger');
  await until(() => upMount()!.listeners.size === 0, 5000, 'the upstream connection closing');
  t.false(mount!.live);
  t.is(down.ctx.registry.get('/live.mp3'), mount, 'the mount stays, ready for the next listener');

  // A second session starts the same way.
  const again = await listen({ port: down.port(), path: '/live.mp3', bytes: 16 * 1024 });
  t.is(again.status, 200);
  t.is(again.headers.get('content-type')?.[0], 'audio/mpeg');
  t.true(again.body.length >= 16 * 1024);
});

test('an on-demand listener whose upstream never comes is closed after the hold', async (t) => {
  const gone = net.createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
  const port = (gone.address() as net.AddressInfo).port;
  await new Promise<void>((r) => gone.close(() => r()));
  const down = await onDemandRelay(`http://127.0.0.1:${port}/nothing.mp3`, 500);
  t.teardown(() => down.close());
  const l = openListener({ port: down.port(), path: '/nothing.mp3', timeoutMs: 15_000 });
  t.teardown(() => l.socket.destroy());
  const cap = await l.capture;
  t.is(cap.status, 404, 'the stream never started: a 404, not an empty 200');
  t.regex(cap.body.toString('latin1'), /404 - The file you requested could not be found/);
  t.regex(down.pulls.list()[0]!.stats.lastError ?? '', /ECONNREFUSED$/);
  await until(() => down.pulls.list()[0]!.stats.state === 'idle', 5000, 'the pull stopping once the listener is gone');
});
