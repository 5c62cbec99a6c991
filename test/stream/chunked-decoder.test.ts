import test from 'ava';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChunkedBodyStream, ChunkedDecoder, ChunkedEncodingError, type ChunkedResult } from '../../stream/chunked-decoder.ts';

interface Outcome {
  body: string;
  kind: ChunkedResult['kind'];
  rest?: string;
  message?: string;
}

/** Feeds every piece in order (stopping at an error) and sums up what came out. */
function decode(pieces: Buffer[]): Outcome {
  const decoder = new ChunkedDecoder();
  let body = '';
  let rest = '';
  let last: ChunkedResult = { kind: 'data', data: [] };
  for (const piece of pieces) {
    last = decoder.push(piece);
    body += Buffer.concat(last.data).toString('latin1');
    if (last.kind === 'end') rest += last.rest.toString('latin1');
    if (last.kind === 'error') return { body, kind: 'error', message: last.message };
  }
  return last.kind === 'end' ? { body, kind: 'end', rest } : { body, kind: 'data' };
}

const bytes = (s: string) => Buffer.from(s, 'latin1');

const decodes = test.macro({
  exec(t, input: string, expected: Outcome) {
    const buf = bytes(input);
    t.deepEqual(decode([buf]), expected, 'in one piece');
    for (let i = 1; i < buf.length; i++) {
      t.deepEqual(decode([buf.subarray(0, i), buf.subarray(i)]), expected, `split at ${i}`);
    }
    t.deepEqual(decode([...buf].map((b) => Buffer.of(b))), expected, 'byte by byte');
  },
  title: (title) => `${title} (split at every byte position)`,
});

test('two chunks and the last chunk', decodes, '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n', { body: 'hello world', kind: 'end', rest: '' });
test('upper-case hex and leading zeros', decodes, 'A\r\n0123456789\r\n0005\r\nabcde\r\n000\r\n\r\n', { body: '0123456789abcde', kind: 'end', rest: '' });
test('chunk extensions', decodes, '5;name=value\r\nhello\r\n3 ;x\r\nabc\r\n0;last\r\n\r\n', { body: 'helloabc', kind: 'end', rest: '' });
test('trailers are ignored', decodes, '3\r\nabc\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n', { body: 'abc', kind: 'end', rest: '' });
test('bytes after the body are returned', decodes, '1\r\n\xff\r\n0\r\n\r\nNEXT', { body: '\xff', kind: 'end', rest: 'NEXT' });
test('an unfinished body wants more', decodes, '5\r\nhel', { body: 'hel', kind: 'data' });
test('bad hex', decodes, '5\r\nhello\r\nzz\r\n', { body: 'hello', kind: 'error', message: 'chunk size is not a hexadecimal number' });
test('empty size line', decodes, '\r\n', { body: '', kind: 'error', message: 'chunk size is not a hexadecimal number' });
test('negative size', decodes, '-5\r\n', { body: '', kind: 'error', message: 'chunk size is not a hexadecimal number' });
test('0x prefix', decodes, '0x5\r\n', { body: '', kind: 'error', message: 'chunk size is not a hexadecimal number' });
test('whitespace after the size', decodes, '5 \r\nhello\r\n', { body: '', kind: 'error', message: 'chunk size is not a hexadecimal number' });
test('whitespace before the size', decodes, ' 5\r\nhello\r\n', { body: '', kind: 'error', message: 'chunk size is not a hexadecimal number' });
test('control character in an extension', decodes, '5;a\x00b\r\nhello\r\n', { body: '', kind: 'error', message: 'chunk size is not a hexadecimal number' });
test('bare LF after the size', decodes, '5\nhello\r\n', { body: '', kind: 'error', message: 'a chunked-body line does not end with CRLF' });
test('data not followed by CRLF', decodes, '5\r\nhelloX\r\n', { body: 'hello', kind: 'error', message: 'chunk data is not followed by CRLF' });
test('data followed by LF only', decodes, '5\r\nhello\n0\r\n\r\n', { body: 'hello', kind: 'error', message: 'chunk data is not followed by CRLF' });
test('size beyond 2^52', decodes, '10000000000000\r\n', { body: '', kind: 'error', message: 'chunk size is too large' });

test('a size line longer than 1 KiB is refused without waiting for its end', (t) => {
  t.deepEqual(decode([bytes('5;' + 'x'.repeat(1100))]), { body: '', kind: 'error', message: 'chunk-size line is too long' });
});

test('a line of exactly 1 KiB is accepted', (t) => {
  t.deepEqual(decode([bytes('5;' + 'x'.repeat(1022) + '\r\nhello\r\n0\r\n\r\n')]), { body: 'hello', kind: 'end', rest: '' });
});

test('trailers are bounded', (t) => {
  const trailers = Array.from({ length: 100 }, (_, i) => `X-${i}: ${'v'.repeat(60)}\r\n`).join('');
  t.deepEqual(decode([bytes(`0\r\n${trailers}\r\n`)]), { body: '', kind: 'error', message: 'trailer section is too large' });
});

test('a huge chunk is passed on as it arrives, never buffered', (t) => {
  const decoder = new ChunkedDecoder();
  t.deepEqual(decoder.push(bytes('FFFFFFFF\r\n')), { kind: 'data', data: [] });
  const piece = Buffer.alloc(65536, 1);
  for (let i = 0; i < 100; i++) {
    const result = decoder.push(piece);
    t.is(result.kind, 'data');
    t.is(result.data.length, 1);
    t.is(result.data[0]!.buffer, piece.buffer, 'a view, not a copy');
  }
});

test('after an error every push is an error', (t) => {
  const decoder = new ChunkedDecoder();
  t.is(decoder.push(bytes('zz\r\n')).kind, 'error');
  t.deepEqual(decoder.push(bytes('5\r\nhello\r\n')), { kind: 'error', data: [], message: 'chunk size is not a hexadecimal number' });
});

test('after the end everything is rest', (t) => {
  const decoder = new ChunkedDecoder();
  t.is(decoder.push(bytes('0\r\n\r\n')).kind, 'end');
  t.deepEqual(decoder.push(bytes('more')), { kind: 'end', data: [], rest: bytes('more') });
});

async function streamBody(pieces: string[]): Promise<string> {
  let body = '';
  await pipeline(Readable.from(pieces.map(bytes)), new ChunkedBodyStream(), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) body += chunk.toString('latin1');
  });
  return body;
}

test('ChunkedBodyStream decodes and ends after the last chunk', async (t) => {
  t.is(await streamBody(['5\r\nhel', 'lo\r\n6\r\n world\r\n0', '\r\n\r\nignored']), 'hello world');
});

test('ChunkedBodyStream fails on malformed input', async (t) => {
  const error = await t.throwsAsync(streamBody(['5\r\nhelloX']), { instanceOf: ChunkedEncodingError });
  t.is(error?.message, 'chunk data is not followed by CRLF');
});

test('ChunkedBodyStream fails when the input ends before the last chunk', async (t) => {
  await t.throwsAsync(streamBody(['5\r\nhello\r\n']), { instanceOf: ChunkedEncodingError, message: 'the body ended before the last chunk' });
});
