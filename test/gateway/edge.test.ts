// The gateway's edge: a real relay core fed by ffmpeg, listeners on the gateway's listener ports.
// However many listen through the gateway, the relay sees ONE listener connection per mount (the
// edge's pull), and every player still gets Icecast's head, clean audio and its ICY titles.
import test from 'ava';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import type { RunningRelay } from '../../relay/start.ts';
import { decode, startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import { mp3, openSource } from '../relay/ingest-kit.ts';
import { edgeGateway, readIcy, StreamClient } from './edge-harness.ts';
import { countingProxy, headerOf, type Teardown } from './server-harness.ts';

const LINGER_MS = 1000;

/** A relay with an ffmpeg MP3 source on `mount`, live before this returns. */
async function liveRelay(t: Teardown, mount: string): Promise<{ relay: RunningRelay; source: () => ChildProcess; restart: () => Promise<void> }> {
  const relay = await testRelay({}, { log: () => {} });
  let source = startSource({ port: relay.port(), mount, codec: 'mp3', password: SECRETS.sourcePassword });
  t.teardown(async () => {
    await stopProcess(source);
    await relay.close();
  });
  await until(() => relay.ctx.registry.get(mount)?.live === true, 15000, 'the source');
  return {
    relay,
    source: () => source,
    restart: async () => {
      await stopProcess(source);
      source = startSource({ port: relay.port(), mount, codec: 'mp3', password: SECRETS.sourcePassword, frequency: 880 });
      await once(relay.ctx.registry, 'source-start');
    },
  };
}

const upstreamListeners = (relay: RunningRelay, mount: string): number => relay.ctx.registry.get(mount)?.listeners.size ?? 0;

test('20 listeners over plain and TLS share one upstream connection, decode cleanly, and the pull ends after the linger', async (t) => {
  const { relay } = await liveRelay(t, '/fan.mp3');
  const proxy = await countingProxy(t, relay.port());
  const gw = await edgeGateway(t, proxy.port, {}, { lingerMs: LINGER_MS });
  const { listener, listenerTls } = gw.ports();
  const clients = Array.from({ length: 20 }, (_, i) => new StreamClient(i % 2 ? listenerTls : listener, '/fan.mp3', { secure: i % 2 === 1 }));
  t.teardown(() => clients.forEach((c) => c.socket.destroy()));

  const bodies = await Promise.all(clients.map((c) => c.bodyOf(48 * 1024)));
  for (const c of clients) {
    const head = await c.head();
    t.true(head.startsWith('HTTP/1.0 200 OK\r\n'), head);
    t.is(headerOf(head, 'content-type'), 'audio/mpeg');
    t.is(headerOf(head, 'icy-name'), 'Test Radio');
  }
  t.is(upstreamListeners(relay, '/fan.mp3'), 1, 'the relay sees one listener: the edge');
  t.is(proxy.connections(), 1, 'one connection reached the upstream');
  const stats = gw.edge.stats();
  t.is(stats.listeners, 20);
  t.deepEqual(stats.mounts.map((m) => [m.mount.mount, m.mount.listeners, m.listeners.length, m.pull.state]), [['/fan.mp3', 20, 20, 'streaming']]);
  const decoded = await Promise.all(bodies.map((b) => decode(b, 'mp3')));
  for (const d of decoded) t.true(d.ok, d.errors);

  clients.forEach((c) => c.socket.destroy());
  await until(() => gw.edge.stats().listeners === 0, 5000, 'the edge to see its listeners leave');
  const left = Date.now();
  t.is(upstreamListeners(relay, '/fan.mp3'), 1, 'the pull lingers');
  await until(() => upstreamListeners(relay, '/fan.mp3') === 0, 10000, 'the pull to end');
  t.true(Date.now() - left >= LINGER_MS - 100, `ended ${Date.now() - left} ms after the last listener left`);
  t.deepEqual(gw.edge.stats().mounts, []);
});

const notFound = test.macro({
  async exec(t, secure: boolean) {
    const { relay } = await liveRelay(t, '/there.mp3');
    const gw = await edgeGateway(t, relay.port());
    const port = secure ? gw.ports().listenerTls : gw.ports().listener;
    const client = new StreamClient(port, '/not-there.mp3', { secure });
    const reply = await client.untilClosed(5000);
    t.regex(reply, /^HTTP\/1\.[01] 404 /, reply);
    t.deepEqual(gw.edge.stats().mounts, [], 'nothing is left pulling');
    t.is(upstreamListeners(relay, '/there.mp3'), 0);
  },
  title: (_title, secure: boolean) => `a mount the upstream does not have is a 404 at once (${secure ? 'TLS' : 'plain'})`,
});
test(notFound, false);
test(notFound, true);

test('an upstream source restart keeps gateway listeners connected and they hear the new source', async (t) => {
  const { relay, restart } = await liveRelay(t, '/restart.mp3');
  const gw = await edgeGateway(t, relay.port());
  const client = new StreamClient(gw.ports().listener, '/restart.mp3');
  t.teardown(() => client.socket.destroy());
  await client.bodyOf(32 * 1024);
  await restart();
  const before = client.body().length;
  const body = await client.bodyOf(before + 48 * 1024, 20000);
  t.false(client.isClosed);
  t.is(upstreamListeners(relay, '/restart.mp3'), 1);
  t.is(relay.ctx.registry.get('/restart.mp3')!.stats().sourceReconnects, 1);
  const decoded = await decode(body, 'mp3');
  t.true(decoded.ok, decoded.errors);
});

test('a title set on the relay reaches a gateway listener that asked for ICY metadata', async (t) => {
  const { relay } = await liveRelay(t, '/icy.mp3');
  const gw = await edgeGateway(t, relay.port());
  const client = new StreamClient(gw.ports().listenerTls, '/icy.mp3', { secure: true, headers: { 'Icy-MetaData': '1' } });
  const plain = new StreamClient(gw.ports().listener, '/icy.mp3');
  t.teardown(() => [client, plain].forEach((c) => c.socket.destroy()));
  const head = await client.head();
  t.is(headerOf(head, 'icy-metaint'), '16000');
  t.is(headerOf(await plain.head(), 'icy-metaint'), undefined);
  relay.ctx.registry.get('/icy.mp3')!.setTitle('Edge Song ä', 'The Band');
  await until(() => readIcy(client.body(), 16000).titles.includes('The Band - Edge Song ä'), 20000, 'the title');
  t.is(gw.edge.stats().mounts[0]!.mount.title, 'The Band - Edge Song ä');
  const decoded = await decode(readIcy(client.body(), 16000).audio, 'mp3');
  t.true(decoded.ok, decoded.errors);
  t.is(upstreamListeners(relay, '/icy.mp3'), 1);
});

test('a gateway listener that stops reading is dropped; the others keep streaming', async (t) => {
  const relay = await testRelay({}, { log: () => {} });
  t.teardown(() => relay.close());
  const gw = await edgeGateway(t, relay.port(), { limits: { queueSize: 256 * 1024 } });
  // Faster than real time, so a stalled reader falls a whole queue behind within seconds; paced,
  // so readers in this same process get their turn.
  const source = await openSource(relay.port(), '/fast.mp3');
  t.teardown(() => source.socket.destroy());
  const audio = await mp3(30);
  source.socket.write(audio.subarray(0, 64 * 1024));
  const readers = [0, 1, 2].map((i) => new StreamClient(i === 1 ? gw.ports().listenerTls : gw.ports().listener, '/fast.mp3', { secure: i === 1 }));
  const stalled = new StreamClient(gw.ports().listener, '/fast.mp3');
  t.teardown(() => [...readers, stalled].forEach((c) => c.socket.destroy()));
  await Promise.all([...readers, stalled].map((c) => c.head()));
  stalled.socket.pause();
  const slow = (): number => gw.edge.stats().mounts[0]?.mount.slowListeners ?? 0;
  const PIECE = 16 * 1024;
  let sent = 0;
  const push = async (done: () => boolean): Promise<void> => {
    for (; !done() && sent < 256 * 1024 * 1024; sent += PIECE) {
      const at = sent % (audio.length - PIECE);
      if (!source.socket.write(audio.subarray(at, at + PIECE))) await once(source.socket, 'drain');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  await push(() => slow() > 0);
  t.is(slow(), 1);
  const [m] = gw.edge.stats().mounts;
  t.is(m!.mount.listeners, 3);
  const before = readers.map((r) => r.body().length);
  await push(() => readers.every((r, i) => r.body().length >= before[i]! + 256 * 1024 || r.isClosed));
  for (const r of readers) t.false(r.isClosed);
  t.is(upstreamListeners(relay, '/fast.mp3'), 1);
  const decoded = await decode(readers[0]!.body().subarray(0, 1024 * 1024), 'mp3');
  t.true(decoded.ok, decoded.errors);
});

test('a second request on a stream connection ends it', async (t) => {
  const { relay } = await liveRelay(t, '/once.mp3');
  const gw = await edgeGateway(t, relay.port());
  const client = new StreamClient(gw.ports().listener, '/once.mp3');
  await client.bodyOf(1024);
  client.socket.write('GET /once.mp3 HTTP/1.1\r\nHost: radio.example\r\n\r\n');
  await client.untilClosed(5000);
  t.true(client.isClosed);
  await until(() => gw.edge.stats().listeners === 0, 5000, 'the edge to drop the listener');
  t.false(client.body().includes('HTTP/1.'), 'no second response inside the stream');
});
