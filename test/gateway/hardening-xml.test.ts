// Issue: a stream title with U+FFFE or U+FFFF (set by anyone with the mount's source credentials)
// made /admin/stats not well-formed XML. Every XML output goes through one escaping function
// that drops or replaces every character XML 1.0 forbids; JSON outputs carry nosniff.
import test from 'ava';
import { escapeXml } from '../../stream/xml.ts';
import { SECRETS } from '../helpers/relay.ts';
import { liveRelay, MOUNT } from './listener-auth-kit.ts';
import { exchange, headerOf, Shared, testGateway, type TestGateway } from './server-harness.ts';

const shared = new Shared();
let gateway: TestGateway;
const ADMIN = `Basic ${Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64')}`;

test.before(async () => {
  const { relay } = await liveRelay(shared);
  gateway = await testGateway(shared, relay.port());
});
test.after.always(() => shared.run());

/** XML 1.0 §2.2 Char, the whole document. */
const NOT_XML_CHAR = /[^\x09\x0a\x0d\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const admin = (path: string): Promise<{ status: number; head: string; body: string }> =>
  exchange(gateway.gw.ports().admin, `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${ADMIN}\r\nConnection: close\r\n\r\n`, true).then((e) => ({
    ...e,
    body: e.data.subarray(e.data.indexOf('\r\n\r\n') + 4).toString('utf8'),
  }));

const TITLES: [string, string][] = [
  ['U+FFFE and U+FFFF', 'A%EF%BF%BEB%EF%BF%BF'],
  ['a C0 control', 'A%01B'],
  ['markup', 'A%3Cb%3E%26B'],
];

for (const [what, song] of TITLES) {
  test.serial(`a title with ${what} leaves /admin/stats and the mount's XML well-formed`, async (t) => {
    const set = await admin(`/admin/metadata?mount=${MOUNT}&mode=updinfo&song=${song}&charset=UTF-8`);
    t.is(set.status, 200, set.head);
    for (const path of ['/admin/stats', `/admin/stats?mount=${MOUNT}`, '/admin/listmounts']) {
      const doc = await admin(path);
      t.is(doc.status, 200, path);
      t.false(NOT_XML_CHAR.test(doc.body), `${path}: ${JSON.stringify(doc.body.match(NOT_XML_CHAR)?.[0])}`);
      t.notRegex(doc.body, /<b>/, path);
    }
    const stats = await admin('/admin/stats');
    t.regex(stats.body, /<title>A(B| B|&lt;b&gt;&amp;B)<\/title>/);
  });
}

test('the escaping function, character by character', (t) => {
  const cases: [string, string][] = [
    ['a\uFFFEb\uFFFFc', 'abc'],
    ['a\x00b\x1fc\x7f', 'a b c '],
    ['lone \uD800 high, lone \uDC00 low', 'lone \uFFFD high, lone \uFFFD low'],
    ['pair \uD83C\uDFB5 kept', 'pair \uD83C\uDFB5 kept'],
    [`<a href="x">'&'</a>`, '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;'],
  ];
  for (const [input, expected] of cases) t.is(escapeXml(input), expected, JSON.stringify(input));
});

test('the XSPF playlist is escaped by the same function', async (t) => {
  const reply = await exchange(gateway.gw.ports().listener, `GET ${MOUNT}.xspf HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  t.is(reply.status, 200);
  t.false(NOT_XML_CHAR.test(reply.body));
  t.notRegex(reply.body, /&#\d+;/, 'entities, as everywhere else');
});

test('JSON outputs carry X-Content-Type-Options: nosniff', async (t) => {
  for (const path of ['/status-json.xsl', '/api/v1/status']) {
    const reply = await exchange(gateway.gw.ports().listener, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    t.is(reply.status, 200, path);
    t.is(headerOf(reply.head, 'X-Content-Type-Options'), 'nosniff', path);
  }
});
