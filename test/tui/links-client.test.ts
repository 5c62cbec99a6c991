// The dashboard's control client for links, against the fake control API: made, listed, revoked;
// a refusal and a missing link passed on as a result; no supervisor is a result too, not a throw.
import test from 'ava';
import { ControlClient } from '../../tui/client.ts';
import { FakeControl } from './fake-control.ts';

async function setUp(t: { teardown(fn: () => unknown): void }) {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  return { fake, client: new ControlClient({ socketPath: fake.socketPath, user: 'tester' }) };
}

test('createLink, links and revokeLink speak contracts/links.ts', async (t) => {
  const { fake, client } = await setUp(t);
  const made = await client.createLink({ mount: '/live.mp3', label: 'Grandma Rose', ttlSeconds: 3600, maxListeners: null });
  if (!made.ok) return t.fail(made.error.message);
  t.like(made.link, { label: 'Grandma Rose', mount: '/live.mp3', revoked: false });
  t.deepEqual(fake.actions[0], { method: 'POST', path: '/v1/links', body: { mount: '/live.mp3', label: 'Grandma Rose', ttlSeconds: 3600, maxListeners: null }, user: 'tester' });
  t.deepEqual((await client.links()).links.map((l) => l.id), [made.link.id]);
  t.deepEqual(await client.revokeLink(made.link.id, 'Grandma Rose'), { ok: true, message: 'revoked "Grandma Rose"' });
  t.is(fake.actions[1]?.path, `/v1/links/${made.link.id}`);
  t.true((await client.links()).links[0]!.revoked);
});

test('a refusal is passed on; an ok answer without the link is a bad answer; an unknown link on revoke', async (t) => {
  const { fake, client } = await setUp(t);
  t.deepEqual(await client.createLink({ mount: '/backup.ogg', label: 'A', ttlSeconds: 600 }), { ok: false, error: { code: 'mount-not-token', message: '/backup.ogg has no auth: token' } });
  fake.links.next = { status: 200, result: { ok: true, message: 'made' } };
  t.deepEqual(await client.createLink({ mount: '/live.mp3', label: 'A', ttlSeconds: 600 }), { ok: false, error: { code: 'bad-answer', message: 'the supervisor answered without the link' } });
  t.deepEqual(await client.revokeLink('nope', 'A'), { ok: false, error: { code: 'unknown-link', message: 'no link nope' } });
});

test('no supervisor: the actions answer "unreachable", the list rejects', async (t) => {
  const { fake, client } = await setUp(t);
  await fake.goAway();
  const made = await client.createLink({ mount: '/live.mp3', label: 'A', ttlSeconds: 600 });
  t.like(made, { ok: false, error: { code: 'unreachable' } });
  t.like(await client.revokeLink('x', 'A'), { ok: false, error: { code: 'unreachable' } });
  await t.throwsAsync(client.links());
});
