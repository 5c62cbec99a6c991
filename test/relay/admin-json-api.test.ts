// The admin half of the JSON API (docs/api.md) against live sources and a real listener.
import test from 'ava';
import { testRelay, until } from '../helpers/relay.ts';
import { ADMIN, get, startSources, stopAll, tap } from './admin-client.ts';

test('mounts (hidden ones included) and listener details, for the admin', async (t) => {
  const relay = await testRelay({ mounts: { '/hid.mp3': { hidden: true, maxListeners: 5 } } });
  const port = relay.port();
  const sources = await startSources(relay, [{ mount: '/pub.mp3', codec: 'mp3' }, { mount: '/hid.mp3', codec: 'mp3' }]);
  const l = tap(port, '/pub.mp3');
  try {
    await until(() => relay.ctx.registry.get('/pub.mp3')!.listeners.size === 1);
    await until(() => l.body().length > 0);
    const r = await get(port, '/api/v1/mounts', ADMIN);
    t.is(r.status, 200);
    t.is(r.headers.get('content-type')?.[0], 'application/json; charset=utf-8');
    const { mounts } = JSON.parse(r.body);
    t.deepEqual(mounts.map((m: { mount: string }) => m.mount), ['/hid.mp3', '/pub.mp3']);
    t.like(mounts[0], { hidden: true, live: true, maxListeners: 5, listeners: 0, sourceKind: 'source', sourceIp: '127.0.0.1', fallbackMount: null });
    t.like(mounts[1], { hidden: false, live: true, maxListeners: null, listeners: 1, format: 'mp3', public: false, userAgent: 'Lavf/58.24.100' });
    t.true(mounts[1].bytesRead > 0);

    const lr = await get(port, '/api/v1/mounts/pub.mp3/listeners', ADMIN);
    t.is(lr.status, 200);
    const body = JSON.parse(lr.body);
    t.is(body.mount, '/pub.mp3');
    t.is(body.listeners.length, 1);
    const [listener] = body.listeners;
    t.like(listener, { ip: '127.0.0.1', userAgent: 'icegate-test/1.0', mount: '/pub.mp3', auth: 'anonymous', username: null });
    t.is(listener.id, [...relay.ctx.registry.get('/pub.mp3')!.listeners][0]!.id);
    t.regex(listener.connectedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    t.true(listener.seconds >= 0);
    t.true(listener.bytesSent > 0);
    t.deepEqual(Object.keys(listener).sort(), ['auth', 'bytesSent', 'connectedAt', 'id', 'ip', 'mount', 'seconds', 'userAgent', 'username']);

    t.deepEqual(JSON.parse((await get(port, '/api/v1/mounts/hid.mp3/listeners', ADMIN)).body), { mount: '/hid.mp3', listeners: [] });
    const pub = JSON.parse((await get(port, '/api/v1/status')).body);
    t.deepEqual(pub.mounts.map((m: { mount: string }) => m.mount), ['/pub.mp3']);
    t.false('sourceIp' in pub.mounts[0]);
  } finally {
    l.socket.destroy();
    await stopAll(sources);
    await relay.close();
  }
});
