import test from 'ava';
import { StreamQueue } from '../../stream/stream-queue.ts';

const chunk = (size: number, sync = true) => ({ data: Buffer.alloc(size), sync });

test('keeps at least `retain` bytes and drops older chunks', (t) => {
  const q = new StreamQueue(1000);
  for (let i = 0; i < 10; i++) q.append(chunk(300), null);
  t.is(q.tail, 3000);
  t.true(q.bytes >= 1000);
  t.true(q.bytes < 1300);
  t.is(q.nextSeq, 10);
  t.is(q.at(q.firstSeq - 1), undefined);
});

const burst = test.macro((t, sizesAndSync: Array<[number, boolean]>, burstSize: number, expected: number) => {
  const q = new StreamQueue(1 << 20);
  for (const [size, sync] of sizesAndSync) q.append(chunk(size, sync), null);
  t.is(q.burstStart(burstSize), expected);
});

test('burst starts at the newest sync chunk that gives at least the burst', burst, [[100, true], [100, true], [100, true], [100, true]], 250, 1);
test('burst exactly on a boundary starts there', burst, [[100, true], [100, true], [100, true], [100, true]], 200, 2);
test('burst skips back over non-sync chunks to a boundary', burst, [[100, true], [100, false], [100, true], [100, true]], 250, 0);
test('burst of zero starts at the live edge', burst, [[100, true], [100, true]], 0, 2);
test('burst larger than the queue starts at its oldest sync chunk', burst, [[100, false], [100, true], [100, true]], 10_000, 1);
test('no sync chunk before the window: the oldest sync chunk inside it', burst, [[100, false], [100, false], [100, true]], 250, 2);
test('an empty queue starts at the live edge', burst, [], 100, 0);
