// Attacker-chosen text (user agents, titles, mount names, log lines) cannot reach the terminal
// as anything but one-cell printable characters.
import test from 'ava';
import { fit, MAX_FIELD, sanitise, truncate } from '../../tui/sanitise.ts';

const rows: readonly (readonly [string, string, string])[] = [
  ['plain ASCII stays', 'VLC/3.0.18 LibVLC/3.0.18', 'VLC/3.0.18 LibVLC/3.0.18'],
  ['Latin-1 and accents stay', 'Café Müller – Señor', 'Café Müller – Señor'],
  ['Cyrillic and Greek stay', 'Кино Ωμέγα', 'Кино Ωμέγα'],
  ['CSI colour sequences go whole', 'a\x1b[31mred\x1b[0m b', 'ared b'],
  ['CSI cursor movement goes whole', 'x\x1b[2J\x1b[H\x1b[10;20Hy', 'xy'],
  ['a private-mode CSI goes whole', 'a\x1b[?1049hb', 'ab'],
  ['OSC window title (BEL) goes whole', 'a\x1b]0;pwned\x07b', 'ab'],
  ['OSC 52 clipboard write (ST) goes whole', 'a\x1b]52;c;ZWNobyBwd25lZA==\x1b\\b', 'ab'],
  ['OSC 8 hyperlink goes whole', '\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\', 'click'],
  ['DCS goes whole', 'a\x1bPq#0;2;0;0;0\x1b\\b', 'ab'],
  ['C1 CSI (0x9b) goes whole', 'a\x9b31mb', 'ab'],
  ['C1 OSC (0x9d) goes whole', 'a\x9d0;title\x9cb', 'ab'],
  ['a lone ESC goes', 'a\x1bb', 'a'],
  ['an unterminated CSI at the end goes', 'abc\x1b[12', 'abc'],
  ['C0 controls become ?', 'a\x00b\x07c\x08d\re\nf', 'a?b?c?d?e?f'],
  ['DEL becomes ?', 'a\x7fb', 'a?b'],
  ['other C1 controls become ?', 'a\x85b\x8dc', 'a?b?c'],
  ['TAB becomes a space', 'a\tb', 'a b'],
  ['emoji become ? (one cell, not two)', 'on air 🎙️ now', 'on air ?? now'],
  ['CJK become ? (wide in a terminal)', '東京 FM', '?? FM'],
  ['bidi overrides become ?', 'a\u202ecba\u202c', 'a?cba?'],
  ['zero-width characters become ?', 'a\u200bb\u200dc\ufeffd', 'a?b?c?d'],
  ['combining marks become ?', 'e\u0301', 'e?'],
  ['line separators become ?', 'a\u2028b', 'a?b'],
];

for (const [title, input, expected] of rows) {
  test(`sanitise: ${title}`, (t) => {
    t.is(sanitise(input), expected);
  });
}

test('sanitise: over-long text is capped, and a huge input costs no more than the cap', (t) => {
  t.is(sanitise('x'.repeat(10_000)).length, MAX_FIELD);
  t.is(sanitise('y'.repeat(50), 10), 'yyyyyyyyyy');
  const hostile = '\x1b[31m'.repeat(200_000);
  const started = process.hrtime.bigint();
  t.is(sanitise(hostile), '');
  t.true(process.hrtime.bigint() - started < 500_000_000n);
});

test('sanitise: null and undefined are empty', (t) => {
  t.is(sanitise(null), '');
  t.is(sanitise(undefined), '');
});

test('sanitise: nothing but one-cell printable characters ever comes out', (t) => {
  let all = '';
  for (let code = 0; code < 0x3000; code += 1) all += String.fromCodePoint(code);
  for (const ch of sanitise(all, 100_000)) t.true(ch === '?' || /[\x20-\x7e\u00a0-\u2027\u20a0-\u20bf]/.test(ch) || ch.codePointAt(0)! >= 0x1e00, `U+${ch.codePointAt(0)!.toString(16)}`);
  t.notRegex(sanitise(all, 100_000), /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
});

const cuts: readonly (readonly [string, number, string])[] = [
  ['hello', 10, 'hello'],
  ['hello', 5, 'hello'],
  ['hello world', 5, 'hell~'],
  ['hello', 1, '~'],
  ['hello', 0, ''],
];
for (const [text, width, expected] of cuts) {
  test(`truncate(${JSON.stringify(text)}, ${width}) is ${JSON.stringify(expected)}`, (t) => t.is(truncate(text, width), expected));
}

test('fit pads to the exact width, numbers to the right', (t) => {
  t.is(fit('ab', 5), 'ab   ');
  t.is(fit('12', 5, 'right'), '   12');
  t.is(fit('abcdefg', 4), 'abc~');
});
