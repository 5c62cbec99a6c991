import test from 'ava';
import type { StreamDescription } from '../../stream/types.ts';
import { headerFields } from '../../stream/header-lines.ts';
import { parseRequestHead } from '../../stream/request-head.ts';
import { applyMountOverrides, describeSource, listenerHeaders, parseAudioInfo, sourceMetaint } from '../../stream/source-headers.ts';

/** A SOURCE head with the given header lines, through the real parser. */
const head = (...lines: string[]) => {
  const result = parseRequestHead(Buffer.from(`SOURCE /live.mp3 HTTP/1.0\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`, 'utf8'));
  if (result.kind !== 'ok') throw new Error(JSON.stringify(result));
  return result.head;
};

/** What the observed Icecast 2.4.4 run sent (docs/icecast-compatibility.md#listener-response-head). */
const OBSERVED = head(
  'ice-audio-info: ice-samplerate=44100;ice-bitrate=128;ice-channels=2',
  'ice-bitrate: 128',
  'ice-description: A test',
  'ice-genre: Rock',
  'ice-name: Test Radio',
  'ice-public: 1',
  'ice-url: http://example.org',
  'Authorization: Basic c291cmNlOmhhY2ttZQ==',
  'Content-Type: audio/mpeg',
  'User-Agent: libshout/2.4.6',
);

test('describes the observed source', (t) => {
  t.deepEqual(describeSource(OBSERVED), {
    name: 'Test Radio',
    description: 'A test',
    genre: 'Rock',
    url: 'http://example.org',
    public: true,
    bitrate: 128,
    audioInfo: 'ice-samplerate=44100;ice-bitrate=128;ice-channels=2',
    extra: {},
  });
});

test('listener lines for the observed source: Icecast spelling and order, one icy-br', (t) => {
  t.deepEqual(listenerHeaders(describeSource(OBSERVED)), [
    'ice-audio-info: ice-samplerate=44100;ice-bitrate=128;ice-channels=2',
    'icy-br:128',
    'icy-description:A test',
    'icy-genre:Rock',
    'icy-name:Test Radio',
    'icy-pub:1',
    'icy-url:http://example.org',
  ]);
});

const picks = test.macro({
  exec(t, lines: string[], expected: Partial<StreamDescription>) {
    t.like(describeSource(head(...lines)), expected);
  },
  title: (title) => `precedence: ${title}`,
});

test('ice-name over icy-name over x-audiocast-name', picks, ['x-audiocast-name: c', 'icy-name: b', 'ice-name: a'], { name: 'a' });
test('icy-name over x-audiocast-name', picks, ['x-audiocast-name: c', 'icy-name: b'], { name: 'b' });
test('x-audiocast-name alone', picks, ['x-audiocast-name: c'], { name: 'c' });
test('an empty ice-name falls back', picks, ['ice-name:', 'icy-name: b'], { name: 'b' });
test('icy-description', picks, ['icy-description: d'], { description: 'd' });
test('x-audiocast-genre', picks, ['x-audiocast-genre: g'], { genre: 'g' });
test('icy-url', picks, ['icy-url: http://u'], { url: 'http://u' });
test('icy-pub', picks, ['icy-pub: 0'], { public: false });
test('ice-public over icy-pub', picks, ['icy-pub: 0', 'ice-public: 1'], { public: true });
test('x-audiocast-public', picks, ['x-audiocast-public: 1'], { public: true });
test('icy-public', picks, ['icy-public: 1'], { public: true });
test('icy-br', picks, ['icy-br: 64'], { bitrate: 64 });
test('ice-bitrate over icy-br', picks, ['icy-br: 64', 'ice-bitrate: 128'], { bitrate: 128 });
test('x-audiocast-bitrate', picks, ['x-audiocast-bitrate: 96'], { bitrate: 96 });
test('bitrate from libshout audio-info', picks, ['ice-audio-info: bitrate=192;samplerate=44100'], { bitrate: 192 });
test('bitrate from BUTT audio-info', picks, ['ice-audio-info: ice-bitrate=128;ice-channels=2'], { bitrate: 128 });
test('ice-bitrate over audio-info', picks, ['ice-audio-info: bitrate=192', 'ice-bitrate: 128'], { bitrate: 128 });

const publicValue = test.macro((t, value: string, expected: boolean | undefined) => {
  t.is(describeSource(head(`ice-public: ${value}`)).public, expected);
});
for (const [value, expected] of [['1', true], ['0', false], ['2', true], ['-1', true], ['true', true], ['YES', true], ['false', false], ['no', false], ['maybe', undefined]] as const) {
  test(`ice-public: ${value}`, publicValue, value, expected);
}

test('a non-numeric bitrate is ignored', (t) => {
  t.is(describeSource(head('ice-bitrate: fast')).bitrate, undefined);
});

test('other ice-X become icy-X, icy-X pass through, ice-X wins', (t) => {
  const desc = describeSource(head('icy-irc: #icy', 'ice-irc: #ice', 'ice-aim: a', 'icy-notice1: hello', 'ice-samplerate: 44100'));
  t.deepEqual(desc.extra, { 'icy-irc': '#ice', 'icy-aim': 'a', 'icy-notice1': 'hello', 'icy-samplerate': '44100' });
  t.deepEqual(listenerHeaders(desc), ['icy-aim:a', 'icy-irc:#ice', 'icy-notice1:hello', 'icy-samplerate:44100']);
});

test('never forwarded: passwords, metaint, metadata requests, other headers', (t) => {
  const desc = describeSource(
    head('ice-password: secret', 'icy-metaint: 8192', 'Icy-MetaData: 1', 'x-audiocast-mount: /x', 'User-Agent: ffmpeg', 'ice-pub: 1'),
  );
  t.deepEqual(desc, { extra: {} });
  t.deepEqual(listenerHeaders(desc), []);
});

test('values with control characters are dropped, falling back to the next source', (t) => {
  const desc = describeSource(headerFields(new Map([
    ['ice-name', ['Evil\r\nSet-Cookie: x']],
    ['icy-name', ['Good']],
    ['ice-genre', ['a\x00b']],
    ['ice-irc', ['x\ny']],
  ])));
  t.deepEqual(desc, { name: 'Good', extra: {} });
});

const metaint = test.macro((t, value: string | null, expected: number | null) => {
  t.is(sourceMetaint(value === null ? head() : head(`icy-metaint: ${value}`)), expected);
});
test('icy-metaint 16000', metaint, '16000', 16000);
test('icy-metaint 8192', metaint, '8192', 8192);
test('icy-metaint 0', metaint, '0', null);
test('icy-metaint -5', metaint, '-5', null);
test('icy-metaint abc', metaint, 'abc', null);
test('icy-metaint too large', metaint, '1234567890', null);
test('no icy-metaint', metaint, null, null);

test('parseAudioInfo splits, trims and percent-decodes', (t) => {
  t.deepEqual([...parseAudioInfo('bitrate=128;samplerate=44100;channels=2;quality=0%2e5')], [
    ['bitrate', '128'], ['samplerate', '44100'], ['channels', '2'], ['quality', '0.5'],
  ]);
  t.deepEqual([...parseAudioInfo('ice-samplerate=44100; ice-bitrate=128 ;ice-channels=2')], [
    ['ice-samplerate', '44100'], ['ice-bitrate', '128'], ['ice-channels', '2'],
  ]);
  t.deepEqual([...parseAudioInfo('a;=b;c=%zz;d=%C3%A9;c=again;')], [['c', '%zz'], ['d', 'é']]);
  t.is(parseAudioInfo(Array.from({ length: 100 }, (_, i) => `k${i}=v`).join(';')).size, 32);
});

test('mount overrides win in listener lines', (t) => {
  const lines = listenerHeaders(describeSource(OBSERVED), {
    streamName: 'Override',
    streamDescription: null,
    streamUrl: 'https://radio.example',
    genre: 'Jazz',
    public: false,
    bitrate: 64,
  });
  t.deepEqual(lines, [
    'ice-audio-info: ice-samplerate=44100;ice-bitrate=128;ice-channels=2',
    'icy-br:64',
    'icy-description:A test',
    'icy-genre:Jazz',
    'icy-name:Override',
    'icy-pub:0',
    'icy-url:https://radio.example',
  ]);
});

test('an override with a line break is left out, not rendered', (t) => {
  t.deepEqual(listenerHeaders({ extra: {} }, { streamName: 'a\nb', genre: 'ok' }), ['icy-genre:ok']);
});

test('applyMountOverrides ignores nulls and copies', (t) => {
  const desc = describeSource(OBSERVED);
  const same = applyMountOverrides(desc, { streamName: null, public: null, bitrate: null });
  t.deepEqual(same, desc);
  t.not(same.extra, desc.extra);
  t.is(applyMountOverrides(desc, { public: false }).public, false);
});
