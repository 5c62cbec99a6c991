// The poller asks the children at the history pace while nobody watches, and at pollMs while a
// dashboard does (the first watcher gets a poll at once). A fake clock, no children.
import test from 'ava';
import { ComponentSet } from '../../supervisor/component-set.ts';
import { Poller } from '../../supervisor/poller.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

const settle = () => new Promise((r) => setImmediate(r));

test('unwatched: one poll per idleMs; watched: one per pollMs, the first at once; released: idle again', async (t) => {
  const clock = new FakeClock();
  let polls = 0;
  const components = new ComponentSet(() => {
    throw new Error('no component in this test');
  });
  const poller = new Poller({ components, clock, pollMs: 1000, historyMs: 5000, idleMs: 5000, changed: () => polls++ });
  const step = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await settle();
  };
  poller.start();
  try {
    await step(4999);
    t.is(polls, 0);
    await step(1);
    t.is(polls, 1);
    await step(2000);
    t.is(polls, 1);
    const release = poller.watch();
    await settle();
    t.is(polls, 2, 'the first watcher gets a poll at once');
    await step(1000);
    await step(1000);
    t.is(polls, 4);
    const second = poller.watch();
    await settle();
    t.is(polls, 4, 'a second watcher changes nothing');
    release();
    release();
    second();
    await step(1000); // the poll already scheduled
    t.is(polls, 5);
    await step(4000);
    t.is(polls, 5);
    await step(1000);
    t.is(polls, 6);
  } finally {
    poller.stop();
  }
});
