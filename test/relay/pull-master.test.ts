// Master–slave mirroring: the stream list poller against a hand-written master (credentials,
// changes between polls, failures that keep what runs), then icegate mirroring another icegate.
import test, { type ExecutionContext } from 'ava';
import http from 'node:http';
import type net from 'node:net';
import { MasterPoller } from '../../relay/pull/master.ts';
import { decode, startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { listen } from '../helpers/listen.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';

interface FakeMaster {
  url: string;
  /** What the next request gets: [status, body]. */
  answer: [number, string];
  authorizations: Array<string | undefined>;
}

async function fakeMaster(t: ExecutionContext): Promise<FakeMaster> {
  const m: FakeMaster = { url: '', answer: [200, ''], authorizations: [] };
  const server = http.createServer((req, res) => {
    m.authorizations.push(req.url === '/admin/streamlist.txt' ? req.headers.authorization : `wrong path ${req.url}`);
    res.writeHead(m.answer[0], { 'content-type': 'text/plain' });
    res.end(m.answer[1]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  m.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return m;
}

test('the poller sends the relay credentials and reports each list; failures keep the last one', async (t) => {
  const master = await fakeMaster(t);
  const clock = new FakeClock();
  const lists: string[][] = [];
  const poller = new MasterPoller({ url: master.url, username: 'relay', password: 'relay-pw', intervalMs: 120_000, clock, onList: (m) => lists.push(m), log: () => {} });
  t.teardown(() => poller.stop());
  master.answer = [200, '/a.mp3\r\n/b.ogg\r\n'];
  poller.start();
  await until(() => lists.length === 1, 5000, 'first poll');
  t.deepEqual(lists, [['/a.mp3', '/b.ogg']]);
  t.is(master.authorizations[0], `Basic ${Buffer.from('relay:relay-pw').toString('base64')}`);
  t.like(poller.stats, { mounts: 2, lastError: null, lastPoll: clock.now() });

  master.answer = [401, 'You need to authenticate\r\n'];
  clock.advance(120_000);
  await until(() => poller.stats.lastError !== null, 5000, 'failed poll');
  t.is(poller.stats.lastError, 'the master refused the relay credentials (401)');
  t.is(lists.length, 1, 'a failed poll changes nothing');

  master.answer = [200, '/b.ogg\r\n'];
  clock.advance(120_000);
  await until(() => lists.length === 2, 5000, 'third poll');
  t.deepEqual(lists[1], ['/b.ogg']);
  t.is(master.authorizations.length, 3);
});

test('a stream list too long to be one is refused', async (t) => {
  const master = await fakeMaster(t);
  master.answer = [200, '/m\n'.repeat(30_000)];
  const lists: string[][] = [];
  const poller = new MasterPoller({ url: master.url, username: 'relay', password: 'x', intervalMs: 1000, clock: new FakeClock(), onList: (m) => lists.push(m), log: () => {} });
  t.teardown(() => poller.stop());
  poller.start();
  await until(() => poller.stats.lastError !== null, 5000, 'failed poll');
  t.is(poller.stats.lastError, 'the stream list is longer than 65536 bytes');
  t.deepEqual(lists, []);
});

test('icegate mirrors an icegate master: listed mounts are pulled, unlisted ones stopped', async (t) => {
  const master = await testRelay({ mounts: { '/secret.mp3': { hidden: true } } }, { log: () => {} });
  const live = startSource({ port: master.port(), mount: '/live.mp3', codec: 'mp3', password: SECRETS.sourcePassword, noise: true });
  const hidden = startSource({ port: master.port(), mount: '/secret.mp3', codec: 'mp3', password: SECRETS.sourcePassword });
  t.teardown(async () => {
    await Promise.all([stopProcess(live), stopProcess(hidden)]);
    await master.close();
  });
  await until(() => master.ctx.registry.get('/live.mp3')?.live === true && master.ctx.registry.get('/secret.mp3')?.live === true, 15000, 'master sources');

  const slave = await testRelay(
    { master: { url: `http://127.0.0.1:${master.port()}`, password: SECRETS.relayPassword, updateInterval: 1 } },
    { log: () => {} },
  );
  t.teardown(() => slave.close());
  await until(() => slave.ctx.registry.get('/live.mp3')?.live === true, 15000, 'mirrored mount');
  t.deepEqual(
    slave.pulls.list().map((p) => [p.mount, p.origin]),
    [['/live.mp3', 'master']],
    'hidden mounts are not in the stream list',
  );
  t.like(slave.pulls.master(), { lastError: null, mounts: 1 });
  const cap = await listen({ port: slave.port(), path: '/live.mp3', bytes: 48 * 1024 });
  t.is(cap.status, 200);
  const result = await decode(cap.body, 'mp3');
  t.true(result.ok, result.errors);

  await stopProcess(live);
  await until(() => slave.pulls.list().length === 0, 15000, 'the pull stopping once the master no longer lists the mount');
});

test('a master that refuses the relay credentials is reported, nothing is mirrored', async (t) => {
  const master = await testRelay({}, { log: () => {} });
  t.teardown(() => master.close());
  const slave = await testRelay({ master: { url: `http://127.0.0.1:${master.port()}`, password: 'wrong-password', updateInterval: 1 } }, { log: () => {} });
  t.teardown(() => slave.close());
  await until(() => slave.pulls.master()?.lastError != null, 5000, 'poll');
  t.is(slave.pulls.master()!.lastError, 'the master refused the relay credentials (401)');
  t.deepEqual(slave.pulls.list(), []);
});
