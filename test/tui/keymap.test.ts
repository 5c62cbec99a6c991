// One table drives both the keys and the `?` help: every key is documented, none is bound twice,
// and read-only mode says which keys are off.
import test from 'ava';
import { banLengthWords, parseBanInput } from '../../tui/ban-input.ts';
import { bindingFor, helpLines, hintLine, KEYMAP } from '../../tui/keymap.ts';

test('no key is bound twice', (t) => {
  const keys = KEYMAP.flatMap((b) => b.keys);
  t.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), []);
});

test('the help has one line per binding, naming its keys and what it does', (t) => {
  const lines = helpLines(false);
  for (const [i, b] of KEYMAP.entries()) {
    t.true(lines[i]!.startsWith(b.label), lines[i]);
    t.true(lines[i]!.includes(b.help), lines[i]);
  }
  t.false(lines.join('\n').includes('(off)'));
});

test('in read-only mode the help marks every changing key as off, and only those', (t) => {
  const lines = helpLines(true);
  for (const [i, b] of KEYMAP.entries()) t.is(lines[i]!.endsWith(' (off)'), b.changes, lines[i]);
  t.true(lines.includes('Read-only: the keys marked (off) do nothing.'));
});

test('every action that changes something is a key of its own', (t) => {
  const changing = KEYMAP.filter((b) => b.changes).map((b) => b.action);
  t.deepEqual(changing.sort(), ['add-user', 'ban', 'delete-user', 'kick', 'kill-source', 'metadata', 'new-link', 'reload', 'restart', 'revoke-link', 'unban']);
});

const keys: readonly (readonly [string, string | null])[] = [
  ['tab', 'next-pane'],
  ['S-tab', 'prev-pane'],
  ['j', 'down'],
  ['down', 'down'],
  ['k', 'up'],
  ['/', 'filter'],
  ['?', 'help'],
  ['x', 'kick'],
  ['S-x', 'kill-source'],
  ['r', 'restart'],
  ['S-r', 'reload'],
  ['b', 'ban'],
  ['m', 'metadata'],
  ['q', 'quit'],
  ['C-c', 'quit'],
  ['z', null],
];
for (const [key, action] of keys) {
  test(`key ${key} is ${action ?? 'unbound'}`, (t) => t.is<string | null, string | null>(bindingFor(key)?.action ?? null, action));
}

test('the footer hint offers the changes of the focused pane, none when read-only', (t) => {
  t.is(hintLine('listeners', false), 'Tab pane  / filter  x kick  b ban  R reload  ? help  q quit');
  t.is(hintLine('mounts', false), 'Tab pane  / filter  X kill source  m title  b ban  R reload  ? help  q quit');
  t.is(hintLine('mounts', true), 'Tab pane  / filter  ? help  q quit');
});

const bans: readonly (readonly [string, string])[] = [
  ['203.0.113.7', 'ok 203.0.113.7 3600'],
  [' 203.0.113.7   30m ', 'ok 203.0.113.7 1800'],
  ['203.0.113.7 90', 'ok 203.0.113.7 90'],
  ['203.0.113.7 2h', 'ok 203.0.113.7 7200'],
  ['203.0.113.7 7d', 'ok 203.0.113.7 604800'],
  ['203.0.113.7 forever', 'ok 203.0.113.7 null'],
  ['2001:db8::1 1h', 'ok 2001:db8::1 3600'],
  ['2001:db8:1:2::/64', 'ok 2001:db8:1:2::/64 3600'],
  ['', 'type an address, e.g. 203.0.113.7 1h'],
  ['203.0.113.300', '"203.0.113.300" is not an IP address (or an IPv6 /64)'],
  ['203.0.113.0/24', '"203.0.113.0/24" is not an IP address (or an IPv6 /64)'],
  ['example.com', '"example.com" is not an IP address (or an IPv6 /64)'],
  ['203.0.113.7 soon', '"soon" is not a duration: 90, 30m, 2h, 7d or forever'],
  ['203.0.113.7 0s', '"0s" is not a duration: 90, 30m, 2h, 7d or forever'],
  ['203.0.113.7 1h extra', 'type an address and at most one duration'],
];
for (const [input, expected] of bans) {
  test(`ban input ${JSON.stringify(input)} → ${expected}`, (t) => {
    const parsed = parseBanInput(input);
    t.is(parsed.ok ? `ok ${parsed.ip} ${parsed.seconds}` : parsed.error, expected);
  });
}

const lengths: readonly (readonly [number | null, string])[] = [
  [3600, 'for 1 hour'],
  [7200, 'for 2 hours'],
  [86400, 'for 1 day'],
  [1800, 'for 30 minutes'],
  [90, 'for 90 seconds'],
  [1, 'for 1 second'],
  [null, 'until the ban is lifted'],
];
for (const [seconds, words] of lengths) {
  test(`a ban of ${seconds} seconds is "${words}"`, (t) => t.is(banLengthWords(seconds), words));
}
