// Refusals come from the catalogue only: fixed text, a stable code, a reference for the log,
// and Connection: close.
import test from 'ava';
import { clientErrorCode, denyBody, headErrorCode, renderDeny } from '../../gateway/ports/respond.ts';
import type { GatewayErrorCode } from '../../policies/errors.ts';

test('a refusal is a complete HTTP/1.1 response that closes the connection', (t) => {
  const text = renderDeny('GW_WRONG_PORT', { id: '0badc0de' }).toString();
  const body = 'Not available on this port (GW_WRONG_PORT, ref 0badc0de)\n';
  t.is(
    text,
    [
      'HTTP/1.1 403 Forbidden',
      'Content-Type: text/plain; charset=utf-8',
      `Content-Length: ${body.length}`,
      'Cache-Control: no-store',
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
});

test('a 429 carries Retry-After in whole seconds, at least 1', (t) => {
  t.regex(renderDeny('GW_RATE_LIMITED', { retryAfterSeconds: 119.2 }).toString(), /^HTTP\/1\.1 429 Too Many Requests\r\n[\s\S]*\r\nRetry-After: 120\r\n/);
  t.regex(renderDeny('GW_RATE_LIMITED', { retryAfterSeconds: 0 }).toString(), /\r\nRetry-After: 1\r\n/);
});

test('a 405 names the port\'s methods (RFC 9110 §15.5.6)', (t) => {
  t.regex(renderDeny('GW_METHOD_NOT_ALLOWED', { allow: 'GET, HEAD, OPTIONS' }).toString(), /\r\nAllow: GET, HEAD, OPTIONS\r\n/);
});

test('each refusal gets its own reference', (t) => {
  const refs = new Set(Array.from({ length: 20 }, () => /ref ([0-9a-f]{8})\)/.exec(renderDeny('GW_NOT_FOUND').toString())?.[1]));
  t.is(refs.size, 20);
  t.is(denyBody('GW_NOT_FOUND', 'abcd0123'), 'Not found (GW_NOT_FOUND, ref abcd0123)\n');
});

const maps = test.macro({
  exec(t, map: (x: never) => GatewayErrorCode, input: string, expected: GatewayErrorCode) {
    t.is(map(input as never), expected);
  },
  title: (_title, _map, input: string, expected: GatewayErrorCode) => `${input} → ${expected}`,
});

test(maps, headErrorCode, 'too-large', 'GW_HEADER_TOO_LARGE');
test(maps, headErrorCode, 'too-many-headers', 'GW_HEADER_TOO_LARGE');
test(maps, headErrorCode, 'bad-path', 'GW_BAD_TARGET');
test(maps, headErrorCode, 'bad-target', 'GW_BAD_TARGET');
test(maps, headErrorCode, 'bad-method', 'GW_METHOD_NOT_ALLOWED');
test(maps, headErrorCode, 'bad-header', 'GW_BAD_FRAMING');
test(maps, clientErrorCode, 'HPE_HEADER_OVERFLOW', 'GW_HEADER_TOO_LARGE');
test(maps, clientErrorCode, 'HPE_INVALID_METHOD', 'GW_METHOD_NOT_ALLOWED');
test(maps, clientErrorCode, 'ERR_HTTP_REQUEST_TIMEOUT', 'GW_HEADER_TIMEOUT');
test(maps, clientErrorCode, 'HPE_INVALID_TRANSFER_ENCODING', 'GW_BAD_FRAMING');
test(maps, clientErrorCode, 'HPE_INVALID_URL', 'GW_BAD_TARGET');
