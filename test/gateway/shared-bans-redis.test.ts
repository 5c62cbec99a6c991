// gateway.rateLimit.store: redis, from gateway.yaml to a running pair of gateways on one real
// redis-server (Debian package redis-server): a credential block imposed through one gateway is
// enforced by the other, and an operator ban made on one refuses and closes the address's
// connections on the other too, until it is lifted.
import test from 'ava';
import { configSchema } from '../../config/schema.ts';
import type { RunningGateway } from '../../gateway/start.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { SECRETS, until } from '../helpers/relay.ts';
import { liveRelay, MOUNT, STREAM_BYTES } from './listener-auth-kit.ts';
import { HAVE_REDIS, startRedis, type RedisServer } from './redis-server.ts';
import { player, type Player } from './security-harness.ts';
import { exchange, Shared, testGateway, type Teardown } from './server-harness.ts';

const shared = new Shared();
let relay: RunningRelay;
let redis: RedisServer;

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const stats = (password: string): string => `GET /admin/stats HTTP/1.1\r\nHost: h\r\nAuthorization: ${basic('admin', password)}\r\n\r\n`;

async function pair(t: Teardown, db: number): Promise<[RunningGateway, RunningGateway]> {
  const rateLimit = { store: 'redis', redis: `redis://127.0.0.1:${redis.port}/${db}`, consecutiveFailures: 2 };
  const a = await testGateway(t, relay.port(), { rateLimit });
  const b = await testGateway(t, relay.port(), { rateLimit });
  return [a.gw, b.gw];
}

function open(t: Teardown, port: number, from = '127.0.0.1'): Player {
  const p = player(port, MOUNT, { from });
  t.teardown(() => p.socket.destroy());
  return p;
}

if (HAVE_REDIS) {
  test.before(async () => {
    ({ relay } = await liveRelay(shared));
    redis = await startRedis();
    shared.teardown(() => redis.stop());
  });
  test.after.always(() => shared.run());

  test('store: redis needs a URL, and the config error names the key', (t) => {
    const parsed = configSchema.safeParse({ gateway: { rateLimit: { store: 'redis' } } });
    t.false(parsed.success);
    t.deepEqual(parsed.error?.issues.map((i) => i.path.join('.')), ['gateway.rateLimit.redis']);
    t.false(configSchema.safeParse({ gateway: { rateLimit: { store: 'redis', redis: 'http://127.0.0.1:6379' } } }).success);
  });

  // Each test uses its own Redis database: the tests of this file run at once.
  test('a credential block imposed through one gateway is enforced by the other', async (t) => {
    const [a, b] = await pair(t, 1);
    for (let i = 0; i < 2; i++) t.is((await exchange(a.ports().admin, stats(`guess-${i}`), true)).status, 401);
    await until(() => a.security.view().bans.length === 1, 15000, 'the block');
    const blocked = await exchange(b.ports().admin, stats(SECRETS.adminPassword), true);
    t.is(blocked.status, 429);
    t.true(blocked.body.includes('GW_RATE_LIMITED'));
  });

  test('an operator ban on one gateway refuses and closes the address on the other, until lifted', async (t) => {
    const [a, b] = await pair(t, 2);
    const mine = open(t, b.ports().listener);
    const other = open(t, b.ports().listener, '127.0.0.2');
    await until(() => mine.received() >= STREAM_BYTES && other.received() >= STREAM_BYTES, 15000, 'audio');

    await a.security.ban('127.0.0.1', 600, 'test');
    await mine.closed;
    t.deepEqual(b.security.view().bans.map((x) => [x.ip, x.reason]), [['127.0.0.1', 'operator']]);
    const refused = open(t, b.ports().listener);
    await refused.closed;
    t.is(refused.received(), 0);
    const before = other.received();
    await until(() => other.received() > before + STREAM_BYTES, 15000, 'the other address to keep playing');

    t.true(await a.security.unban('127.0.0.1'));
    await until(() => b.security.view().bans.length === 0, 15000, 'the unban to reach the other gateway');
    const back = open(t, b.ports().listener);
    await until(() => back.received() >= STREAM_BYTES, 15000, 'audio after the unban');
  });

  test('a ban made while Redis is unreachable still holds on its gateway', async (t) => {
    const stateless = await testGateway(t, relay.port(), { rateLimit: { store: 'redis', redis: 'redis://127.0.0.1:1/0' } });
    const errors: string[] = [];
    stateless.gw.events.on('limiter-error', (e) => errors.push(e.message));
    await stateless.gw.security.ban('127.0.0.1', 60, 'test');
    const refused = open(t, stateless.gw.ports().listener);
    await refused.closed;
    t.is(refused.received(), 0);
    t.true(errors.some((m) => m.includes('holds on this gateway only')), errors.join('\n'));
    t.false(errors.some((m) => m.includes('redis://127.0.0.1:1/0') && m.includes('@')));
  });
} else {
  test.skip('shared bans need redis-server (Debian package redis-server)', () => {});
}
