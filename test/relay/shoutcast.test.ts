import test from 'ava';
import { OK2_REPLY, parseIcyHeaders, parsePasswordLine, type PasswordLine } from '../../relay/shoutcast.ts';
import { describeSource } from '../../stream/source-headers.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');

test('OK2 reply bytes', (t) => {
  t.is(OK2_REPLY, 'OK2\r\nicy-caps:11\r\n\r\n');
});

type Expected = { kind: 'ok'; line: string; password: string; mount?: string; rest: string } | Exclude<PasswordLine, { kind: 'ok' }>;

const password = test.macro({
  exec(t, input: string, expected: Expected) {
    const result = parsePasswordLine(bytes(input));
    t.deepEqual(result.kind === 'ok' ? { ...result, rest: result.rest.toString('latin1') } : result, expected);
  },
  title: (title, input: string) => title ?? JSON.stringify(input),
});

test(password, 'hackme\r\n', { kind: 'ok', line: 'hackme', password: 'hackme', rest: '' });
test(password, 'hackme\n', { kind: 'ok', line: 'hackme', password: 'hackme', rest: '' });
test(password, 'hackme\r\r\n', { kind: 'ok', line: 'hackme', password: 'hackme', rest: '' });
test(password, 'hackme\r\nicy-name:x\r\n', { kind: 'ok', line: 'hackme', password: 'hackme', rest: 'icy-name:x\r\n' });
test(password, 'pass:word\r\n', { kind: 'ok', line: 'pass:word', password: 'pass:word', rest: '' });
test('KH /mount:password form', password, '/live.mp3:hackme\r\n', { kind: 'ok', line: '/live.mp3:hackme', password: 'hackme', mount: '/live.mp3', rest: '' });
test('KH form splits at the first colon', password, '/a:b:c\n', { kind: 'ok', line: '/a:b:c', password: 'b:c', mount: '/a', rest: '' });
test('a leading slash without colon is a password', password, '/live.mp3\r\n', { kind: 'ok', line: '/live.mp3', password: '/live.mp3', rest: '' });
test('KH form with a bad mount', password, '//admin:pw\r\n', { kind: 'error', message: 'the mount before the password is invalid: the path contains an empty segment ("//")' });
test('KH form with a dot segment', password, '/a/../b:pw\r\n', { kind: 'error', message: 'the mount before the password is invalid: the path contains a "." or ".." segment' });
test('incomplete', password, 'hack', { kind: 'incomplete' });
test('nothing yet', password, '', { kind: 'incomplete' });
test('NUL in the password', password, 'hack\x00me\r\n', { kind: 'error', message: 'the password line contains a control character' });
test('lone CR in the password', password, 'hack\rme\r\n', { kind: 'error', message: 'the password line contains a control character' });
test('tab in the password', password, 'hack\tme\r\n', { kind: 'error', message: 'the password line contains a control character' });

test('the password line is bounded to 256 bytes', (t) => {
  t.is(parsePasswordLine(bytes('a'.repeat(255) + '\n')).kind, 'ok');
  t.deepEqual(parsePasswordLine(bytes('a'.repeat(256) + '\n')), { kind: 'error', message: 'the password line is too long' });
  t.deepEqual(parsePasswordLine(bytes('a'.repeat(255))), { kind: 'incomplete' });
  t.deepEqual(parsePasswordLine(bytes('a'.repeat(10000))), { kind: 'error', message: 'the password line is too long' });
});

test('UTF-8 passwords are decoded', (t) => {
  t.like(parsePasswordLine(Buffer.from('pässwörd\r\n', 'utf8')), { kind: 'ok', password: 'pässwörd' });
});

test('the icy header block and the first audio bytes', (t) => {
  const result = parseIcyHeaders(bytes('icy-name:Test\r\nicy-genre:Rock\r\nicy-pub:1\r\nicy-br:128\r\ncontent-type:audio/mpeg\r\n\r\n\xff\xfb'));
  if (result.kind !== 'ok') return t.fail(JSON.stringify(result));
  t.is(result.headers.get('content-type'), 'audio/mpeg');
  t.is(result.rest.toString('latin1'), '\xff\xfb');
  t.like(describeSource(result.headers), { name: 'Test', genre: 'Rock', public: true, bitrate: 128 });
});

test('an empty header block', (t) => {
  t.like(parseIcyHeaders(bytes('\r\nAUDIO')), { kind: 'ok' });
});

test('the header block split at every byte position', (t) => {
  const input = bytes('icy-name:Test\r\ncontent-type:audio/mpeg\n\n');
  for (let i = 0; i < input.length; i++) t.deepEqual(parseIcyHeaders(input.subarray(0, i)), { kind: 'incomplete' }, `prefix ${i}`);
  t.is(parseIcyHeaders(input).kind, 'ok');
});

test('a malformed header line is refused at once', (t) => {
  t.deepEqual(parseIcyHeaders(bytes('icy-name:Test\r\nnot a header\r\n')), { kind: 'error', message: 'header line 2 is not "name: value"' });
  t.deepEqual(parseIcyHeaders(bytes('icy-name:a\r\n b\r\n\r\n')), { kind: 'error', message: 'header line 2 starts with whitespace (obsolete line folding)' });
});

test('the header block is bounded', (t) => {
  const many = Array.from({ length: 33 }, (_, i) => `icy-x${i}:v\r\n`).join('') + '\r\n';
  t.deepEqual(parseIcyHeaders(bytes(many)), { kind: 'error', message: 'the header block has more than 32 lines' });
  t.deepEqual(parseIcyHeaders(bytes('icy-name:' + 'a'.repeat(5000))), { kind: 'error', message: 'the header block does not fit in 4095 bytes' });
});
