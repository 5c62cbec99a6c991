import test from 'ava';
import { ConcurrentCounter, ConnectionRate } from '../../gateway/limits/connection-limits.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

test('an address may open `burst` connections at once, then `perSecond`', (t) => {
  const clock = new FakeClock();
  const rate = new ConnectionRate({ perSecond: 2, burst: 3 }, clock);
  for (let i = 0; i < 3; i++) t.deepEqual(rate.take('192.0.2.1'), { ok: true });
  t.deepEqual(rate.take('192.0.2.1'), { ok: false, retryAfterSeconds: 1 });
  clock.advance(500);
  t.deepEqual(rate.take('192.0.2.1'), { ok: true });
  t.false(rate.take('192.0.2.1').ok);
  clock.advance(10_000);
  for (let i = 0; i < 3; i++) t.true(rate.take('192.0.2.1').ok, 'refilled up to burst, not beyond');
  t.false(rate.take('192.0.2.1').ok);
});

test('Retry-After reflects how long until one connection is allowed', (t) => {
  const clock = new FakeClock();
  const rate = new ConnectionRate({ perSecond: 0.1, burst: 1 }, clock);
  t.true(rate.take('192.0.2.1').ok);
  t.deepEqual(rate.take('192.0.2.1'), { ok: false, retryAfterSeconds: 10 });
  clock.advance(4000);
  t.deepEqual(rate.take('192.0.2.1'), { ok: false, retryAfterSeconds: 6 });
});

test('addresses are limited separately; one IPv6 /64 is one address', (t) => {
  const clock = new FakeClock();
  const rate = new ConnectionRate({ perSecond: 1, burst: 1 }, clock);
  t.true(rate.take('192.0.2.1').ok);
  t.true(rate.take('192.0.2.2').ok);
  t.true(rate.take('2001:db8:1:1::1').ok);
  t.false(rate.take('2001:db8:1:1::2').ok);
  t.true(rate.take('2001:db8:1:2::1').ok);
});

test('memory stays bounded: refilled buckets go first, then the least recently seen', (t) => {
  const clock = new FakeClock();
  const rate = new ConnectionRate({ perSecond: 1, burst: 2, maxAddresses: 3 }, clock);
  rate.take('10.0.0.1');
  rate.take('10.0.0.2');
  rate.take('10.0.0.3');
  rate.take('10.0.0.3');
  clock.advance(1000);
  rate.take('10.0.0.4');
  // 10.0.0.1 and .2 were refilled and forgotten; .3 was still one short and is kept.
  t.is(rate.size, 2);
  t.true(rate.take('10.0.0.3').ok);
  t.false(rate.take('10.0.0.3').ok, 'its bucket survived: a fresh one would allow two');
  for (let i = 5; i < 50; i++) rate.take(`10.0.0.${i}`);
  t.true(rate.size <= 3);
});

test('bad rate options are refused', (t) => {
  t.throws(() => new ConnectionRate({ perSecond: 0, burst: 1 }, new FakeClock()), { instanceOf: RangeError });
  t.throws(() => new ConnectionRate({ perSecond: 1, burst: 0 }, new FakeClock()), { instanceOf: RangeError });
});

test('concurrent streams per address are capped and released', (t) => {
  const streams = new ConcurrentCounter();
  const a = streams.acquireForAddress('192.0.2.1', 2);
  const b = streams.acquireForAddress('::ffff:192.0.2.1', 2);
  t.truthy(a);
  t.truthy(b);
  t.is(streams.acquireForAddress('192.0.2.1', 2), null);
  t.truthy(streams.acquireForAddress('192.0.2.2', 2));
  a!.release();
  a!.release();
  t.is(streams.countForAddress('192.0.2.1'), 1, 'a second release is a no-op');
  t.truthy(streams.acquireForAddress('192.0.2.1', 2));
});

test('a signed link\'s maxUses caps its concurrent listeners; keys vanish at zero', (t) => {
  const uses = new ConcurrentCounter();
  const first = uses.acquire('token:abc', 1);
  t.truthy(first);
  t.is(uses.acquire('token:abc', 1), null);
  first!.release();
  t.is(uses.size, 0);
  t.truthy(uses.acquire('token:abc', 1));
});
