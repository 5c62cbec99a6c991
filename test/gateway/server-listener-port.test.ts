// Nothing a listener port refuses may reach the upstream. A real relay core sits behind a TCP
// proxy that counts connections; every spelling of a push method or of the admin interface
// (docs/gateway-security.md#request-smuggling) must be answered by the gateway with the catalogue's code while
// the count stays where it was. Positive controls prove the counter sees what is forwarded.
import test from 'ava';
import type { RunningRelay } from '../../relay/start.ts';
import { testRelay } from '../helpers/relay.ts';
import { countingProxy, exchange, headerOf, Shared, testGateway, type CountingProxy } from './server-harness.ts';
import type { RunningGateway } from '../../gateway/start.ts';

const shared = new Shared();
let relay: RunningRelay;
let proxy: CountingProxy;
let gw: RunningGateway;

test.before(async () => {
  relay = await testRelay();
  shared.teardown(() => relay.close());
  proxy = await countingProxy(shared, relay.port());
  ({ gw } = await testGateway(shared, proxy.port));
});
test.after.always(() => shared.run());

const refused = test.macro({
  async exec(t, request: string, status: number, code: string, secure: boolean = false) {
    const before = proxy.connections();
    const port = secure ? gw.ports().listenerTls : gw.ports().listener;
    const reply = await exchange(port, request, secure);
    t.is(reply.status, status, reply.head);
    t.true(reply.body.includes(`(${code}, ref `), reply.body);
    t.is(headerOf(reply.head, 'connection'), 'close');
    if (status === 405) t.is(headerOf(reply.head, 'allow'), 'GET, HEAD, OPTIONS');
    t.is(proxy.connections(), before, 'nothing reached the upstream');
  },
  title: (title = '', request: string) => `listener port refuses ${title || JSON.stringify(request.split('\r\n')[0])}`,
});

const get = (target: string, method = 'GET', version = 'HTTP/1.1'): string => `${method} ${target} ${version}\r\nHost: radio.example\r\n\r\n`;

// Push methods in every spelling (Icecast matches them case-insensitively, docs/gateway-security.md#method-spellings).
test.serial(refused, get('/live.mp3', 'PUT'), 405, 'GW_METHOD_NOT_ALLOWED');
test.serial(refused, get('/live.mp3', 'SOURCE'), 405, 'GW_METHOD_NOT_ALLOWED');
test.serial(refused, get('/live.mp3', 'SOURCE', 'ICE/1.0'), 405, 'GW_METHOD_NOT_ALLOWED');
test.serial(refused, get('/live.mp3', 'source', 'HTTP/1.0'), 405, 'GW_METHOD_NOT_ALLOWED');
test.serial(refused, get('/live.mp3', 'Put'), 405, 'GW_METHOD_NOT_ALLOWED');
test.serial(refused, get('/live.mp3', 'STREAM'), 405, 'GW_METHOD_NOT_ALLOWED');
test.serial(refused, get('/', 'STATS'), 405, 'GW_METHOD_NOT_ALLOWED');
test.serial(refused, get('/live.mp3', 'TRACE'), 405, 'GW_METHOD_NOT_ALLOWED');
test.serial(refused, get('/admin/metadata?mount=/live.mp3', 'POST'), 405, 'GW_METHOD_NOT_ALLOWED');
test.serial(refused, get('127.0.0.1:8100', 'CONNECT'), 405, 'GW_METHOD_NOT_ALLOWED');
test.serial('PUT over TLS', refused, get('/live.mp3', 'PUT'), 405, 'GW_METHOD_NOT_ALLOWED', true);
// The admin interface in every spelling Icecast or a lenient parser might route to it (docs/gateway-security.md#path-canonicalisation).
test.serial(refused, get('/admin/stats'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/admin/killsource?mount=/live.mp3'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/ADMIN/stats'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/Admin/stats'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/%61dmin/stats'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/%41DMIN/stats'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/admin;/stats'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/admin.cgi?pass=guess&mode=updinfo&song=x'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/%61dmin.cgi?pass=guess'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/api/v1/mounts'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/metrics'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/status.xsl'), 403, 'GW_WRONG_PORT');
test.serial(refused, get('/server_version.xsl'), 403, 'GW_WRONG_PORT');
test.serial('/%61dmin/stats over TLS', refused, get('/%61dmin/stats'), 403, 'GW_WRONG_PORT', true);
test.serial(refused, get('/admin%2fstats'), 400, 'GW_BAD_TARGET');
test.serial(refused, get('/admin%2Fstats'), 400, 'GW_BAD_TARGET');
test.serial(refused, get('/%5cadmin/stats'), 400, 'GW_BAD_TARGET');
test.serial(refused, get('//admin/stats'), 400, 'GW_BAD_TARGET');
test.serial(refused, get('/./admin/stats'), 400, 'GW_BAD_TARGET');
test.serial(refused, get('/x/../admin/stats'), 400, 'GW_BAD_TARGET');
test.serial(refused, get('/%2e%2e/admin/stats'), 400, 'GW_BAD_TARGET');
test.serial(refused, get('/.%2e/admin/stats'), 400, 'GW_BAD_TARGET');
test.serial(refused, get('/admin%00/stats'), 400, 'GW_BAD_TARGET');
test.serial(refused, get('http://127.0.0.1:8100/admin/stats'), 400, 'GW_BAD_TARGET');
test.serial(refused, get('*', 'OPTIONS'), 400, 'GW_BAD_TARGET');
// Framing a proxy and its upstream could read differently (docs/gateway-security.md#request-smuggling).
test.serial('a GET with a body', refused, 'GET /live.mp3 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nGET /', 400, 'GW_UNEXPECTED_BODY');
test.serial(
  'a chunked OPTIONS hiding a second request (the deleteLength CL.TE desync)',
  refused,
  'OPTIONS /live.mp3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin/stats HTTP/1.1\r\nHost: h\r\n\r\n',
  400,
  'GW_UNEXPECTED_BODY',
);
test.serial('Content-Length with Transfer-Encoding', refused, 'GET /live.mp3 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'GW_BAD_FRAMING');
test.serial('two Content-Lengths', refused, 'GET /live.mp3 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n', 400, 'GW_BAD_FRAMING');
test.serial('a space before the colon', refused, 'GET /live.mp3 HTTP/1.1\r\nHost: h\r\nContent-Length : 5\r\n\r\n', 400, 'GW_BAD_FRAMING');
test.serial('a head over 4095 bytes', refused, `GET /live.mp3 HTTP/1.1\r\nHost: h\r\nX-Pad: ${'a'.repeat(5000)}\r\n\r\n`, 431, 'GW_HEADER_TOO_LARGE');
test.serial(
  'more than 32 lines',
  refused,
  `GET /live.mp3 HTTP/1.1\r\nHost: h\r\n${Array.from({ length: 31 }, (_, i) => `X-${i}: v\r\n`).join('')}\r\n`,
  431,
  'GW_HEADER_TOO_LARGE',
);
test.serial('a signed link while no key is configured', refused, get('/t/k1.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/live.mp3'), 403, 'GW_TOKEN_INVALID');

const forwarded = test.macro({
  async exec(t, target: string, status: number) {
    const before = proxy.connections();
    const reply = await exchange(gw.ports().listener, `GET ${target} HTTP/1.1\r\nHost: radio.example\r\nConnection: close\r\n\r\n`);
    t.is(reply.status, status, reply.head);
    t.is(proxy.connections(), before + 1);
  },
  title: (_title, target: string, status: number) => `listener port forwards ${target} (the relay answers ${status})`,
});

test.serial(forwarded, '/status-json.xsl', 200);
test.serial(forwarded, '/api/v1/status', 200);
test.serial(forwarded, '/', 200);
test.serial(forwarded, '/assets/page.css', 200);
test.serial(forwarded, '/nothing-here.mp3', 404);
test.serial(forwarded, '/%6Cive.mp3.m3u', 404);
