// The relay's end of the edge channel over real HTTP: only the relay or admin user may use it, a
// bad report is refused with a clear 400 and changes nothing, a good one is applied and answered
// with the admission figures, and claiming to be an edge pull without credentials earns nothing.
import test from 'ava';
import { exchange } from '../gateway/server-harness.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import { openSource, RawClient } from './ingest-kit.ts';

const listen = (port: number, lines: string[]): RawClient => new RawClient(port, `GET /live.mp3 HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.join('\r\n')}\r\n\r\n`);

const auth = (user: string, password: string): string => `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const RELAY = auth('relay', SECRETS.relayPassword);

function post(port: number, path: string, body: string, authLine = RELAY) {
  return exchange(port, `POST ${path} HTTP/1.1\r\nHost: relay\r\n${authLine}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

const report = (ip: string) =>
  JSON.stringify({
    full: true,
    added: [{ id: 1, mount: '/live.mp3', ip, userAgent: 'VLC/3.0', auth: 'anonymous', connectedAt: Date.now(), bytesSent: 0 }],
    removed: [],
    updated: [],
  });

test('reports: credentials, bad bodies and a good one', async (t) => {
  const relay = await testRelay({}, { log: () => {} });
  t.teardown(() => relay.close());
  const source = await openSource(relay.port(), '/live.mp3');
  t.teardown(() => source.socket.destroy());
  await until(() => relay.ctx.registry.get('/live.mp3')?.live === true, 5000, 'the source');
  const mount = relay.ctx.registry.get('/live.mp3')!;

  const refusals: [string, string, string, number][] = [
    ['no credentials', '/admin/edge/report?gateway=g1', 'X-None: 1', 401],
    ['the source password', '/admin/edge/report?gateway=g1', auth('source', SECRETS.sourcePassword), 401],
    ['no gateway id', '/admin/edge/report', RELAY, 400],
    ['a bad gateway id', '/admin/edge/report?gateway=a%20b', RELAY, 400],
  ];
  for (const [what, path, line, status] of refusals) {
    const r = await post(relay.port(), path, report('192.0.2.1'), line);
    t.is(r.status, status, what);
  }
  const bodies: [string, string][] = [
    ['not JSON', '{'],
    ['a missing field', JSON.stringify({ full: true, added: [] })],
    ['an unknown field', JSON.stringify({ full: true, added: [], removed: [], updated: [], extra: 1 })],
    ['a bad mount name', report('192.0.2.1').replace('/live.mp3', 'live.mp3')],
    ['a negative id', report('192.0.2.1').replace('"id":1', '"id":-1')],
  ];
  for (const [what, body] of bodies) {
    const r = await post(relay.port(), '/admin/edge/report?gateway=g1', body);
    t.is(r.status, 400, what);
    t.regex(r.body, /Bad request/, what);
  }
  t.is(mount.stats().listeners, 0, 'nothing changed');
  t.deepEqual(relay.edge.channels(), []);

  const ok = await post(relay.port(), '/admin/edge/report?gateway=g1', report('198.51.100.7'));
  t.is(ok.status, 200, ok.body);
  t.deepEqual(JSON.parse(ok.body), { admission: { clients: { limit: relay.ctx.config.limits.clients, others: 0 }, mounts: {} } });
  t.deepEqual(mount.listenerStats().map((l) => [l.ip, l.userAgent]), [['198.51.100.7', 'VLC/3.0']]);
  // The admin user may use the channel too.
  const admin = await post(relay.port(), '/admin/edge/report?gateway=g2', report('198.51.100.8'), auth('admin', SECRETS.adminPassword));
  t.is(admin.status, 200);
  t.is(mount.stats().listeners, 2);
});

test('a player claiming to be an edge pull without the relay credentials is counted like any listener', async (t) => {
  const relay = await testRelay({}, { log: () => {} });
  t.teardown(() => relay.close());
  const source = await openSource(relay.port(), '/live.mp3');
  t.teardown(() => source.socket.destroy());
  await until(() => relay.ctx.registry.get('/live.mp3')?.live === true, 5000, 'the source');
  const sneaky = listen(relay.port(), ['X-Icegate-Edge: g1']);
  t.teardown(() => sneaky.socket.destroy());
  await until(() => relay.ctx.registry.get('/live.mp3')!.listeners.size === 1, 5000, 'the listener');
  t.is(relay.ctx.registry.get('/live.mp3')!.stats().listeners, 1);
  const honest = listen(relay.port(), ['X-Icegate-Edge: g1', RELAY]);
  t.teardown(() => honest.socket.destroy());
  await until(() => relay.ctx.registry.get('/live.mp3')!.listeners.size === 2, 5000, 'the pull');
  t.is(relay.ctx.registry.get('/live.mp3')!.stats().listeners, 1, 'the authenticated pull is not counted');
});
