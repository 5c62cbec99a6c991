import test from 'ava';
import { CredentialLimiter, MAX_MEMORY_SECONDS, memoryLimits, type Attempt, type FailureLimits } from '../../gateway/limits/rate-limit.ts';

const SMALL: FailureLimits = {
  perUserAndAddress: { failures: 3, durationSeconds: 600, blockSeconds: 120 },
  perAddress: { failures: 5, durationSeconds: 600, blockSeconds: 300 },
};

function limiter(limits = SMALL): CredentialLimiter {
  return new CredentialLimiter({ limits: { source: limits, admin: limits, listener: limits, token: limits } });
}

const dj: Attempt = { channel: 'source', user: 'source', ip: '198.51.100.7' };

async function fails(l: CredentialLimiter, a: Attempt, n: number) {
  let state = await l.check(a);
  for (let i = 0; i < n; i++) state = await l.record(a, 'failure');
  return state;
}

test('the Nth consecutive failure blocks the user at that address, with a Retry-After', async (t) => {
  const l = limiter();
  t.deepEqual(await fails(l, dj, 2), { blocked: false });
  t.deepEqual(await l.record(dj, 'failure'), { blocked: true, retryAfterSeconds: 120 });
  const later = await l.check(dj);
  t.true(later.blocked);
  if (later.blocked) t.true(later.retryAfterSeconds > 110 && later.retryAfterSeconds <= 120);
});

test('a success resets the consecutive counter', async (t) => {
  const l = limiter();
  await fails(l, dj, 2);
  await l.record(dj, 'success');
  t.deepEqual(await fails(l, dj, 2), { blocked: false });
});

test('probes without credentials never count', async (t) => {
  const l = limiter();
  for (let i = 0; i < 50; i++) t.deepEqual(await l.record(dj, 'probe'), { blocked: false });
  t.deepEqual(await fails(l, dj, 2), { blocked: false });
  t.true((await l.record(dj, 'failure')).blocked);
});

test('failures per address add up across user names; a success does not reset them', async (t) => {
  const l = limiter();
  const as = (user: string): Attempt => ({ ...dj, user });
  for (const user of ['a', 'b', 'c', 'd']) t.false((await l.record(as(user), 'failure')).blocked);
  await l.record(as('e'), 'success');
  t.deepEqual(await l.record(as('f'), 'failure'), { blocked: true, retryAfterSeconds: 300 });
  t.true((await l.check(as('someone-else'))).blocked, 'the whole address is blocked');
});

test('one user\'s lockout leaves other users and other addresses alone', async (t) => {
  const l = limiter();
  await fails(l, dj, 3);
  t.true((await l.check(dj)).blocked);
  t.false((await l.check({ ...dj, user: 'other' })).blocked);
  t.false((await l.check({ ...dj, ip: '198.51.100.8' })).blocked);
});

test('channels are isolated: a listener spray cannot lock out the source', async (t) => {
  const l = limiter();
  await fails(l, { ...dj, channel: 'listener' }, 5);
  t.true((await l.check({ ...dj, channel: 'listener' })).blocked);
  t.false((await l.check(dj)).blocked);
  t.false((await l.check({ ...dj, channel: 'admin' })).blocked);
});

test('IPv6 addresses of one /64 share their counters', async (t) => {
  const l = limiter();
  const v6 = (ip: string): Attempt => ({ channel: 'token', user: '', ip });
  await l.record(v6('2001:db8:5:6::1'), 'failure');
  await l.record(v6('2001:db8:5:6::2'), 'failure');
  t.true((await l.record(v6('2001:db8:5:6:ffff::9'), 'failure')).blocked);
  t.true((await l.check(v6('2001:db8:5:6::abcd'))).blocked);
  t.false((await l.check(v6('2001:db8:5:7::1'))).blocked);
});

test('IPv4-mapped addresses count as their IPv4 address', async (t) => {
  const l = limiter();
  await fails(l, dj, 2);
  t.true((await l.record({ ...dj, ip: `::ffff:${dj.ip}` }, 'failure')).blocked);
});

test('memory limits cap every duration below setTimeout\'s 2^31 ms', (t) => {
  const days30 = 30 * 86400;
  const capped = memoryLimits({
    perUserAndAddress: { failures: 10, durationSeconds: 90 * 86400, blockSeconds: 20 * 365 * 86400 },
    perAddress: { failures: 100, durationSeconds: days30, blockSeconds: days30 },
  });
  for (const w of [capped.perUserAndAddress, capped.perAddress]) {
    t.is(w.durationSeconds, MAX_MEMORY_SECONDS);
    t.is(w.blockSeconds, MAX_MEMORY_SECONDS);
  }
  t.true(MAX_MEMORY_SECONDS * 1000 < 2 ** 31 - 1);
  t.deepEqual(memoryLimits(SMALL), SMALL);
});

test('a 30-day memory configuration is capped and still blocks', async (t) => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  t.teardown(() => void process.off('warning', onWarning));
  const days30 = 30 * 86400;
  const window = { failures: 2, durationSeconds: days30, blockSeconds: days30 };
  const l = limiter({ perUserAndAddress: window, perAddress: { ...window, failures: 50 } });
  t.is(l.limits('source').perUserAndAddress.blockSeconds, MAX_MEMORY_SECONDS);
  await l.record(dj, 'failure');
  t.deepEqual(await l.record(dj, 'failure'), { blocked: true, retryAfterSeconds: MAX_MEMORY_SECONDS });
  // An overflowing timer fires after 1 ms and deletes the key; the block must outlive that.
  await new Promise((resolve) => setTimeout(resolve, 25));
  const state = await l.check(dj);
  t.true(state.blocked);
  if (state.blocked) t.true(state.retryAfterSeconds > MAX_MEMORY_SECONDS - 5);
  t.false(warnings.includes('TimeoutOverflowWarning'));
});

test('a block ends after blockSeconds', async (t) => {
  const l = limiter({ perUserAndAddress: { failures: 1, durationSeconds: 60, blockSeconds: 1 }, perAddress: SMALL.perAddress });
  const start = Date.now();
  t.true((await l.record(dj, 'failure')).blocked);
  while ((await l.check(dj)).blocked) {
    if (Date.now() - start > 5000) return t.fail('still blocked after 5 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.true(Date.now() - start >= 900);
});

test('bad limits are refused at construction naming the channel', (t) => {
  const bad = { ...SMALL, perAddress: { failures: 0, durationSeconds: 60, blockSeconds: 60 } };
  t.throws(() => new CredentialLimiter({ limits: { admin: bad } }), { instanceOf: RangeError, message: /"admin"/ });
  t.throws(() => new CredentialLimiter({ limits: { admin: { ...SMALL, perAddress: { failures: 1, durationSeconds: 0.5, blockSeconds: 1 } } } }), { instanceOf: RangeError });
});

test('an unknown channel is a programming error, not a silent pass', async (t) => {
  await t.throwsAsync(limiter().check({ ...dj, channel: 'relay' as never }), { instanceOf: RangeError });
});
