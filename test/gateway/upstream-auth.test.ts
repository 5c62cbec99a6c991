// gateway.upstreamAuth: given credentials win; left null, the relay user only in front of this
// config's own relay core (same port, same or loopback host), and nothing in front of anything else.
import test from 'ava';
import { configSchema } from '../../config/schema.ts';
import { upstreamCredentials, upstreamIsOwnRelay } from '../../gateway/edge/upstream-auth.ts';
import { SECRETS } from '../helpers/relay.ts';

const config = (gateway: Record<string, unknown>, relay: Record<string, unknown> = {}) => configSchema.parse({ gateway, relay });

const own: [string, Record<string, unknown>, boolean][] = [
  ['the default upstream and relay', {}, true],
  ['localhost for 127.0.0.1', { upstream: 'http://localhost:8100' }, true],
  ['another port', { upstream: 'http://127.0.0.1:8000' }, false],
  ['another host', { upstream: 'http://192.0.2.10:8100' }, false],
  ['IPv6 loopback', { upstream: 'http://[::1]:8100' }, true],
];
for (const [name, gateway, want] of own) {
  test(`own relay: ${name}`, (t) => {
    t.is(upstreamIsOwnRelay(config(gateway)), want);
  });
}

test('own relay: a relay bound to every interface is reached on loopback or its own address', (t) => {
  t.true(upstreamIsOwnRelay(config({ upstream: 'http://127.0.0.1:8100' }, { host: '0.0.0.0' })));
  t.true(upstreamIsOwnRelay(config({ upstream: 'http://192.0.2.10:8100' }, { host: '192.0.2.10' })));
  t.false(upstreamIsOwnRelay(config({ upstream: 'http://192.0.2.10:8100' }, { host: '0.0.0.0' })));
});

test('credentials: given ones win, else the relay user with the relay secrets, else none', (t) => {
  const given = config({ upstreamAuth: { username: 'edge', password: 'edge-password' } });
  t.deepEqual(upstreamCredentials(given, SECRETS), { username: 'edge', password: 'edge-password' });
  t.deepEqual(upstreamCredentials(given, null), { username: 'edge', password: 'edge-password' });
  t.deepEqual(upstreamCredentials(config({}, { auth: { relayUser: 'slave' } }), SECRETS), { username: 'slave', password: SECRETS.relayPassword });
  t.is(upstreamCredentials(config({}), null), null);
});

test('config: upstreamAuth needs both halves and nothing else', (t) => {
  for (const bad of [{ username: 'x' }, { username: '', password: 'p' }, { username: 'x', password: 'p', extra: 1 }, 'relay:pw']) {
    const r = configSchema.safeParse({ gateway: { upstreamAuth: bad } });
    t.false(r.success, JSON.stringify(bad));
    if (!r.success) t.is(r.error.issues[0]?.path.slice(0, 2).join('.'), 'gateway.upstreamAuth');
  }
});
