// The relay sees and reaches every listener the gateway's edge serves: a real relay core fed by
// ffmpeg, a gateway reporting to it, players on the gateway's listener ports. The relay's
// listclients, JSON API, status-json and metrics show each of them (not the edge's one pull),
// killclient closes exactly one socket, moveclients moves them to another live mount without
// disconnecting them, and a dropped channel takes them out of the relay's view.
import test from 'ava';
import { decode } from '../helpers/ffmpeg.ts';
import { until } from '../helpers/relay.ts';
import { ADMIN, get } from '../relay/admin-client.ts';
import { readIcy, StreamClient } from './edge-harness.ts';
import { CHANNEL_GRACE_MS, relayWithSources, reportingGateway } from './edge-report-kit.ts';
import type { RunningRelay } from '../../relay/start.ts';

const count = (relay: RunningRelay, mount: string): number => relay.ctx.registry.get(mount)?.stats().listeners ?? 0;

test('the relay lists, counts and kills each gateway listener; the edge\'s pull is not one', async (t) => {
  const relay = await relayWithSources(t, { '/one.mp3': 440 });
  const gw = await reportingGateway(t, relay.port());
  const { listener, listenerTls } = gw.ports();
  const clients = [0, 1, 2, 3].map((i) => new StreamClient(i % 2 ? listenerTls : listener, '/one.mp3', { secure: i % 2 === 1 }));
  t.teardown(() => clients.forEach((c) => c.socket.destroy()));
  await Promise.all(clients.map((c) => c.bodyOf(8 * 1024)));
  await until(() => count(relay, '/one.mp3') === 4, 10000, 'the relay to count 4 listeners');
  t.is(gw.channel.state(), 'open');
  t.is(relay.ctx.registry.get('/one.mp3')!.listeners.size, 1, 'one connection of the edge feeds them');

  const xml = await get(relay.port(), '/admin/listclients?mount=/one.mp3', ADMIN);
  t.is(xml.status, 200);
  const ids = [...xml.body.matchAll(/<ID>(\d+)<\/ID>/g)].map((m) => Number(m[1]));
  t.is(ids.length, 4, xml.body);
  t.is([...xml.body.matchAll(/<IP>127\.0\.0\.1<\/IP>/g)].length, 4);
  t.is([...xml.body.matchAll(/<UserAgent>icegate-test\/1\.0<\/UserAgent>/g)].length, 4);

  const api = await get(relay.port(), '/api/v1/mounts/one.mp3/listeners', ADMIN);
  const listed = (JSON.parse(api.body) as { listeners: { id: number; ip: string; userAgent: string }[] }).listeners;
  t.deepEqual(listed.map((l) => l.id).sort((a, b) => a - b), [...ids].sort((a, b) => a - b));
  t.true(listed.every((l) => l.ip === '127.0.0.1' && l.userAgent === 'icegate-test/1.0'));

  const status = JSON.parse((await get(relay.port(), '/status-json.xsl')).body) as { icestats: { source: { listeners: number } | { listeners: number }[] } };
  const source = status.icestats.source;
  t.is(Array.isArray(source) ? source[0]!.listeners : source.listeners, 4);
  const metrics = await get(relay.port(), '/metrics', ADMIN);
  t.regex(metrics.body, /icegate_listeners\{mount="\/one\.mp3"\} 4\b/);
  await until(() => (relay.ctx.registry.get('/one.mp3')?.stats().bytesSent ?? 0) >= 4 * 8 * 1024, 10000, 'the bytes sent to be reported');

  const pull = [...relay.ctx.registry.get('/one.mp3')!.listeners][0]!;
  t.false(ids.includes(pull.id), 'the pull is not listed');
  t.regex((await get(relay.port(), `/admin/killclient?mount=/one.mp3&id=${pull.id}`, ADMIN)).body, /not found/);
  t.false(pull.closed);

  const kill = await get(relay.port(), `/admin/killclient?mount=/one.mp3&id=${ids[2]}`, ADMIN);
  t.regex(kill.body, /removed/);
  await until(() => clients.some((c) => c.isClosed), 10000, 'the gateway to close the killed listener');
  await until(() => count(relay, '/one.mp3') === 3, 10000, 'the relay to count 3');
  const open = clients.filter((c) => !c.isClosed);
  t.is(open.length, 3, 'exactly one socket was closed');
  const before = open.map((c) => c.body().length);
  await Promise.all(open.map((c, i) => c.bodyOf(before[i]! + 4096)));
  const after = await get(relay.port(), '/admin/listclients?mount=/one.mp3', ADMIN);
  t.false(after.body.includes(`<ID>${ids[2]}</ID>`));
  t.is([...after.body.matchAll(/<ID>/g)].length, 3);
});

test('moveclients moves gateway listeners onto another live mount; they keep hearing decodable audio of it', async (t) => {
  const relay = await relayWithSources(t, { '/one.mp3': 440, '/two.mp3': 880 });
  relay.ctx.registry.get('/two.mp3')!.setTitle('Mount Two');
  const gw = await reportingGateway(t, relay.port());
  const clients = [0, 1].map(() => new StreamClient(gw.ports().listener, '/one.mp3', { headers: { 'Icy-MetaData': '1' } }));
  t.teardown(() => clients.forEach((c) => c.socket.destroy()));
  await Promise.all(clients.map((c) => c.bodyOf(8 * 1024)));
  await until(() => count(relay, '/one.mp3') === 2, 10000, 'the relay to count 2 listeners');

  const moved = await get(relay.port(), '/admin/moveclients?mount=/one.mp3&destination=/two.mp3', ADMIN);
  t.regex(moved.body, /Clients moved/);
  t.is(count(relay, '/two.mp3'), 2, 'shown on the destination at once');
  await until(() => gw.edge.stats().mounts.some((m) => m.mount.mount === '/two.mp3' && m.listeners.length === 2), 15000, 'the edge to move them');
  await until(() => count(relay, '/two.mp3') === 2 && count(relay, '/one.mp3') === 0, 10000, 'the report of the move');
  const api = JSON.parse((await get(relay.port(), '/api/v1/mounts/two.mp3/listeners', ADMIN)).body) as { listeners: unknown[] };
  t.is(api.listeners.length, 2);
  for (const c of clients) {
    const at = c.body().length;
    await until(() => readIcy(c.body(), 16000).titles.includes('Mount Two'), 20000, 'the title of the new mount');
    t.false(c.isClosed, 'never disconnected');
    await c.bodyOf(at + 24 * 1024);
    const decoded = await decode(readIcy(c.body(), 16000).audio, 'mp3');
    t.true(decoded.ok, decoded.errors);
  }
  // The relay's own pull of /one.mp3 stays where it was: its gateway moved its listeners itself.
  t.true([...relay.ctx.registry.get('/two.mp3')!.listeners].every((l) => l.home === '/two.mp3'));
});

test('a dropped channel: the gateway reconnects and re-reports; a gone gateway\'s listeners leave after the grace', async (t) => {
  const relay = await relayWithSources(t, { '/one.mp3': 440 });
  const gw = await reportingGateway(t, relay.port());
  const clients = [0, 1, 2].map(() => new StreamClient(gw.ports().listener, '/one.mp3'));
  t.teardown(() => clients.forEach((c) => c.socket.destroy()));
  await Promise.all(clients.map((c) => c.bodyOf(4096)));
  await until(() => count(relay, '/one.mp3') === 3, 10000, 'the relay to count 3');
  const ids = relay.ctx.registry.get('/one.mp3')!.listenerStats().map((l) => l.id);

  // The relay cuts the channel (and forgets the gateway): the gateway comes back with its full set.
  relay.edge.close();
  t.is(count(relay, '/one.mp3'), 0);
  await until(() => count(relay, '/one.mp3') === 3, 10000, 'the full report after the reconnect');
  t.notDeepEqual(relay.ctx.registry.get('/one.mp3')!.listenerStats().map((l) => l.id), ids, 'a forgotten gateway\'s listeners get new ids');

  // The gateway goes away without a word: its listeners stay for the grace, then leave.
  await gw.close();
  const gone = Date.now();
  t.is(count(relay, '/one.mp3'), 3);
  await until(() => count(relay, '/one.mp3') === 0, CHANNEL_GRACE_MS + 5000, 'the grace to end');
  t.true(Date.now() - gone >= CHANNEL_GRACE_MS - 200, `removed after ${Date.now() - gone} ms`);
  t.deepEqual(relay.edge.channels(), []);
});

test('the relay\'s maxListeners counts the gateway\'s listeners: the edge refuses past it', async (t) => {
  const relay = await relayWithSources(t, { '/one.mp3': 440 }, { mounts: { '/one.mp3': { maxListeners: 2 } } });
  const gw = await reportingGateway(t, relay.port());
  const clients = [0, 1].map(() => new StreamClient(gw.ports().listener, '/one.mp3'));
  t.teardown(() => clients.forEach((c) => c.socket.destroy()));
  await Promise.all(clients.map((c) => c.bodyOf(4096)));
  await until(() => count(relay, '/one.mp3') === 2, 10000, 'the relay to count 2');
  // The pull itself was admitted past the limit: it is not a listener.
  t.is(relay.ctx.registry.get('/one.mp3')!.listeners.size, 1);
  // The answer to a report carries the relay's figures.
  await until(() => gw.edge.stats().admission?.mounts['/one.mp3']?.max === 2, 5000, 'the relay\'s figures');
  const third = new StreamClient(gw.ports().listener, '/one.mp3');
  t.teardown(() => third.socket.destroy());
  const reply = await third.untilClosed(5000);
  t.regex(reply, /^HTTP\/1\.0 403 /, reply);
  t.regex(reply, /max listeners reached/);
  t.is(count(relay, '/one.mp3'), 2);
});

test('without upstream credentials nothing is reported, and the pull is an ordinary listener', async (t) => {
  const relay = await relayWithSources(t, { '/one.mp3': 440 });
  const gw = await reportingGateway(t, relay.port(), { upstreamAuth: null });
  const client = new StreamClient(gw.ports().listener, '/one.mp3');
  t.teardown(() => client.socket.destroy());
  await client.bodyOf(4096);
  t.is(gw.channel.state(), 'off');
  t.is(count(relay, '/one.mp3'), 1, 'the relay counts the pull, as any Icecast would');
  t.deepEqual(relay.edge.channels(), []);
});

test('wrong upstream credentials: the pull is an ordinary listener and the channel is refused', async (t) => {
  const relay = await relayWithSources(t, { '/one.mp3': 440 });
  const gw = await reportingGateway(t, relay.port(), { upstreamAuth: { username: 'relay', password: 'not-the-password' } });
  const warnings: string[] = [];
  gw.events.on('edge', (e) => warnings.push(e.message));
  const client = new StreamClient(gw.ports().listener, '/one.mp3');
  t.teardown(() => client.socket.destroy());
  await client.bodyOf(4096);
  await until(() => warnings.some((w) => /401: check gateway\.upstreamAuth/.test(w)), 10000, 'the refusal to be logged');
  t.not(gw.channel.state(), 'open');
  t.is(count(relay, '/one.mp3'), 1);
  t.false(warnings.join('\n').includes('not-the-password'), 'no secret in the log');
});
