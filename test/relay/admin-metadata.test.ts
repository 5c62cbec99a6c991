// Title updates, the pure parts: raw query bytes, charsets, control characters, the ICY cap.
import test from 'ava';
import { MAX_TITLE_BYTES, acceptsUrlUpdates, cleanTitle, decodeTitle, rawQueryParam, titleUpdate } from '../../relay/admin/metadata.ts';
import { icyBlock } from '../../stream/icy.ts';
import type { Codec } from '../../stream/types.ts';

const param = test.macro({
  exec(t, query: string, name: string, expected: number[] | null) {
    const got = rawQueryParam(query, name);
    t.deepEqual(got === null ? null : [...got], expected);
  },
  title: (_, query: string, name: string) => `rawQueryParam(${JSON.stringify(query)}, ${name})`,
});

test(param, 'song=abc', 'song', [0x61, 0x62, 0x63]);
test(param, 'mode=updinfo&song=a+b%2Bc', 'song', [0x61, 0x20, 0x62, 0x2b, 0x63]);
test(param, 'song=%E9t%C3%A9', 'song', [0xe9, 0x74, 0xc3, 0xa9]);
test(param, 'song=100%', 'song', [0x31, 0x30, 0x30, 0x25]);
test(param, 'song=%zz%4', 'song', [0x25, 0x7a, 0x7a, 0x25, 0x34]);
test(param, 'song=first&song=second', 'song', [...Buffer.from('first')]);
test(param, 'song', 'song', []);
test(param, 'song=', 'song', []);
test(param, 's%6Fng=x', 'song', [0x78]);
test(param, 'songs=x', 'song', null);
test(param, '', 'song', null);

test('decodeTitle: UTF-8 by default, the named charset when given', (t) => {
  t.is(decodeTitle(Buffer.from('Été ♫', 'utf8'), null), 'Été ♫');
  t.is(decodeTitle(Buffer.from([0xc9, 0x74, 0xe9]), 'ISO-8859-1'), 'Été');
  t.is(decodeTitle(Buffer.from([0xc9, 0x74, 0xe9]), 'latin1'), 'Été');
  t.is(decodeTitle(Buffer.from([0xc9, 0x74, 0xe9]), ' iso8859-1 '), 'Été');
  // Byte for byte: 0x80–0x9F are the C1 controls, which cleanTitle turns into spaces.
  t.is(decodeTitle(Buffer.from([0x93, 0x61, 0x94]), 'iso-8859-1'), '\x93a\x94');
  t.is(decodeTitle(Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]), 'koi8-r'), 'Привет');
  t.is(decodeTitle(Buffer.from('Été', 'utf8'), 'UTF-8'), 'Été');
  t.is(decodeTitle(Buffer.from('Été', 'utf8'), 'no-such-charset'), 'Été');
  t.is(decodeTitle(Buffer.from([0xc9, 0x74, 0xe9]), null), '\ufffdt\ufffd');
});

test('cleanTitle: control characters become spaces', (t) => {
  t.is(cleanTitle('a\r\nb\x00c\td\x7fe\x9bf'), 'a  b c d e f');
});

test('cleanTitle: cut to the byte limit on a character boundary', (t) => {
  t.is(cleanTitle('abcdef', 4), 'abcd');
  t.is(cleanTitle('ééé', 5), 'éé');
  t.is(cleanTitle('ééé', 6), 'ééé');
  t.is(cleanTitle('a♫', 3), 'a');
  t.is(cleanTitle('x', 0), '');
  t.is(cleanTitle('x', -3), '');
});

test('the longest title still fits one ICY block whole', (t) => {
  const title = cleanTitle('é'.repeat(5000));
  t.true(Buffer.byteLength(title) <= MAX_TITLE_BYTES);
  t.true(Buffer.byteLength(title) >= MAX_TITLE_BYTES - 1);
  const block = icyBlock(title);
  t.true(block.subarray(1).toString('utf8').startsWith(`StreamTitle='${title}';`));
});

const updates = test.macro({
  exec(t, query: string, expected: ReturnType<typeof titleUpdate>) {
    t.deepEqual(titleUpdate(query), expected);
  },
  title: (title, query: string) => title ?? `titleUpdate(${JSON.stringify(query)})`,
});

test(updates, 'mode=updinfo&song=Artist%20-%20Title', { kind: 'ok', title: 'Artist - Title', artist: '' });
test(updates, 'mode=updinfo&artist=A&title=T', { kind: 'ok', title: 'T', artist: 'A' });
test(updates, 'mode=updinfo&song=S&artist=A&title=T', { kind: 'ok', title: 'S', artist: '' });
test(updates, 'mode=updinfo&song=', { kind: 'ok', title: '', artist: '' });
test(updates, 'mode=updinfo&song=%C9t%E9&charset=ISO-8859-1', { kind: 'ok', title: 'Été', artist: '' });
test(updates, 'mode=updinfo&artist=%C4&title=%D6&charset=latin1', { kind: 'ok', title: 'Ö', artist: 'Ä' });
test(updates, 'mode=updinfo&song=Evil%0D%0AX-Injected:%201', { kind: 'ok', title: 'Evil  X-Injected: 1', artist: '' });
test('artist without title', updates, 'mode=updinfo&artist=A', { kind: 'missing' });
test('title without artist', updates, 'mode=updinfo&title=T', { kind: 'missing' });
test('nothing to set', updates, 'mode=updinfo', { kind: 'missing' });

test('artist and title together stay within one ICY block', (t) => {
  const u = titleUpdate(`mode=updinfo&artist=${'a'.repeat(3000)}&title=${'t'.repeat(3000)}`);
  if (u.kind !== 'ok') return t.fail();
  t.is(u.artist.length, 3000);
  t.is(Buffer.byteLength(`${u.artist} - ${u.title}`), MAX_TITLE_BYTES);
});

const accepts = test.macro({
  exec(t, codec: Codec | null, contentType: string | null, expected: boolean) {
    t.is(acceptsUrlUpdates(codec, contentType), expected);
  },
  title: (_, codec: Codec | null, contentType: string | null, expected: boolean) =>
    `${codec ?? 'unknown'} ${contentType ?? ''} ${expected ? 'takes' : 'refuses'} URL title updates`,
});

test(accepts, 'mp3', 'audio/mpeg', true);
test(accepts, 'aac', 'audio/aac', true);
test(accepts, 'opus', 'audio/ogg', false);
test(accepts, 'vorbis', 'audio/ogg', false);
test(accepts, 'ogg', 'application/ogg', false);
test(accepts, 'other', 'video/webm', false);
test(accepts, 'other', 'audio/webm; codecs=opus', false);
test(accepts, 'other', 'audio/flac', true);
