// The event-stream parser against the framing rules of WHATWG HTML §9.2.6, chunked every way.
import test from 'ava';
import { SseParser, type SseEvent } from '../../stream/sse.ts';

const streams: readonly (readonly [string, string, SseEvent[]])[] = [
  ['one snapshot', 'event: snapshot\nid: 7\ndata: {"seq":7}\n\n', [{ event: 'snapshot', data: '{"seq":7}', id: '7' }]],
  ['CRLF line ends', 'event: snapshot\r\ndata: a\r\n\r\n', [{ event: 'snapshot', data: 'a', id: null }]],
  ['CR line ends (a final CR waits: it may start a CRLF)', 'data: a\r\rdata: b\r\rdata: c\r', [{ event: 'message', data: 'a', id: null }, { event: 'message', data: 'b', id: null }]],
  ['multi-line data joins with LF', 'data: a\ndata: b\n\n', [{ event: 'message', data: 'a\nb', id: null }]],
  ['comments (pings) are ignored', ': ping\n\n: ping\ndata: x\n\n', [{ event: 'message', data: 'x', id: null }]],
  ['no space after the colon', 'data:x\n\n', [{ event: 'message', data: 'x', id: null }]],
  ['only one leading space is removed', 'data:  x\n\n', [{ event: 'message', data: ' x', id: null }]],
  ['an event without data is not dispatched', 'event: snapshot\n\n', []],
  ['an unfinished event waits', 'data: x\n', []],
  ['the id persists to later events', 'id: 1\ndata: a\n\ndata: b\n\n', [{ event: 'message', data: 'a', id: '1' }, { event: 'message', data: 'b', id: '1' }]],
  ['unknown fields are ignored', 'foo: bar\ndata: a\n\n', [{ event: 'message', data: 'a', id: null }]],
];

for (const [title, stream, expected] of streams) {
  test(`${title}, in one chunk and byte by byte`, (t) => {
    t.deepEqual(new SseParser().feed(stream), expected);
    const parser = new SseParser();
    t.deepEqual([...stream].flatMap((ch) => parser.feed(ch)), expected);
  });
}

test('retry advice is read', (t) => {
  const parser = new SseParser();
  parser.feed('retry: 2500\n\n');
  t.is(parser.retry, 2500);
});

test('an event larger than the limit is an error, not unbounded memory', (t) => {
  const parser = new SseParser(1000);
  parser.feed(`data: ${'x'.repeat(500)}\n`);
  t.throws(() => parser.feed(`data: ${'x'.repeat(600)}\n`), { message: /larger than 1000/ });
  const endless = new SseParser(1000);
  t.throws(() => endless.feed('x'.repeat(1001)), { message: /larger than 1000/ });
});
