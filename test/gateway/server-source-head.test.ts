// The head the source port sends upstream: canonical request line, the gateway's own client
// address (never the client's claim), no hop-by-hop fields, the client's other lines unchanged.
import test from 'ava';
import { parseRequestHead, type RequestHead } from '../../stream/request-head.ts';
import { forwardedHead, headLines, withinLimits } from '../../gateway/ports/source-head.ts';
import { droppedFields } from '../../gateway/forward/headers.ts';

function head(text: string): RequestHead {
  const parsed = parseRequestHead(Buffer.from(text, 'latin1'));
  if (parsed.kind !== 'ok') throw new Error(`test head did not parse: ${parsed.kind}`);
  return parsed.head;
}

const FFMPEG_PUT = [
  'PUT /live.mp3 HTTP/1.1',
  'Host: radio.example:8001',
  'X-Forwarded-For: 6.6.6.6',
  'Forwarded: for=6.6.6.6',
  'Authorization: Basic c291cmNlOmhhY2ttZQ==',
  'Expect: 100-continue',
  'Connection: close, X-Secret',
  'X-Secret: hop',
  'Upgrade: TLS/1.0',
  'Content-Type: audio/mpeg',
  'Ice-Name: Caf\xe9 Radio',
  '',
  '',
].join('\r\n');

function forwarded(text: string, target = '/live.mp3'): string {
  const result = forwardedHead(head(text), { target, clientIp: '203.0.113.9', proto: 'https' });
  if (result.kind !== 'ok') throw new Error('too large');
  return result.bytes.toString('latin1');
}

test('the gateway states the client address and protocol first, overwriting the client\'s claims', (t) => {
  const lines = forwarded(FFMPEG_PUT).split('\r\n');
  t.deepEqual(lines.slice(0, 4), ['PUT /live.mp3 HTTP/1.1', 'X-Forwarded-For: 203.0.113.9', 'X-Forwarded-Proto: https', 'Connection: close']);
  t.false(lines.some((l) => /6\.6\.6\.6/.test(l)));
});

test('hop-by-hop fields, fields the Connection header names, and Upgrade: TLS/1.0 end at the gateway', (t) => {
  const text = forwarded(FFMPEG_PUT);
  t.notRegex(text, /X-Secret/);
  t.notRegex(text, /Upgrade/);
  t.is(text.match(/^Connection:/gm)?.length, 1);
});

test('the client\'s other lines pass byte for byte, non-ASCII included', (t) => {
  const text = forwarded(FFMPEG_PUT);
  for (const line of ['Host: radio.example:8001', 'Authorization: Basic c291cmNlOmhhY2ttZQ==', 'Expect: 100-continue', 'Content-Type: audio/mpeg', 'Ice-Name: Caf\xe9 Radio']) {
    t.true(text.includes(`\r\n${line}\r\n`), line);
  }
  t.true(text.endsWith('\r\n\r\n'));
});

test('the request line carries the canonical target and the upper-cased method', (t) => {
  t.regex(forwarded('source /%6Cive.mp3 ICE/1.0\r\n\r\n', '/live.mp3'), /^SOURCE \/live\.mp3 ICE\/1\.0\r\n/);
});

test('a Connection header cannot remove framing, Host or credentials', (t) => {
  t.deepEqual(
    [...droppedFields(['Content-Length, Transfer-Encoding, Host, Authorization, X-Other'])].filter((n) => !n.startsWith('x-forwarded') && n !== 'x-real-ip' && n !== 'x-icegate-mount' && n !== 'x-icegate-forward-key'),
    ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'forwarded', 'x-other'],
  );
  const text = forwarded('PUT /live.mp3 HTTP/1.1\r\nConnection: content-length\r\nContent-Length: 5\r\n\r\n');
  t.true(text.includes('\r\nContent-Length: 5\r\n'));
});

test('a head that would pass 32 lines upstream is refused, not cut', (t) => {
  const fields = Array.from({ length: 30 }, (_, i) => `X-F${i}: v`);
  const big = head(['PUT /live.mp3 HTTP/1.1', ...fields, '', ''].join('\r\n'));
  t.is(headLines(big), 31);
  t.deepEqual(forwardedHead(big, { target: '/live.mp3', clientIp: '192.0.2.1', proto: 'https' }), { kind: 'too-large' });
});

const limits = test.macro((t, text: string, expected: boolean) => {
  t.is(withinLimits(head(text), { maxHeaderBytes: 64, maxHeaders: 3 }), expected);
});
test('within gateway.limits: small head', limits, 'PUT /a HTTP/1.1\r\nA: b\r\n\r\n', true);
test('within gateway.limits: too many lines', limits, 'PUT /a HTTP/1.1\r\nA: b\r\nC: d\r\nE: f\r\n\r\n', false);
test('within gateway.limits: too many bytes', limits, `PUT /a HTTP/1.1\r\nA: ${'b'.repeat(60)}\r\n\r\n`, false);
