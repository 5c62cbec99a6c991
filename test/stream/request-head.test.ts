import test from 'ava';
import { bodyFraming, parseRequestHead, type FramingError, type HeadError, type Protocol, type RequestHead } from '../../stream/request-head.ts';

const head = (text: string | Buffer): RequestHead => {
  const result = parseRequestHead(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  if (result.kind !== 'ok') throw new Error(`expected a complete head, got ${JSON.stringify(result)}`);
  return result.head;
};

interface Expected {
  method: string;
  path: string;
  protocol: Protocol;
  query?: [string, string][];
  headers?: [string, string[]][];
  body?: string;
}

const parsesAs = test.macro((t, input: string | Buffer, expected: Expected) => {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const result = parseRequestHead(buf);
  if (result.kind !== 'ok') return t.fail(JSON.stringify(result));
  const h = result.head;
  t.is(h.method, expected.method);
  t.is(h.path, expected.path);
  t.is(h.protocol, expected.protocol);
  t.deepEqual([...h.query], expected.query ?? []);
  if (expected.headers) t.deepEqual([...h.headers], expected.headers);
  t.is(buf.subarray(result.bodyStart).toString('latin1'), expected.body ?? '');
  t.deepEqual(h.raw, buf.subarray(0, result.bodyStart));
});

test('SOURCE with ICE/1.0 keeps the bytes after the head as body', parsesAs,
  'SOURCE /live.mp3 ICE/1.0\r\nAuthorization: Basic c291cmNlOmhhY2ttZQ==\r\nContent-Type: audio/mpeg\r\n\r\n\xff\xfbAUDIO',
  { method: 'SOURCE', path: '/live.mp3', protocol: 'ICE/1.0', body: '\xff\xfbAUDIO',
    headers: [['authorization', ['Basic c291cmNlOmhhY2ttZQ==']], ['content-type', ['audio/mpeg']]] });
test('methods are case-insensitive and upper-cased', parsesAs, 'source /x HTTP/1.0\r\n\r\n', { method: 'SOURCE', path: '/x', protocol: 'HTTP/1.0' });
test('bare LF line ends', parsesAs, 'PUT /a HTTP/1.1\nHost: h\n\nX', { method: 'PUT', path: '/a', protocol: 'HTTP/1.1', body: 'X', headers: [['host', ['h']]] });
test('CR CR LF line ends (NSV quirk)', parsesAs, 'PUT /a HTTP/1.1\r\r\nHost: h\r\r\n\r\r\nX', { method: 'PUT', path: '/a', protocol: 'HTTP/1.1', body: 'X', headers: [['host', ['h']]] });
test('query is split off and decoded as form data', parsesAs,
  'GET /admin/metadata?mount=%2Flive.mp3&mode=updinfo&song=A%20-%20B HTTP/1.0\r\n\r\n',
  { method: 'GET', path: '/admin/metadata', protocol: 'HTTP/1.0', query: [['mount', '/live.mp3'], ['mode', 'updinfo'], ['song', 'A - B']] });
test('/%61dmin/stats decodes to /admin/stats', parsesAs, 'GET /%61dmin/stats HTTP/1.1\r\n\r\n', { method: 'GET', path: '/admin/stats', protocol: 'HTTP/1.1' });
test('/%2561dmin decodes once to /%61dmin', parsesAs, 'GET /%2561dmin HTTP/1.1\r\n\r\n', { method: 'GET', path: '/%61dmin', protocol: 'HTTP/1.1' });
test('/admin%2fstats decodes to /admin/stats like Icecast', parsesAs, 'GET /admin%2fstats HTTP/1.1\r\n\r\n', { method: 'GET', path: '/admin/stats', protocol: 'HTTP/1.1' });
test('percent-encoded UTF-8 path', parsesAs, 'GET /caf%C3%A9.mp3 HTTP/1.1\r\n\r\n', { method: 'GET', path: '/café.mp3', protocol: 'HTTP/1.1' });
test('OPTIONS * is allowed', parsesAs, 'OPTIONS * HTTP/1.1\r\n\r\n', { method: 'OPTIONS', path: '*', protocol: 'HTTP/1.1' });
test('optional whitespace around values is trimmed, inner kept', parsesAs, 'GET / HTTP/1.1\r\nX-A:   a \t b \t\r\nX-B:\r\n\r\n',
  { method: 'GET', path: '/', protocol: 'HTTP/1.1', headers: [['x-a', ['a \t b']], ['x-b', ['']]] });
test('repeated fields keep every value in order', parsesAs, 'GET / HTTP/1.1\r\nIce-Name: a\r\nICE-NAME: b\r\n\r\n',
  { method: 'GET', path: '/', protocol: 'HTTP/1.1', headers: [['ice-name', ['a', 'b']]] });
test('UTF-8 values are decoded as UTF-8', parsesAs, Buffer.from('SOURCE /a HTTP/1.0\r\nice-name: Radio Ü\r\n\r\n', 'utf8'),
  { method: 'SOURCE', path: '/a', protocol: 'HTTP/1.0', headers: [['ice-name', ['Radio Ü']]] });
test('other high bytes are decoded as Latin-1', parsesAs, Buffer.from('SOURCE /a HTTP/1.0\r\nice-name: Radio \xdc\r\n\r\n', 'latin1'),
  { method: 'SOURCE', path: '/a', protocol: 'HTTP/1.0', headers: [['ice-name', ['Radio Ü']]] });

test('get() is case-insensitive and returns the first value', (t) => {
  const h = head('GET / HTTP/1.1\r\nIcy-MetaData: 1\r\nicy-metadata: 0\r\n\r\n');
  t.is(h.get('ICY-METADATA'), '1');
  t.is(h.get('missing'), undefined);
  t.is(h.target, '/');
});

test('a head of exactly 4095 bytes is accepted, 4096 is too large', (t) => {
  const base = 'GET / HTTP/1.1\r\nX: ';
  const fill = (n: number) => base + 'a'.repeat(n - base.length - 4) + '\r\n\r\n';
  t.is(parseRequestHead(Buffer.from(fill(4095))).kind, 'ok');
  t.like(parseRequestHead(Buffer.from(fill(4096))), { kind: 'error', reason: 'too-large' });
});

test('32 lines are accepted, 33 are too many', (t) => {
  const lines = (n: number) => ['GET / HTTP/1.1', ...Array.from({ length: n - 1 }, (_, i) => `X-${i}: v`)].join('\r\n') + '\r\n\r\n';
  t.is(parseRequestHead(Buffer.from(lines(32))).kind, 'ok');
  t.like(parseRequestHead(Buffer.from(lines(33))), { kind: 'error', reason: 'too-many-headers' });
});

const rejects = test.macro({
  exec(t, input: string, reason: HeadError) {
    const result = parseRequestHead(Buffer.from(input, 'latin1'));
    t.like(result, { kind: 'error', reason });
    if (result.kind === 'error') t.regex(result.message, /^[ -~]+$/);
  },
  title: (title, input: string, reason: HeadError) => `${title ?? JSON.stringify(input)} → ${reason}`,
});

for (const [title, input, reason] of [
  ['huge head without an end', 'GET / HTTP/1.1\r\n' + 'X: y\r\n'.repeat(1000), 'too-many-headers'],
  ['4 KiB without a line end', 'A'.repeat(5000), 'too-large'],
  ['empty first line', '\r\nGET / HTTP/1.1\r\n\r\n', 'bad-request-line'],
  ['double space', 'GET  / HTTP/1.1\r\n\r\n', 'bad-request-line'],
  ['trailing space', 'GET / HTTP/1.1 \r\n\r\n', 'bad-request-line'],
  ['two parts', 'GET /\r\n\r\n', 'bad-request-line'],
  ['tab separator', 'GET\t/ HTTP/1.1\r\n\r\n', 'bad-request-line'],
  ['NUL in request line', 'GET /a\x00b HTTP/1.1\r\n\r\n', 'bad-request-line'],
  ['non-ASCII in target', 'GET /caf\xe9 HTTP/1.1\r\n\r\n', 'bad-request-line'],
  ['method is not a token', 'G(T / HTTP/1.1\r\n\r\n', 'bad-method'],
  ['HTTP/2.0', 'GET / HTTP/2.0\r\n\r\n', 'bad-protocol'],
  ['FOO/1.0', 'GET / FOO/1.0\r\n\r\n', 'bad-protocol'],
  ['lower-case protocol', 'GET / http/1.1\r\n\r\n', 'bad-protocol'],
  ['ICY protocol token', 'SOURCE /a ICY\r\n\r\n', 'bad-protocol'],
  ['SOURCE a.mp3 without slash', 'SOURCE a.mp3 HTTP/1.0\r\n\r\n', 'bad-target'],
  ['absolute-form', 'GET http://evil.example/ HTTP/1.1\r\n\r\n', 'bad-target'],
  ['* with GET', 'GET * HTTP/1.1\r\n\r\n', 'bad-target'],
  ['fragment', 'GET /a#b HTTP/1.1\r\n\r\n', 'bad-target'],
  ['//admin', 'GET //admin/stats HTTP/1.1\r\n\r\n', 'bad-path'],
  ['/a/../b', 'GET /a/../b HTTP/1.1\r\n\r\n', 'bad-path'],
  ['/./a', 'GET /./a HTTP/1.1\r\n\r\n', 'bad-path'],
  ['trailing /..', 'GET /a/.. HTTP/1.1\r\n\r\n', 'bad-path'],
  ['encoded dot segment', 'GET /%2e%2e/admin/stats HTTP/1.1\r\n\r\n', 'bad-path'],
  ['encoded slash making //', 'GET /%2fadmin HTTP/1.1\r\n\r\n', 'bad-path'],
  ['raw backslash', 'GET /a\\b HTTP/1.1\r\n\r\n', 'bad-path'],
  ['encoded backslash', 'GET /admin%5cstats HTTP/1.1\r\n\r\n', 'bad-path'],
  ['%00', 'GET /a%00.mp3 HTTP/1.1\r\n\r\n', 'bad-path'],
  ['encoded LF', 'GET /a%0d%0aX:y HTTP/1.1\r\n\r\n', 'bad-path'],
  ['bad escape', 'GET /%zz HTTP/1.1\r\n\r\n', 'bad-path'],
  ['truncated escape', 'GET /a% HTTP/1.1\r\n\r\n', 'bad-path'],
  ['invalid UTF-8', 'GET /%c3%28 HTTP/1.1\r\n\r\n', 'bad-path'],
  ['obsolete line folding', 'GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n', 'bad-header'],
  ['space before colon', 'GET / HTTP/1.1\r\nHost : h\r\n\r\n', 'bad-header'],
  ['empty name', 'GET / HTTP/1.1\r\n: v\r\n\r\n', 'bad-header'],
  ['no colon', 'GET / HTTP/1.1\r\nHost\r\n\r\n', 'bad-header'],
  ['name is not a token', 'GET / HTTP/1.1\r\nX(y): v\r\n\r\n', 'bad-header'],
  ['NUL in value', 'GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n', 'bad-header'],
  ['lone CR in value', 'GET / HTTP/1.1\r\nX: a\rb\r\n\r\n', 'bad-header'],
  ['DEL in value', 'GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n', 'bad-header'],
  ['two Host headers', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 'bad-header'],
] as const) {
  test(title, rejects, input, reason);
}

test('garbage is refused as soon as the first line is complete', (t) => {
  t.like(parseRequestHead(Buffer.from('SOURCE a.mp3 HTTP/1.0\r\n')), { kind: 'error', reason: 'bad-target' });
  t.like(parseRequestHead(Buffer.from('GET / HTTP/1.1\r\nnot a header\r\n')), { kind: 'error', reason: 'bad-header' });
});

test('a head split at every byte position is incomplete until its last byte', (t) => {
  const input = Buffer.from('PUT /live.ogg HTTP/1.1\r\nHost: h:8000\r\nContent-Type: audio/ogg\r\nExpect: 100-continue\r\n\r\nOggS');
  const end = input.length - 4;
  for (let i = 0; i < end; i++) t.deepEqual(parseRequestHead(input.subarray(0, i)), { kind: 'incomplete' }, `prefix ${i}`);
  const done = parseRequestHead(input);
  t.like(done, { kind: 'ok', bodyStart: end });
});

const frames = test.macro((t, input: string, expected: ReturnType<typeof bodyFraming>['kind'] | FramingError, length?: number) => {
  const framing = bodyFraming(head(input));
  const kind: string = framing.kind === 'error' ? framing.reason : framing.kind;
  t.is(kind, expected);
  if (framing.kind === 'length') t.deepEqual(framing, { kind: 'length', length });
});

test('GET without body headers: none', frames, 'GET / HTTP/1.1\r\n\r\n', 'none');
test('PUT without body headers: endless stream', frames, 'PUT /a HTTP/1.1\r\n\r\n', 'stream');
test('SOURCE without body headers: endless stream', frames, 'SOURCE /a ICE/1.0\r\n\r\n', 'stream');
test('lower-case put: endless stream', frames, 'put /a HTTP/1.1\r\n\r\n', 'stream');
test('libshout challenge with Content-Length: 0', frames, 'SOURCE /a HTTP/1.0\r\nContent-Length: 0\r\n\r\n', 'length', 0);
test('Content-Length', frames, 'PUT /a HTTP/1.1\r\nContent-Length: 1234\r\n\r\n', 'length', 1234);
test('chunked PUT', frames, 'PUT /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n', 'chunked');
test('chunked is case-insensitive', frames, 'PUT /a HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n', 'chunked');
test('duplicate Content-Length, even equal', frames, 'PUT /a HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n', 'duplicate-content-length');
test('Content-Length list', frames, 'PUT /a HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n', 'bad-content-length');
for (const value of ['-1', '+5', '0x10', '1e3', '', 'abc', '1234567890123456']) {
  test(`Content-Length ${JSON.stringify(value)}`, frames, `PUT /a HTTP/1.1\r\nContent-Length: ${value}\r\n\r\n`, 'bad-content-length');
}
test('Content-Length with Transfer-Encoding (CL.TE)', frames,
  'PUT /a HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n', 'content-length-with-transfer-encoding');
test('TE: gzip, chunked', frames, 'PUT /a HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 'bad-transfer-encoding');
test('TE: chunked, chunked', frames, 'PUT /a HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n', 'bad-transfer-encoding');
test('two TE headers', frames, 'PUT /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n', 'bad-transfer-encoding');
test('TE: identity', frames, 'PUT /a HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n', 'bad-transfer-encoding');
test('TE in HTTP/1.0', frames, 'PUT /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 'transfer-encoding-in-http-1.0');
test('TE in ICE/1.0', frames, 'SOURCE /a ICE/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 'transfer-encoding-in-http-1.0');
