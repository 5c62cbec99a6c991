// The edge's report batch: coalescing per listener, a full report first and after a resync, and a
// backlog that never grows past its bound (it turns into one full report instead).
import test from 'ava';
import { ReportBatch } from '../../gateway/edge/report-batch.ts';
import type { EdgeListener } from '../../contracts/edge.ts';

const listener = (id: number, mount = '/a.mp3', bytesSent = 0): EdgeListener => ({
  id,
  mount,
  ip: `192.0.2.${id}`,
  userAgent: 'player',
  auth: 'anonymous',
  connectedAt: 1000,
  bytesSent,
});

/** A batch whose first (full) report was already taken. */
function started(max?: number): ReportBatch {
  const b = new ReportBatch(max);
  b.take(() => []);
  return b;
}

test('the first report is a full one, listing everyone present then', (t) => {
  const b = new ReportBatch();
  b.added(listener(1));
  t.true(b.pending);
  t.deepEqual(b.take(() => [listener(1), listener(2)]), { full: true, added: [listener(1), listener(2)], removed: [], updated: [] });
  t.false(b.pending);
  t.is(b.take(() => []), null);
});

const cases: { name: string; steps: (b: ReportBatch) => void; want: { added: EdgeListener[]; removed: number[]; updated: { id: number; mount: string; bytesSent: number }[] } | null }[] = [
  { name: 'an addition is reported', steps: (b) => b.added(listener(1)), want: { added: [listener(1)], removed: [], updated: [] } },
  { name: 'a listener that came and went is never mentioned', steps: (b) => (b.added(listener(1)), b.removed(1)), want: null },
  {
    name: 'an update folds into a pending addition',
    steps: (b) => (b.added(listener(1)), b.updated({ id: 1, mount: '/b.mp3', bytesSent: 500 })),
    want: { added: [listener(1, '/b.mp3', 500)], removed: [], updated: [] },
  },
  {
    name: 'the last update wins',
    steps: (b) => (b.updated({ id: 1, mount: '/a.mp3', bytesSent: 10 }), b.updated({ id: 1, mount: '/b.mp3', bytesSent: 20 })),
    want: { added: [], removed: [], updated: [{ id: 1, mount: '/b.mp3', bytesSent: 20 }] },
  },
  {
    name: 'an update after the removal is dropped',
    steps: (b) => (b.removed(1), b.updated({ id: 1, mount: '/a.mp3', bytesSent: 10 })),
    want: { added: [], removed: [1], updated: [] },
  },
  {
    name: 'a removal replaces a pending update',
    steps: (b) => (b.updated({ id: 1, mount: '/a.mp3', bytesSent: 10 }), b.removed(1)),
    want: { added: [], removed: [1], updated: [] },
  },
];

for (const c of cases) {
  test(`coalescing: ${c.name}`, (t) => {
    const b = started();
    c.steps(b);
    const r = b.take(() => t.fail('not a full report') as never);
    t.deepEqual(r, c.want === null ? null : { full: false, ...c.want });
  });
}

test('an addition already sent and then removed is reported removed', (t) => {
  const b = started();
  b.added(listener(1));
  t.is(b.take(() => [])?.added.length, 1);
  b.removed(1);
  t.deepEqual(b.take(() => []), { full: false, added: [], removed: [1], updated: [] });
});

test('past its bound the backlog becomes one full report', (t) => {
  const b = started(100);
  for (let i = 0; i < 100; i++) b.added(listener(i));
  t.is(b.size, 100);
  b.added(listener(100));
  t.is(b.size, 0, 'the deltas were dropped');
  // While a full report is due, changes are not kept: the snapshot covers them.
  for (let i = 200; i < 1000; i++) b.added(listener(i));
  t.is(b.size, 0);
  const everyone = [listener(7), listener(8)];
  t.deepEqual(b.take(() => everyone), { full: true, added: everyone, removed: [], updated: [] });
  b.removed(7);
  t.deepEqual(b.take(() => []), { full: false, added: [], removed: [7], updated: [] });
});

test('resync: the next report is a full one', (t) => {
  const b = started();
  b.added(listener(1));
  b.resync();
  t.true(b.pending);
  t.true(b.take(() => [listener(1)])?.full);
});
