// The reconnect decision of relay pulls: capped exponential backoff with jitter, reset after a
// stable connection.
import test from 'ava';
import { DEFAULT_BACKOFF, nextBackoff, type BackoffPolicy } from '../../stream/pull/backoff.ts';

const policy: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, stableMs: 60_000, jitter: 0.25 };

const decides = test.macro({
  exec(t, failures: number, streamedMs: number, random: number, expected: { delayMs: number; failures: number }) {
    t.deepEqual(nextBackoff(failures, streamedMs, random, policy), expected);
  },
  title: (name = '') => `nextBackoff: ${name}`,
});

test('the first failure waits the initial delay', decides, 0, 0, 0, { delayMs: 1000, failures: 1 });
test('each failure doubles the delay', decides, 3, 0, 0, { delayMs: 8000, failures: 4 });
test('the delay is capped', decides, 5, 0, 0, { delayMs: 30_000, failures: 6 });
test('many failures stay at the cap (no overflow)', decides, 5000, 0, 0, { delayMs: 30_000, failures: 5001 });
test('jitter shortens the delay by up to its fraction', decides, 3, 0, 0.999, { delayMs: 6002, failures: 4 });
test('jitter never exceeds the cap', decides, 10, 0, 0.5, { delayMs: 26_250, failures: 11 });
test('a connection that streamed a stable minute resets the count', decides, 7, 60_000, 0, { delayMs: 1000, failures: 1 });
test('a shorter one does not', decides, 7, 59_999, 0, { delayMs: 30_000, failures: 8 });

test('nextBackoff: over a fake timeline, delays climb 1 s → 30 s and restart after a stable minute', (t) => {
  const delays: number[] = [];
  let failures = 0;
  for (let i = 0; i < 7; i++) {
    const d = nextBackoff(failures, 0, 0, DEFAULT_BACKOFF);
    delays.push(d.delayMs);
    failures = d.failures;
  }
  t.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  t.is(nextBackoff(failures, DEFAULT_BACKOFF.stableMs, 0).delayMs, 1000);
});
