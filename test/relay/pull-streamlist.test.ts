// Master–slave mirroring decisions: reading /admin/streamlist.txt and which pulls to start or stop.
import test from 'ava';
import { MAX_LISTED_MOUNTS, mirrorPlan, parseStreamlist } from '../../relay/pull/streamlist.ts';

test('parseStreamlist: CRLF lines as Icecast sends them', (t) => {
  t.deepEqual(parseStreamlist('/a.mp3\r\n/b.ogg\r\n'), { mounts: ['/a.mp3', '/b.ogg'], skipped: 0 });
});

test('parseStreamlist: blank lines are ignored, duplicates listed once', (t) => {
  t.deepEqual(parseStreamlist('\n/a\n\n/a\n'), { mounts: ['/a'], skipped: 0 });
});

test('parseStreamlist: lines that are not mount names are skipped and counted', (t) => {
  t.deepEqual(parseStreamlist('/ok\nno-slash\n/../etc\n/a b\n<html>\n'), { mounts: ['/ok'], skipped: 4 });
});

test('parseStreamlist: a master cannot make us start more than the cap', (t) => {
  const text = Array.from({ length: MAX_LISTED_MOUNTS + 5 }, (_, i) => `/m${i}`).join('\n');
  const r = parseStreamlist(text);
  t.is(r.mounts.length, MAX_LISTED_MOUNTS);
  t.is(r.skipped, 5);
});

const plans = test.macro({
  exec(t, mirrored: string[], listed: string[], reserved: string[], expected: { start: string[]; stop: string[] }) {
    t.deepEqual(mirrorPlan(new Set(mirrored), listed, new Set(reserved)), expected);
  },
  title: (name = '') => `mirrorPlan: ${name}`,
});

test('first poll starts everything listed', plans, [], ['/a', '/b'], [], { start: ['/a', '/b'], stop: [] });
test('unchanged list changes nothing', plans, ['/a', '/b'], ['/b', '/a'], [], { start: [], stop: [] });
test('a mount gone from the list is stopped, a new one started', plans, ['/a', '/b'], ['/b', '/c'], [], { start: ['/c'], stop: ['/a'] });
test('an empty list stops every mirrored mount', plans, ['/a'], [], [], { start: [], stop: ['/a'] });
test('explicitly configured relays are not the master’s to take', plans, [], ['/a', '/mine'], ['/mine'], { start: ['/a'], stop: [] });
