// Request-smuggling framings (docs/gateway-security.md#request-smuggling) refused before anything is forwarded.
import test from 'ava';
import { checkFraming, headersFromRaw } from '../../policies/framing.ts';
import type { Protocol } from '../../stream/request-head.ts';

type Expected = 'none' | 'length' | 'chunked' | 'stream' | 'GW_BAD_FRAMING' | 'GW_UNEXPECTED_BODY';

const frames = test.macro({
  exec(t, method: string, protocol: Protocol, raw: string[], expected: Expected) {
    const got = checkFraming({ method, protocol, headers: headersFromRaw(raw) });
    t.is(got.kind === 'ok' ? got.framing.kind : got.code, expected);
  },
  title: (title = '', method: string, protocol: Protocol, raw: string[], expected: Expected) =>
    `${title}: ${method} ${protocol} [${raw.join(': ')}] → ${expected}`,
});

test('CL.TE desync', frames, 'PUT', 'HTTP/1.1', ['Content-Length', '5', 'Transfer-Encoding', 'chunked'], 'GW_BAD_FRAMING');
test('CL.TE desync on a GET', frames, 'GET', 'HTTP/1.1', ['Transfer-Encoding', 'chunked', 'Content-Length', '0'], 'GW_BAD_FRAMING');
test('duplicate Content-Length', frames, 'PUT', 'HTTP/1.1', ['Content-Length', '5', 'Content-Length', '6'], 'GW_BAD_FRAMING');
test('duplicate equal Content-Length', frames, 'GET', 'HTTP/1.1', ['Content-Length', '0', 'content-length', '0'], 'GW_BAD_FRAMING');
test('signed Content-Length', frames, 'PUT', 'HTTP/1.1', ['Content-Length', '+5'], 'GW_BAD_FRAMING');
test('list Content-Length', frames, 'PUT', 'HTTP/1.1', ['Content-Length', '5, 5'], 'GW_BAD_FRAMING');
test('hex Content-Length', frames, 'PUT', 'HTTP/1.1', ['Content-Length', '0x5'], 'GW_BAD_FRAMING');
test('unknown coding', frames, 'PUT', 'HTTP/1.1', ['Transfer-Encoding', 'xchunked'], 'GW_BAD_FRAMING');
test('coding list', frames, 'PUT', 'HTTP/1.1', ['Transfer-Encoding', 'chunked, identity'], 'GW_BAD_FRAMING');
test('duplicate Transfer-Encoding', frames, 'PUT', 'HTTP/1.1', ['Transfer-Encoding', 'chunked', 'Transfer-Encoding', 'chunked'], 'GW_BAD_FRAMING');
test('Transfer-Encoding in HTTP/1.0', frames, 'PUT', 'HTTP/1.0', ['Transfer-Encoding', 'chunked'], 'GW_BAD_FRAMING');
test('a GET announcing a body', frames, 'GET', 'HTTP/1.1', ['Content-Length', '5'], 'GW_UNEXPECTED_BODY');
test('a chunked GET', frames, 'GET', 'HTTP/1.1', ['Transfer-Encoding', 'chunked'], 'GW_UNEXPECTED_BODY');
test('a HEAD announcing a body', frames, 'HEAD', 'HTTP/1.1', ['Content-Length', '1'], 'GW_UNEXPECTED_BODY');
test('an OPTIONS announcing a body', frames, 'OPTIONS', 'HTTP/1.1', ['Content-Length', '1'], 'GW_UNEXPECTED_BODY');
test('a plain GET', frames, 'GET', 'HTTP/1.1', ['Host', 'h'], 'none');
test('a GET with Content-Length 0', frames, 'GET', 'HTTP/1.1', ['Content-Length', '0'], 'length');
test('ffmpeg PUT without length', frames, 'PUT', 'HTTP/1.1', ['Expect', '100-continue'], 'stream');
test('libshout SOURCE without length', frames, 'SOURCE', 'HTTP/1.0', [], 'stream');
test('Icecast 1 SOURCE', frames, 'SOURCE', 'ICE/1.0', [], 'stream');
test('lower-case source', frames, 'source', 'HTTP/1.0', [], 'stream');
test('libshout probe', frames, 'SOURCE', 'HTTP/1.0', ['Content-Length', '0'], 'length');
test('chunked PUT (Icecast 2.5 sources)', frames, 'PUT', 'HTTP/1.1', ['Transfer-Encoding', 'Chunked'], 'chunked');

test('headersFromRaw keeps every value of a repeated header, names lower-cased', (t) => {
  const map = headersFromRaw(['Content-Length', '1', 'HOST', 'h', 'content-length', '2']);
  t.deepEqual([...map], [['content-length', ['1', '2']], ['host', ['h']]]);
});
