import test from 'ava';
import { parseBasic, safeEqual } from '../../stream/basic-auth.ts';

const b64 = (text: string, encoding: BufferEncoding = 'utf8') => Buffer.from(text, encoding).toString('base64');

const parses = test.macro({
  exec(t, header: string | undefined, expected: { user: string; password: string } | null) {
    t.deepEqual(parseBasic(header), expected);
  },
  title: (title, header: string | undefined) => title ?? `parseBasic(${JSON.stringify(header)})`,
});

test('source:hackme', parses, `Basic ${b64('source:hackme')}`, { user: 'source', password: 'hackme' });
test('scheme in lower case', parses, `basic ${b64('source:hackme')}`, { user: 'source', password: 'hackme' });
test('scheme in upper case', parses, `BASIC ${b64('source:hackme')}`, { user: 'source', password: 'hackme' });
test('split at the first colon', parses, `Basic ${b64('a:b:c')}`, { user: 'a', password: 'b:c' });
test('empty user and password', parses, `Basic ${b64(':')}`, { user: '', password: '' });
test('UTF-8 credentials', parses, `Basic ${b64('jürgen:pässwörd')}`, { user: 'jürgen', password: 'pässwörd' });
test('Latin-1 credentials', parses, `Basic ${b64('j\xfcrgen:x', 'latin1')}`, { user: 'jürgen', password: 'x' });
test('unpadded base64', parses, `Basic ${b64('source:hackme1').replace(/=+$/, '')}`, { user: 'source', password: 'hackme1' });
test('no header', parses, undefined, null);
test('empty header', parses, '', null);
test('other scheme', parses, `Bearer ${b64('a:b')}`, null);
test('scheme only', parses, 'Basic', null);
test('scheme and spaces', parses, 'Basic   ', null);
test('no colon', parses, `Basic ${b64('sourcehackme')}`, null);
test('not base64', parses, 'Basic !!!!', null);
test('padding in the middle', parses, 'Basic YQ==YQ==', null);
test('impossible base64 length', parses, 'Basic YWJjZ', null);
test('control character in the password', parses, `Basic ${b64('a:b\nc')}`, null);
test('NUL in the user', parses, `Basic ${b64('a\x00:b')}`, null);

test('safeEqual compares whole strings of any length', (t) => {
  t.true(safeEqual('hackme', 'hackme'));
  t.true(safeEqual('', ''));
  t.true(safeEqual('pässwörd', 'pässwörd'));
  t.false(safeEqual('hackme', 'hackmf'));
  t.false(safeEqual('hackme', 'hackme '));
  t.false(safeEqual('', 'x'));
  t.false(safeEqual('a'.repeat(10000), 'a'));
});
