// The Redis store: counts and blocks shared by every gateway using the same Redis.
import { once } from 'node:events';
import test from 'ava';
import { Redis } from 'ioredis';
import { CredentialLimiter, MAX_MEMORY_SECONDS, type Attempt, type FailureLimits } from '../../gateway/limits/rate-limit.ts';
import { HAVE_REDIS, startRedis, type RedisServer } from './redis-server.ts';

const LIMITS: FailureLimits = {
  perUserAndAddress: { failures: 3, durationSeconds: 30 * 86400, blockSeconds: 30 * 86400 },
  perAddress: { failures: 100, durationSeconds: 86400, blockSeconds: 86400 },
};

let server: RedisServer | null = null;
const clients: Redis[] = [];

async function client(): Promise<Redis> {
  const redis = new Redis({ port: server!.port, host: '127.0.0.1', enableOfflineQueue: false, lazyConnect: false });
  clients.push(redis);
  if (redis.status !== 'ready') await once(redis, 'ready');
  return redis;
}

let n = 0;
/** Each test uses its own key prefix: tests share one server and run concurrently. */
async function limiter(prefix: string): Promise<CredentialLimiter> {
  return new CredentialLimiter({ redis: await client(), prefix, limits: { source: LIMITS, admin: LIMITS, listener: LIMITS, token: LIMITS } });
}

const dj: Attempt = { channel: 'source', user: 'source', ip: '203.0.113.9' };

if (HAVE_REDIS) {
  test.before(async () => {
    server = await startRedis();
  });
  test.after.always(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  });

  test('a block recorded by one gateway is seen by another', async (t) => {
    const prefix = `t${n++}`;
    const [a, b] = [await limiter(prefix), await limiter(prefix)];
    await a.record(dj, 'failure');
    await b.record(dj, 'failure');
    const state = await a.record(dj, 'failure');
    t.true(state.blocked);
    t.true((await b.check(dj)).blocked);
  });

  test('durations longer than 24 days are kept as configured (no timer in Redis)', async (t) => {
    const l = await limiter(`t${n++}`);
    t.is(l.limits('source').perUserAndAddress.blockSeconds, 30 * 86400);
    for (let i = 0; i < 2; i++) await l.record(dj, 'failure');
    const state = await l.record(dj, 'failure');
    t.deepEqual(state, { blocked: true, retryAfterSeconds: 30 * 86400 });
    const later = await l.check(dj);
    t.true(later.blocked && later.retryAfterSeconds > MAX_MEMORY_SECONDS);
  });

  test('a success resets the consecutive counter in Redis', async (t) => {
    const l = await limiter(`t${n++}`);
    await l.record(dj, 'failure');
    await l.record(dj, 'failure');
    await l.record(dj, 'success');
    await l.record(dj, 'failure');
    t.false((await l.record(dj, 'failure')).blocked);
  });

  test('probes never reach a Redis counter', async (t) => {
    const prefix = `t${n++}`;
    const l = await limiter(prefix);
    for (let i = 0; i < 10; i++) await l.record(dj, 'probe');
    const redis = await client();
    t.deepEqual(await redis.keys(`${prefix}:*`), []);
  });

  test('user names are not stored in Redis keys', async (t) => {
    const prefix = `t${n++}`;
    const l = await limiter(prefix);
    await l.record({ ...dj, user: 'dj-secret-name' }, 'failure');
    const keys = await (await client()).keys(`${prefix}:*`);
    t.is(keys.length, 2);
    t.false(keys.some((k) => k.includes('dj-secret-name')));
  });

  test('when Redis goes away, a local memory limiter keeps blocking', async (t) => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    t.teardown(() => void process.off('warning', onWarning));
    const own = await startRedis();
    t.teardown(() => own.stop());
    const redis = new Redis({ port: own.port, host: '127.0.0.1', enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    clients.push(redis);
    if (redis.status !== 'ready') await once(redis, 'ready');
    const l = new CredentialLimiter({ redis, prefix: 'down', limits: { source: LIMITS } });
    await own.stop();
    if (redis.status === 'ready') await once(redis, 'close');
    await l.record(dj, 'failure');
    await l.record(dj, 'failure');
    t.true((await l.record(dj, 'failure')).blocked);
    // The fallback's timers are capped too: the block outlives an overflowed 1 ms timer.
    await new Promise((resolve) => setTimeout(resolve, 25));
    t.true((await l.check(dj)).blocked);
    t.false(warnings.includes('TimeoutOverflowWarning'));
  });
} else {
  test.skip('Redis store tests need the Debian package redis-server (redis-server binary)', (t) => {
    t.fail();
  });
}
