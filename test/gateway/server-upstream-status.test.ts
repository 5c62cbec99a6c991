// Reading the upstream's final status from the bytes coming back, for the credential limiter.
import test from 'ava';
import { finalStatus, StatusPeeker, type StatusPeek } from '../../gateway/ports/upstream-status.ts';

const reads = test.macro({
  exec(t, input: string, expected: StatusPeek) {
    t.deepEqual(finalStatus(Buffer.from(input, 'latin1')), expected);
  },
  title: (title = '', input: string) => `${title}: ${JSON.stringify(input.slice(0, 40))}`,
});

test('Icecast 2.4.4 accepts a source', reads, 'HTTP/1.0 200 OK\r\nServer: Icecast 2.4.4\r\n\r\n', { kind: 'final', status: 200 });
test('wrong password', reads, 'HTTP/1.0 401 Authentication Required\r\n', { kind: 'final', status: 401 });
test('100 Continue first (ffmpeg Expect), then the answer', reads, 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\n', { kind: 'final', status: 200 });
test('interim response whose head is not complete yet', reads, 'HTTP/1.1 100 Continue\r\n', { kind: 'incomplete' });
test('status line not complete yet', reads, 'HTTP/1.0 20', { kind: 'incomplete' });
test('Icecast-KH ICY status line', reads, 'ICY 200 OK\r\n', { kind: 'final', status: 200 });
test('not HTTP at all', reads, 'OK2\r\nicy-caps:11\r\n\r\n', { kind: 'unknown' });
test('status without reason phrase', reads, 'HTTP/1.1 401\r\n', { kind: 'final', status: 401 });

test('an endless line is given up on, not buffered', (t) => {
  t.deepEqual(finalStatus(Buffer.alloc(10_000, 0x41)), { kind: 'unknown' });
});

test('the peeker passes every byte through unchanged and reports the status once', async (t) => {
  const seen: number[] = [];
  const peeker = new StatusPeeker((s) => seen.push(s));
  const out: Buffer[] = [];
  peeker.on('data', (d: Buffer) => out.push(d));
  const parts = ['HTTP/1.1 100 Cont', 'inue\r\n\r\nHTTP/1.0 4', '01 Authentication Required\r\n\r\n', 'HTTP/1.0 200 OK\r\n\r\n'];
  for (const p of parts) peeker.write(Buffer.from(p));
  peeker.end();
  await new Promise((resolve) => peeker.once('end', resolve));
  t.is(Buffer.concat(out).toString(), parts.join(''));
  t.deepEqual(seen, [401]);
});
