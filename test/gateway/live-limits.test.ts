// Limits changed in a running gateway (a reload): the credential limiter takes new thresholds
// and keeps the failures already counted; the listener caps take a new streamsPerAddress and
// keep counting the streams already open. A bad threshold changes nothing.
import test from 'ava';
import { EventEmitter } from 'node:events';
import type http from 'node:http';
import { CredentialLimiter, type Attempt, type FailureLimits } from '../../gateway/limits/rate-limit.ts';
import { ListenerCaps } from '../../gateway/limits/listener-caps.ts';

const limits = (failures: number, blockSeconds = 120): FailureLimits => ({
  perUserAndAddress: { failures, durationSeconds: 600, blockSeconds },
  perAddress: { failures: 100, durationSeconds: 600, blockSeconds: 300 },
});
const every = (l: FailureLimits) => ({ source: l, admin: l, listener: l, token: l });
const dj: Attempt = { channel: 'source', user: 'source', ip: '198.51.100.7' };

test('a lower failure threshold applies to the failures already counted', async (t) => {
  const l = new CredentialLimiter({ limits: every(limits(10)) });
  for (let i = 0; i < 3; i++) t.false((await l.record(dj, 'failure')).blocked);
  l.setLimits(every(limits(4, 60)));
  t.deepEqual(l.limits('source').perUserAndAddress, { failures: 4, durationSeconds: 600, blockSeconds: 60 });
  t.deepEqual(await l.record(dj, 'failure'), { blocked: true, retryAfterSeconds: 60 }, 'the 4th failure blocks, for the new block length');
});

test('a higher threshold lets more failures through', async (t) => {
  const l = new CredentialLimiter({ limits: every(limits(2)) });
  t.false((await l.record(dj, 'failure')).blocked);
  l.setLimits(every(limits(5)));
  for (let i = 0; i < 3; i++) t.false((await l.record(dj, 'failure')).blocked);
  t.true((await l.record(dj, 'failure')).blocked);
});

test('a bad threshold is refused and changes nothing', (t) => {
  const l = new CredentialLimiter({ limits: every(limits(3)) });
  t.throws(() => l.setLimits({ ...every(limits(5)), token: limits(0) }), { instanceOf: RangeError });
  t.is(l.limits('source').perUserAndAddress.failures, 3);
});

/** A request whose connection closes when `close` is emitted. */
function request(): { req: http.IncomingMessage; close(): void } {
  const socket = new EventEmitter();
  return { req: { socket } as unknown as http.IncomingMessage, close: () => void socket.emit('close') };
}

test('a lower streamsPerAddress counts the streams already open', (t) => {
  const caps = new ListenerCaps({ connectionsPerMinute: null, streamsPerAddress: 5 }, { now: () => 0 });
  const open = [request(), request()];
  for (const r of open) t.true(caps.stream(r.req, '192.0.2.1').ok);
  caps.reconfigure({ connectionsPerMinute: null, streamsPerAddress: 2 });
  t.is(caps.streamsOf('192.0.2.1'), 2, 'the open streams are kept');
  t.like(caps.stream(request().req, '192.0.2.1'), { ok: false, code: 'GW_TOO_MANY_STREAMS' });
  open[0]!.close();
  t.true(caps.stream(request().req, '192.0.2.1').ok, 'a closed stream frees its place');
  caps.reconfigure({ connectionsPerMinute: null, streamsPerAddress: null });
  t.true(caps.stream(request().req, '192.0.2.1').ok, 'no limit');
});
