// Issue: after the gateway refused a request (400 bad framing, 403 wrong port, …), a second
// request pipelined behind it on the same connection was still parsed and forwarded, e.g. an
// admin metadata update hidden behind a refused request took effect. After any refusal nothing
// more is read from the connection: the refusal is the one answer and the connection closes.
import test from 'ava';
import type { GatewayPorts } from '../../gateway/start.ts';
import { SECRETS, testRelay } from '../helpers/relay.ts';
import { countingProxy, exchange, lenientUpstream, Shared, testGateway, type TestGateway } from './server-harness.ts';

const shared = new Shared();
let gateway: TestGateway;
let upstream: Awaited<ReturnType<typeof lenientUpstream>>;
const KEYS = { k1: 'a-signing-key-for-the-tests-0001' };
const ADMIN = `Basic ${Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64')}`;
const SOURCE = `Basic ${Buffer.from(`source:${SECRETS.sourcePassword}`).toString('base64')}`;

test.before(async () => {
  upstream = await lenientUpstream(shared, (c) => {
    void c.until((d) => d.includes('\r\n\r\n')).then(
      () => c.socket.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'),
      () => {},
    );
  });
  gateway = await testGateway(shared, upstream.port, { tokens: { keys: KEYS }, mounts: { '/private.mp3': { auth: 'token' } } });
});
test.after.always(() => shared.run());

/** What the refused request is followed by: a request the port would otherwise forward, carrying a marker. */
const SMUGGLED: Record<'listener' | 'admin' | 'source', string> = {
  listener: 'GET /status-json.xsl?smuggled=1 HTTP/1.1\r\nHost: x\r\n\r\n',
  admin: `GET /admin/metadata?mount=/live.mp3&mode=updinfo&song=smuggled HTTP/1.1\r\nHost: x\r\nAuthorization: ${ADMIN}\r\n\r\n`,
  source: `PUT /live.mp3?smuggled=1 HTTP/1.1\r\nHost: x\r\nAuthorization: ${SOURCE}\r\nContent-Type: audio/mpeg\r\n\r\n`,
};

const MANY_LINES = Array.from({ length: 40 }, (_, i) => `X-${i}: y\r\n`).join('');

const CASES: [string, keyof GatewayPorts, 'listener' | 'admin' | 'source', string, number][] = [
  ['Transfer-Encoding: identity, chunked', 'listener', 'listener', 'GET /status-json.xsl HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n', 400],
  ['a tab before chunked', 'listenerTls', 'listener', 'GET /status-json.xsl HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n', 400],
  ['a body on a GET', 'listener', 'listener', 'GET /status-json.xsl HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', 400],
  ['a body on a GET', 'listenerTls', 'listener', 'GET /status-json.xsl HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', 400],
  ['/admin/ on a listener port', 'listener', 'listener', 'GET /admin/stats HTTP/1.1\r\nHost: x\r\n\r\n', 403],
  ['/admin/ on a listener port', 'listenerTls', 'listener', 'GET /admin/stats HTTP/1.1\r\nHost: x\r\n\r\n', 403],
  ['PUT on a listener port', 'listener', 'listener', 'PUT /live.mp3 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n', 405],
  ['an ambiguous path', 'listener', 'listener', 'GET /a/../status-json.xsl HTTP/1.1\r\nHost: x\r\n\r\n', 400],
  ['too many header lines', 'listener', 'listener', `GET /status-json.xsl HTTP/1.1\r\nHost: x\r\n${MANY_LINES}\r\n`, 431],
  ['a token mount without a link', 'listener', 'listener', 'GET /private.mp3 HTTP/1.1\r\nHost: x\r\n\r\n', 403],
  ['a forged stream link', 'listenerTls', 'listener', 'GET /t/bogus/private.mp3 HTTP/1.1\r\nHost: x\r\n\r\n', 403],
  ['a stream path on the admin port', 'admin', 'admin', 'GET /live.mp3 HTTP/1.1\r\nHost: x\r\n\r\n', 403],
  ['a body on an admin GET', 'admin', 'admin', `GET /admin/stats HTTP/1.1\r\nHost: x\r\nAuthorization: ${ADMIN}\r\nContent-Length: 3\r\n\r\nabc`, 400],
  ['POST on the admin port', 'admin', 'admin', 'POST /admin/stats HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n', 405],
  ['/admin/stats on the source port', 'source', 'source', 'GET /admin/stats HTTP/1.1\r\nHost: x\r\n\r\n', 403],
  ['Transfer-Encoding: identity, chunked on the source port', 'source', 'source', `PUT /live.mp3 HTTP/1.1\r\nHost: x\r\nAuthorization: ${SOURCE}\r\nTransfer-Encoding: identity, chunked\r\n\r\n`, 400],
];

for (const [what, port, role, refused, status] of CASES) {
  test.serial(`${port}: ${what} (${status}), then a pipelined request: only the refusal is answered, nothing is forwarded`, async (t) => {
    const before = upstream.connections.length;
    const secure = port !== 'listener';
    const answer = await exchange(gateway.gw.ports()[port] as number, refused + SMUGGLED[role], secure);
    t.is(answer.status, status, answer.head);
    t.is(answer.data.toString('latin1').match(/HTTP\/1\.[01] \d{3}/g)?.length, 1, 'exactly one answer, then the connection closed');
    t.is(upstream.connections.length, before, 'nothing reached the upstream');
    t.false(upstream.connections.some((c) => c.received().includes('smuggled')));
  });
}

test('an admin metadata update hidden behind a refused request never reaches the relay', async (t) => {
  const relay = await testRelay();
  t.teardown(() => relay.close());
  const proxy = await countingProxy(t, relay.port());
  const { gw } = await testGateway(t, proxy.port);
  const update = (song: string, close = ''): string =>
    `GET /admin/metadata?mount=/live.mp3&mode=updinfo&song=${song} HTTP/1.1\r\nHost: x\r\n${close}Authorization: ${ADMIN}\r\n\r\n`;
  const answer = await exchange(gw.ports().admin, `GET /live.mp3 HTTP/1.1\r\nHost: x\r\n\r\n${update('smuggled')}`, true);
  t.is(answer.status, 403);
  t.is(proxy.connections(), 0, 'the hidden update never reached the relay');
  // The same update sent openly does reach it (so the one above was stopped by the refusal).
  const direct = await exchange(gw.ports().admin, update('direct', 'Connection: close\r\n'), true);
  t.not(direct.status, 403);
  t.is(proxy.connections(), 1);
});
