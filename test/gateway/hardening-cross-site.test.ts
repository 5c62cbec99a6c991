// Issue: the Icecast admin API changes state with GET, so a page of another site could fire
// /admin/metadata or /admin/killsource in a browser holding the admin credentials, and the admin
// port answered Access-Control-Allow-Origin: *. Browser requests from elsewhere are refused
// before the upstream; tools that send no browser headers keep working; no CORS on the admin port.
import test from 'ava';
import { SECRETS, testRelay } from '../helpers/relay.ts';
import { countingProxy, exchange, headerOf, Shared, testGateway, type TestGateway } from './server-harness.ts';

const shared = new Shared();
let gateway: TestGateway;
let proxy: Awaited<ReturnType<typeof countingProxy>>;
const ADMIN = `Basic ${Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64')}`;

test.before(async () => {
  const relay = await testRelay();
  shared.teardown(() => relay.close());
  proxy = await countingProxy(shared, relay.port());
  gateway = await testGateway(shared, proxy.port);
});
test.after.always(() => shared.run());

const CASES: [string, string, number][] = [
  ['a tool (no browser headers)', '', 200],
  ['Sec-Fetch-Site: cross-site', 'Sec-Fetch-Site: cross-site\r\n', 403],
  ['Sec-Fetch-Site: same-site', 'Sec-Fetch-Site: same-site\r\n', 403],
  ['a foreign Origin', 'Origin: https://evil.example\r\n', 403],
  ['Origin: null', 'Origin: null\r\n', 403],
  ['the same origin', 'Sec-Fetch-Site: same-origin\r\nOrigin: https://HOST\r\n', 200],
  ['a typed address', 'Sec-Fetch-Site: none\r\n', 200],
];

for (const [what, headers, status] of CASES) {
  test.serial(`admin port: ${what} → ${status}`, async (t) => {
    const host = `127.0.0.1:${gateway.gw.ports().admin}`;
    const before = proxy.connections();
    const request = `GET /admin/stats HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${ADMIN}\r\n${headers.replace('HOST', host)}Connection: close\r\n\r\n`;
    const reply = await exchange(gateway.gw.ports().admin, request, true);
    t.is(reply.status, status, reply.head);
    t.is(headerOf(reply.head, 'Access-Control-Allow-Origin'), undefined, 'no CORS on the admin port');
    t.is(proxy.connections() - before, status === 200 ? 1 : 0);
    if (status === 403) t.regex(reply.body, /GW_CROSS_SITE/);
  });
}

test.serial('a cross-site state change (metadata update) never reaches the relay', async (t) => {
  const before = proxy.connections();
  const reply = await exchange(
    gateway.gw.ports().admin,
    `GET /admin/metadata?mount=/live.mp3&mode=updinfo&song=csrf HTTP/1.1\r\nHost: x\r\nAuthorization: ${ADMIN}\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\nConnection: close\r\n\r\n`,
    true,
  );
  t.is(reply.status, 403);
  t.is(proxy.connections(), before);
});
