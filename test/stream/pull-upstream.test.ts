// What a relay pull sends upstream and how it reads the answer: status lines Node cannot parse
// (ICY 200 OK), redirects, and the mapping of listener headers back to a stream description.
import test from 'ava';
import { parseResponseHead, type ResponseHead } from '../../stream/pull/response-head.ts';
import { interpretAnswer, redact, upstreamRequest, upstreamSourceInfo, USER_AGENT } from '../../stream/pull/upstream.ts';

const head = (text: string): ResponseHead => {
  const r = parseResponseHead(Buffer.from(text, 'latin1'));
  if (r.kind !== 'ok') throw new Error(`not ok: ${JSON.stringify(r)}`);
  return r.head;
};

const statusLine = test.macro({
  exec(t, text: string, expected: { protocol: string; status: number; reason: string } | 'error' | 'incomplete') {
    const r = parseResponseHead(Buffer.from(text, 'latin1'));
    if (expected === 'error' || expected === 'incomplete') return t.is(r.kind, expected);
    t.is(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    t.deepEqual({ protocol: r.head.protocol, status: r.head.status, reason: r.head.reason }, expected);
  },
  title: (name = '') => `parseResponseHead: ${name}`,
});

test('SHOUTcast/Icecast-KH "ICY 200 OK"', statusLine, 'ICY 200 OK\r\nicy-name:x\r\n\r\n', { protocol: 'ICY', status: 200, reason: 'OK' });
test('HTTP/1.0', statusLine, 'HTTP/1.0 200 OK\r\n\r\n', { protocol: 'HTTP/1.0', status: 200, reason: 'OK' });
test('HTTP/1.1 with a non-standard phrase', statusLine, 'HTTP/1.1 404 File Not Found\r\n\r\n', { protocol: 'HTTP/1.1', status: 404, reason: 'File Not Found' });
test('no reason phrase', statusLine, 'HTTP/1.0 302\r\nLocation: /x\r\n\r\n', { protocol: 'HTTP/1.0', status: 302, reason: '' });
test('bare LF line ends', statusLine, 'ICY 200 OK\ncontent-type: audio/mpeg\n\n', { protocol: 'ICY', status: 200, reason: 'OK' });
test('HTTP/2 is not spoken here', statusLine, 'HTTP/2 200\r\n\r\n', 'error');
test('an HTML page is refused on its first line', statusLine, '<html><body>\r\nhello', 'error');
test('a head still arriving', statusLine, 'ICY 200 OK\r\nicy-name: x', 'incomplete');
test('obs-fold is refused', statusLine, 'HTTP/1.0 200 OK\r\nicy-name: a\r\n b\r\n\r\n', 'error');
test('a head over 8 KiB is refused', statusLine, `HTTP/1.0 200 OK\r\nx: ${'a'.repeat(9000)}`, 'error');

test('parseResponseHead: the stream starts right after the blank line', (t) => {
  const r = parseResponseHead(Buffer.from('ICY 200 OK\r\nicy-metaint:8192\r\n\r\n\xff\xfb', 'latin1'));
  t.is(r.kind, 'ok');
  if (r.kind === 'ok') t.is(r.bodyStart, 32);
});

test('upstreamRequest: a listener request as Icecast relays send it, with Basic auth and ICY metadata', (t) => {
  const req = upstreamRequest(new URL('http://up.example:8000/live.mp3?x=1'), { credentials: { username: 'relay', password: 'pa:ss' }, icyMetadata: true });
  t.is(
    req.toString(),
    [
      'GET /live.mp3?x=1 HTTP/1.0',
      'Host: up.example:8000',
      `User-Agent: ${USER_AGENT}`,
      'Accept: */*',
      'Icy-MetaData: 1',
      `Authorization: Basic ${Buffer.from('relay:pa:ss').toString('base64')}`,
      'Connection: close',
      '',
      '',
    ].join('\r\n'),
  );
  t.regex(USER_AGENT, /^icegate\/\d+\.\d+\.\d+/);
});

test('upstreamRequest: no metadata, no credentials', (t) => {
  const req = upstreamRequest(new URL('http://up.example/a'), { credentials: null, icyMetadata: false }).toString();
  t.false(req.includes('Icy-MetaData'));
  t.false(req.includes('Authorization'));
});

test('redact: logs and stats never show URL credentials', (t) => {
  t.is(redact(new URL('https://relay:secret@up.example:8443/live.mp3?token=1')), 'https://up.example:8443/live.mp3');
});

const here = new URL('http://up.example:8000/live.mp3');
const creds = { username: 'relay', password: 'secret' };
const answers = test.macro({
  exec(t, text: string, hops: number, expected: unknown) {
    t.deepEqual(interpretAnswer(here, head(text), creds, hops), expected);
  },
  title: (name = '') => `interpretAnswer: ${name}`,
});

test('200 streams', answers, 'ICY 200 OK\r\n\r\n', 0, { kind: 'stream' });
test('a relative redirect keeps the credentials (same origin)', answers, 'HTTP/1.0 302 Found\r\nLocation: /other.mp3\r\n\r\n', 0, {
  kind: 'redirect',
  url: new URL('http://up.example:8000/other.mp3'),
  credentials: creds,
});
test('a redirect to another origin drops them', answers, 'HTTP/1.1 307 Temporary Redirect\r\nLocation: https://cdn.example/live.mp3\r\n\r\n', 0, {
  kind: 'redirect',
  url: new URL('https://cdn.example/live.mp3'),
  credentials: null,
});
test('the 11th redirect is refused', answers, 'HTTP/1.0 302 Found\r\nLocation: /x\r\n\r\n', 10, { kind: 'refused', message: 'more than 10 redirects' });
test('a redirect without Location is refused', answers, 'HTTP/1.0 302 Found\r\n\r\n', 0, { kind: 'refused', message: 'the upstream answered 302 without a Location' });
test('only http and https are followed', answers, 'HTTP/1.0 302 Found\r\nLocation: file:///etc/passwd\r\n\r\n', 0, {
  kind: 'refused',
  message: 'the upstream redirected to a file: URL (only http and https are followed)',
});
test('an error status is reported with its phrase', answers, 'HTTP/1.0 404 File Not Found\r\n\r\n', 0, { kind: 'refused', message: 'the upstream answered 404 File Not Found' });

test('upstreamSourceInfo: the upstream listener headers become the relayed mount description', (t) => {
  const info = upstreamSourceInfo(
    head(
      'HTTP/1.0 200 OK\r\nServer: Icecast 2.4.4\r\nContent-Type: audio/aacp\r\nice-audio-info: ice-samplerate=44100;ice-bitrate=64\r\n' +
        'icy-br:64\r\nicy-description:A test\r\nicy-genre:Rock\r\nicy-name:Test Radio\r\nicy-pub:1\r\nicy-url:http://example.org\r\n' +
        'icy-metaint:16000\r\nicy-notice1:<BR>hello\r\n\r\n',
    ),
    '192.0.2.1',
  );
  t.deepEqual(info, {
    contentType: 'audio/aacp',
    ip: '192.0.2.1',
    userAgent: 'Icecast 2.4.4',
    kind: 'relay',
    description: {
      name: 'Test Radio',
      description: 'A test',
      genre: 'Rock',
      url: 'http://example.org',
      public: true,
      bitrate: 64,
      audioInfo: 'ice-samplerate=44100;ice-bitrate=64',
      extra: { 'icy-notice1': '<BR>hello' },
    },
  });
});

test('upstreamSourceInfo: no Content-Type means MP3, as Icecast assumes for old upstreams', (t) => {
  t.is(upstreamSourceInfo(head('ICY 200 OK\r\n\r\n'), '').contentType, 'audio/mpeg');
});
