// Where the panes go at the sizes operators have: 80x24 must be usable, bigger sizes show more,
// smaller ones drop panes rather than draw garbage.
import test from 'ava';
import { layout, MIN_HEIGHT, MIN_WIDTH, PANES, type PaneId, type Rect } from '../../tui/layout.ts';

type Slot = Exclude<PaneId, 'mounts'>;
const rows: readonly (readonly [width: number, height: number, slot: Slot, arrangement: string, shown: readonly PaneId[]])[] = [
  [80, 24, 'listeners', 'standard', ['mounts', 'health', 'listeners']],
  [80, 24, 'security', 'standard', ['mounts', 'health', 'security']],
  [80, 24, 'log', 'standard', ['mounts', 'health', 'log']],
  [80, 24, 'health', 'standard', ['mounts', 'health', 'listeners']],
  [120, 40, 'listeners', 'large', ['mounts', 'health', 'listeners', 'security', 'log']],
  [100, 40, 'log', 'large', ['mounts', 'health', 'listeners', 'security', 'log']],
  [200, 60, 'log', 'large', ['mounts', 'health', 'listeners', 'security', 'log']],
  [99, 50, 'listeners', 'standard', ['mounts', 'health', 'listeners']],
  [60, 15, 'listeners', 'compact', ['mounts', 'listeners']],
  [60, 15, 'health', 'compact', ['mounts', 'health']],
  [79, 30, 'log', 'compact', ['mounts', 'log']],
  [MIN_WIDTH, MIN_HEIGHT, 'security', 'compact', ['mounts', 'security']],
  // The Users pane (key p) takes the slot, and the listeners' place in the large arrangement.
  [80, 24, 'users', 'standard', ['mounts', 'health', 'users']],
  [120, 40, 'users', 'large', ['mounts', 'health', 'security', 'log', 'users']],
  [60, 15, 'users', 'compact', ['mounts', 'users']],
];

const inside = (r: Rect, width: number, height: number) => r.left >= 0 && r.top >= 0 && r.width > 0 && r.height > 0 && r.left + r.width <= width && r.top + r.height <= height;
const overlap = (a: Rect, b: Rect) => a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

for (const [width, height, slot, arrangement, shown] of rows) {
  test(`${width}x${height} with ${slot} in the slot: ${arrangement}, shows ${shown.join(', ')}`, (t) => {
    const l = layout(width, height, slot);
    if (l.kind !== 'panes') return t.fail(l.message);
    t.is<string, string>(l.arrangement, arrangement);
    t.deepEqual(PANES.filter((p) => l.panes[p] !== undefined), [...shown]);
    const rects = [l.header, l.footer, ...shown.map((p) => l.panes[p]!)];
    for (const r of rects) t.true(inside(r, width, height), JSON.stringify(r));
    for (let i = 0; i < rects.length; i += 1) for (let j = i + 1; j < rects.length; j += 1) t.false(overlap(rects[i]!, rects[j]!), `${JSON.stringify(rects[i])} / ${JSON.stringify(rects[j])}`);
    // Every row of the terminal is used: nothing left blank, nothing drawn twice.
    const covered = rects.reduce((sum, r) => sum + r.width * r.height, 0);
    t.is(covered, width * height);
    // Every pane has its title and at least two rows of content.
    for (const p of shown) t.true(l.panes[p]!.height >= 3, `${p} is ${l.panes[p]!.height} rows`);
  });
}

test('80x24: the mounts pane has room for its headings and four mounts, the detail pane for eight rows', (t) => {
  const l = layout(80, 24, 'listeners');
  if (l.kind !== 'panes') return t.fail();
  t.deepEqual(l.header, { top: 0, left: 0, width: 80, height: 2 });
  t.deepEqual(l.footer, { top: 23, left: 0, width: 80, height: 1 });
  t.true(l.panes.mounts!.height - 2 >= 4);
  t.true(l.panes.listeners!.height - 2 >= 8);
});

test('120x40: security and log sit side by side', (t) => {
  const l = layout(120, 40, 'listeners');
  if (l.kind !== 'panes') return t.fail();
  t.is(l.panes.security!.top, l.panes.log!.top);
  t.is(l.panes.security!.width + l.panes.log!.width, 120);
});

for (const [width, height] of [
  [MIN_WIDTH - 1, 24],
  [80, MIN_HEIGHT - 1],
  [1, 1],
  [0, 0],
] as const) {
  test(`${width}x${height} is too small and says what it needs`, (t) => {
    const l = layout(width, height, 'listeners');
    t.is(l.kind, 'too-small');
    if (l.kind === 'too-small') t.is(l.message, `terminal too small\n${width}x${height}, need ${MIN_WIDTH}x${MIN_HEIGHT}`);
  });
}
