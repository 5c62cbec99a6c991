// icegate relaying icegate: a mount pulled from another relay core behaves like a local one
// (audio decodes, the upstream's titles and description arrive), and survives its upstream
// restarting.
import test from 'ava';
import net from 'node:net';
import type { RunningRelay } from '../../relay/start.ts';
import { startPullService } from '../../relay/pull/service.ts';
import { relayPullSchema } from '../../config/schema.ts';
import { parseIcyStream } from '../../stream/icy.ts';
import { decode, startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { listen, openListener } from '../helpers/listen.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';

const quiet = { log: () => {} };

const relayEntry = (port: number) => relayPullSchema.parse({ url: `http://127.0.0.1:${port}/live.mp3` });

function source(relay: RunningRelay, mount: string): ReturnType<typeof startSource> {
  return startSource({ port: relay.port(), mount, codec: 'mp3', password: SECRETS.sourcePassword, noise: true });
}

test('a relayed mount decodes cleanly and carries the title set upstream', async (t) => {
  const up = await testRelay({}, quiet);
  const ffmpeg = source(up, '/live.mp3');
  t.teardown(async () => {
    await stopProcess(ffmpeg);
    await up.close();
  });
  await until(() => up.ctx.registry.get('/live.mp3')?.live === true, 15000, 'upstream source');
  up.ctx.registry.get('/live.mp3')!.setTitle('Song', 'Artist');
  const down = await testRelay({ relays: [{ url: `http://127.0.0.1:${up.port()}/live.mp3`, localMount: '/mirror.mp3' }] }, quiet);
  t.teardown(() => down.close());
  await until(() => down.ctx.registry.get('/mirror.mp3')?.title === 'Artist - Song', 15000, 'relayed title');

  const cap = await listen({ port: down.port(), path: '/mirror.mp3', headers: { 'Icy-MetaData': '1' }, bytes: 64 * 1024 });
  t.is(cap.status, 200);
  t.is(cap.headers.get('content-type')?.[0], 'audio/mpeg');
  t.is(cap.headers.get('icy-name')?.[0], 'Test Radio');
  const metaint = Number(cap.headers.get('icy-metaint')?.[0]);
  const { audio, titles } = parseIcyStream(cap.body, metaint);
  t.deepEqual(titles.slice(0, 1), ['Artist - Song']);
  const result = await decode(audio, 'mp3');
  t.true(result.ok, result.errors);
  t.true(result.seconds > 3, `decoded ${result.seconds} s`);

  const stats = down.ctx.registry.get('/mirror.mp3')!.stats();
  t.is(stats.sourceKind, 'relay');
  t.is(stats.sourceIp, '127.0.0.1');
  const [pulled] = down.pulls.list();
  t.like(pulled, { mount: '/mirror.mp3', origin: 'relay', onDemand: false, stats: { state: 'streaming', reconnects: 0, lastError: null } });
  // The pull is an ordinary listener upstream, asking for inline metadata.
  t.is(up.ctx.registry.get('/live.mp3')!.listeners.size, 1);
});

test('the relay survives its upstream restarting: it reconnects, its listener is held, audio flows again', async (t) => {
  let up = await testRelay({}, quiet);
  const port = up.port();
  let ffmpeg = source(up, '/live.mp3');
  t.teardown(async () => {
    await stopProcess(ffmpeg);
    await up.close();
  });
  await until(() => up.ctx.registry.get('/live.mp3')?.live === true, 15000, 'upstream source');
  // A grace period far longer than the restart: the listener must be held, not dropped.
  const down = await testRelay({ limits: { sourceGrace: 60 }, relays: [{ url: `http://127.0.0.1:${port}/live.mp3` }] }, quiet);
  t.teardown(() => down.close());
  await until(() => down.ctx.registry.get('/live.mp3')?.live === true, 15000, 'relayed source');
  const early = openListener({ port: down.port(), path: '/live.mp3', timeoutMs: 60_000 });
  t.teardown(() => early.socket.destroy());
  const mount = down.ctx.registry.get('/live.mp3')!;
  await until(() => mount.listeners.size === 1, 5000, 'listener');
  const [listener] = mount.listeners;

  await stopProcess(ffmpeg);
  await up.close();
  await until(() => down.pulls.list()[0]!.stats.state !== 'streaming', 15000, 'pull noticing the upstream left');
  up = await testRelay({}, { ...quiet, port });
  ffmpeg = source(up, '/live.mp3');
  await until(() => down.pulls.list()[0]!.stats.state === 'streaming', 30_000, 'pull reconnecting');
  t.true(down.pulls.list()[0]!.stats.reconnects >= 1);

  t.is(mount.sourceReconnects, 1);
  const sentBefore = listener!.bytesSent;
  await until(() => listener!.bytesSent > sentBefore + 32 * 1024, 15000, 'audio to the held listener');
  t.true(mount.listeners.has(listener!));
  t.false(early.socket.destroyed);

  const cap = await listen({ port: down.port(), path: '/live.mp3', bytes: 48 * 1024 });
  t.is(cap.status, 200);
  const result = await decode(cap.body, 'mp3');
  t.true(result.ok, result.errors);
});

test('a relay counts toward limits.sources: without a free slot it waits, then takes the slot once freed', async (t) => {
  const up = await testRelay({}, quiet);
  const ffmpeg = source(up, '/live.mp3');
  t.teardown(async () => {
    await stopProcess(ffmpeg);
    await up.close();
  });
  await until(() => up.ctx.registry.get('/live.mp3')?.live === true, 15000, 'upstream source');
  const down = await testRelay({ limits: { sources: 1 } }, quiet);
  t.teardown(() => down.close());
  // A local source takes the only slot before the relay starts.
  const local = net.connect(down.port(), '127.0.0.1');
  t.teardown(() => local.destroy());
  const auth = Buffer.from(`source:${SECRETS.sourcePassword}`).toString('base64');
  local.write(`PUT /local.mp3 HTTP/1.1\r\nAuthorization: Basic ${auth}\r\nContent-Type: audio/mpeg\r\n\r\n`);
  await until(() => down.ctx.registry.get('/local.mp3')?.live === true, 5000, 'local source');

  // The pull service is started by hand, after the local source, so the order is certain.
  const pulls = startPullService({ ...down.ctx, config: { ...down.ctx.config, relays: [relayEntry(up.port())] } }, { random: () => 0 });
  t.teardown(() => pulls.stop());
  t.like(pulls.list()[0]!.stats, { state: 'waiting', lastError: 'no source slot free (limits.sources is 1)' });
  t.is(up.ctx.registry.get('/live.mp3')!.listeners.size, 0, 'no upstream connection without a slot');

  local.destroy();
  await until(() => pulls.list()[0]!.stats.state === 'streaming', 15000, 'the relay taking the freed slot');
  t.is(down.ctx.registry.get('/live.mp3')?.sourceInfo?.kind, 'relay');
});
