// The coalescer before a mount's queue (stream/coalescer.ts): small chunks wait for more or for
// the delay; with a delay of 0 (the gateway's edge, whose upstream coalesced already) none waits.
import test from 'ava';
import { CHUNK_MAX_DELAY_MS, CHUNK_TARGET, Coalescer } from '../../stream/coalescer.ts';
import type { Chunk } from '../../stream/types.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

const publishes = test.macro({
  exec(t, maxDelayMs: number | undefined, sizes: number[], afterMs: number, expected: number[]) {
    const clock = new FakeClock();
    const out: Chunk[] = [];
    const c = new Coalescer(clock, (chunk) => out.push(chunk), maxDelayMs);
    for (const size of sizes) c.stage({ data: Buffer.alloc(size), sync: true });
    clock.advance(afterMs);
    t.deepEqual(
      out.map((ch) => ch.data.length),
      expected,
    );
  },
  title: (title = '', maxDelayMs: number | undefined) => `${title} (delay ${maxDelayMs ?? 'default'})`,
});

test('a small chunk waits', publishes, undefined, [8000], CHUNK_MAX_DELAY_MS - 1, []);
test('a small chunk goes after the delay', publishes, undefined, [8000], CHUNK_MAX_DELAY_MS, [8000]);
test('small chunks merge up to the target', publishes, undefined, [4000, 4000, 4000], 0, [12000]);
test('a chunk of the target size goes at once', publishes, undefined, [CHUNK_TARGET], 0, [CHUNK_TARGET]);
test('no delay: every chunk goes as it comes', publishes, 0, [8000, 417, 8000], 0, [8000, 417, 8000]);

test('dueInMs: when the timer publishes what is staged', (t) => {
  const clock = new FakeClock();
  const c = new Coalescer(clock, () => {});
  t.is(c.dueInMs(), Infinity);
  c.stage({ data: Buffer.alloc(100), sync: true });
  clock.advance(120);
  t.is(c.dueInMs(), CHUNK_MAX_DELAY_MS - 120);
  c.flush();
  t.is(c.dueInMs(), Infinity);
});
