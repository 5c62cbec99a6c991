// The control client against a fake control API on a real unix socket: snapshots over SSE,
// reconnection when the supervisor goes away and returns, reads, and every action's request.
import test from 'ava';
import type { StateSnapshot } from '../../contracts/control-api.ts';
import { ControlClient, describeError } from '../../tui/client.ts';
import type { Connection } from '../../tui/view-model.ts';
import { eventually, FakeControl } from './fake-control.ts';

test('snapshots arrive over the event stream, first at once and then on every change', async (t) => {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  const client = new ControlClient({ socketPath: fake.socketPath });
  const seen: StateSnapshot[] = [];
  const connections: Connection[] = [];
  const stop = client.subscribe({ snapshot: (s) => seen.push(s), connection: (c) => connections.push(c) });
  t.teardown(stop);
  await eventually(() => seen.length === 1, 'the first snapshot');
  t.is(seen[0]!.mounts[0]!.listeners, 3);
  fake.push((s) => ({ ...s, mounts: s.mounts.map((m) => ({ ...m, listeners: 9 })) }));
  await eventually(() => seen.length === 2, 'the pushed snapshot');
  t.is(seen[1]!.mounts[0]!.listeners, 9);
  t.deepEqual(connections, [{ state: 'connecting' }, { state: 'connected' }]);
});

test('the stream is reopened after the supervisor goes away and comes back', async (t) => {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  const client = new ControlClient({ socketPath: fake.socketPath, backoff: { initialMs: 20, maxMs: 100 } });
  const seen: StateSnapshot[] = [];
  const connections: Connection[] = [];
  const stop = client.subscribe({ snapshot: (s) => seen.push(s), connection: (c) => connections.push(c) });
  t.teardown(stop);
  await eventually(() => seen.length === 1, 'the first snapshot');
  await fake.goAway();
  await eventually(() => connections.filter((c) => c.state === 'disconnected').length >= 3, 'three failed attempts');
  const down = connections.filter((c): c is Extract<Connection, { state: 'disconnected' }> => c.state === 'disconnected');
  t.deepEqual(down.slice(0, 3).map((c) => c.attempts), [1, 2, 3]);
  t.regex(down[1]!.reason, /(no control socket|nothing answers) at .*control\.sock/);
  fake.push((s) => ({ ...s, station: { name: 'Back Again' } }));
  await fake.comeBack();
  await eventually(() => seen.at(-1)?.station.name === 'Back Again', 'a snapshot after the return');
  t.is(connections.at(-1)?.state, 'connected');
});

test('a stream that stops sending is dropped after the idle limit and reopened', async (t) => {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  const client = new ControlClient({ socketPath: fake.socketPath, idleMs: 300, backoff: { initialMs: 20, maxMs: 20 } });
  const connections: Connection[] = [];
  const stop = client.subscribe({ snapshot: () => {}, connection: (c) => connections.push(c) });
  t.teardown(stop);
  const lost = await eventually(() => connections.find((c) => c.state === 'disconnected'), 'the idle stream to be dropped');
  t.deepEqual(lost, { state: 'disconnected', reason: 'no data from the supervisor', attempts: 1 });
  await eventually(() => connections.at(-1)?.state === 'connected', 'the stream to be reopened');
  t.true(connections.indexOf(lost) < connections.length - 1, 'reconnected after the drop');
  t.is(connections.at(-1)?.state, 'connected');
});

test('reads: state, listeners of a mount (URL-encoded), logs of a component', async (t) => {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  const client = new ControlClient({ socketPath: fake.socketPath });
  t.is((await client.state()).station.name, 'Radio Test');
  t.is((await client.listeners('/live.mp3')).total, 3);
  t.is((await client.logs('relay')).lines.length, 2);
  await t.throwsAsync(client.logs('nope'), { message: '/v1/components/nope/logs?tail=200: the supervisor answered 404: no such component' });
});

test('every action is the contract\'s request, with the operator\'s name for the audit log', async (t) => {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  const client = new ControlClient({ socketPath: fake.socketPath, user: 'alice' });
  const calls: [() => Promise<unknown>, string, string, unknown][] = [
    [() => client.kick('/live.mp3', 12), 'POST', '/v1/mounts/%2Flive.mp3/listeners/12/kick', null],
    [() => client.killSource('/live.mp3'), 'POST', '/v1/mounts/%2Flive.mp3/kill-source', null],
    [() => client.metadata('/live.mp3', 'Artist - Title'), 'POST', '/v1/mounts/%2Flive.mp3/metadata', { title: 'Artist - Title' }],
    [() => client.restart('relay'), 'POST', '/v1/components/relay/restart', null],
    [() => client.ban('203.0.113.7', 3600), 'POST', '/v1/bans', { ip: '203.0.113.7', seconds: 3600 }],
    [() => client.unban('2001:db8:1:2::/64'), 'DELETE', '/v1/bans/2001%3Adb8%3A1%3A2%3A%3A%2F64', null],
    [() => client.reload(), 'POST', '/v1/reload', null],
  ];
  for (const [call, method, path, body] of calls) {
    const result = await call();
    t.deepEqual(result, { ok: true, message: `done: ${method} ${path}` });
    t.deepEqual(fake.actions.at(-1), { method, path, body, user: 'alice' });
  }
});

test('a refused action and an unreachable supervisor are results, not exceptions', async (t) => {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  fake.answer = () => ({ status: 403, result: { ok: false, error: { code: 'read-only', message: 'the supervisor is read-only' } } });
  const client = new ControlClient({ socketPath: fake.socketPath });
  t.deepEqual(await client.reload(), { ok: false, error: { code: 'read-only', message: 'the supervisor is read-only' } });
  await fake.goAway();
  const result = await client.reload();
  t.false(result.ok);
  if (!result.ok) t.is(result.error.code, 'unreachable');
});

const errors: readonly (readonly [string | undefined, string])[] = [
  ['ENOENT', 'no control socket at /run/x.sock (is "icegate start" running?)'],
  ['ECONNREFUSED', 'nothing answers on /run/x.sock (is "icegate start" running?)'],
  ['EACCES', 'permission denied on /run/x.sock'],
  [undefined, 'boom'],
];
for (const [code, words] of errors) {
  test(`a transport error ${code ?? 'without a code'} is said as "${words}"`, (t) => {
    t.is(describeError(Object.assign(new Error('boom'), code === undefined ? {} : { code }), '/run/x.sock'), words);
  });
}
