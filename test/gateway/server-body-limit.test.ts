// The source port forwards a request's body and nothing after it: bytes behind a framed body
// would reach the upstream as a request the gateway never checked.
import test from 'ava';
import { BodyLimit, type Framing } from '../../gateway/ports/body-limit.ts';

async function through(framing: Framing, chunks: string[]): Promise<string> {
  const limit = new BodyLimit(framing);
  const out: Buffer[] = [];
  limit.on('data', (d: Buffer) => out.push(d));
  const ended = new Promise((resolve, reject) => {
    limit.once('end', resolve);
    limit.once('error', reject);
  });
  for (const c of chunks) limit.write(Buffer.from(c, 'latin1'));
  limit.end();
  await ended;
  return Buffer.concat(out).toString('latin1');
}

const SMUGGLED = 'GET /admin/killsource?mount=/live.mp3 HTTP/1.1\r\n\r\n';

const passes = test.macro({
  async exec(t, framing: Framing, chunks: string[], expected: string) {
    t.is(await through(framing, chunks), expected);
  },
  title: (title = '') => `body limit: ${title}`,
});

test('a metadata GET has no body: a pipelined request is dropped', passes, { kind: 'none' }, [SMUGGLED], '');
test('Content-Length: exactly that many bytes', passes, { kind: 'length', length: 5 }, ['abc', `de${SMUGGLED}`], 'abcde');
test('Content-Length: 0 (libshout probe)', passes, { kind: 'length', length: 0 }, [SMUGGLED], '');
test('chunked: up to the last chunk, split anywhere', passes, { kind: 'chunked' }, ['3\r\nab', 'c\r\n0\r', `\n\r\n${SMUGGLED}`], '3\r\nabc\r\n0\r\n\r\n');
test('chunked with a trailer', passes, { kind: 'chunked' }, [`1\r\nx\r\n0\r\nT: v\r\n\r\n${SMUGGLED}`], '1\r\nx\r\n0\r\nT: v\r\n\r\n');
test('Icecast\'s un-framed source body passes whole', passes, { kind: 'stream' }, ['audio', SMUGGLED, 'more'], `audio${SMUGGLED}more`);

test('body limit: a malformed chunked body is an error', async (t) => {
  await t.throwsAsync(through({ kind: 'chunked' }, ['zz\r\n']), { message: /bad chunked body/ });
});
