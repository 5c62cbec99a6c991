// The listening page as the relay serves it: "/" and its files, their content types and caching,
// 404 for anything not in the page's file list, no way out of it, and the mounts the page shows
// (never a hidden one; through a stream link only the link's mount).
import test from 'ava';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { TEST_FORWARD_KEY, testRelay } from '../helpers/relay.ts';
import { loadPageAssets } from '../../relay/page/assets.ts';
import { request } from './page-client.ts';

const STATION = 'Radio <Ünïcode> & "Co"';
const MOUNTS = {
  '/live.mp3': { streamName: 'Live One' },
  '/secret.mp3': { hidden: true, streamName: 'Secret Two' },
  '/late:night.aac': {},
};

const relayPort = testRelay({ mounts: MOUNTS }, { station: STATION });
test.after.always(async () => (await relayPort).close());
const port = async (): Promise<number> => (await relayPort).port();
const page = async (headers: Record<string, string> = {}) => request(await port(), '/', headers);

test('the page is HTML with the station, its public mounts and a strict policy', async (t) => {
  const r = await page();
  t.is(r.status, 200);
  t.is(r.header('content-type'), 'text/html; charset=utf-8');
  t.is(r.header('cache-control'), 'no-cache');
  t.regex(r.header('etag') ?? '', /^"[A-Za-z0-9_-]{27}"$/);
  t.is(r.header('referrer-policy'), 'no-referrer');
  t.is(Number(r.header('content-length')), r.body.length);
  const csp = r.header('content-security-policy') ?? '';
  t.regex(csp, /script-src 'self'(;|$)/);
  t.false(csp.includes('unsafe'));
  const html = r.body.toString('utf8');
  t.true(html.includes('<h1 id="station">Radio &lt;Ünïcode&gt; &amp; &quot;Co&quot;</h1>'));
  t.true(html.includes('data-mount="/live.mp3"'));
  t.true(html.includes('data-src="./late%3Anight.aac"'));
  t.true(html.includes('data-hls="./hls/live.mp3/live.m3u8"'));
  t.false(html.includes('secret'), 'a hidden mount is not on the page');
  t.false(/<script(?![^>]*\ssrc=)/.test(html), 'no inline script');
  t.false(/\son[a-z]+=/i.test(html), 'no inline event handler');
  t.false(/\sstyle=/.test(html), 'no inline style');
  // Relative URLs only, so a /t/<token>/ prefix carries over to everything the page loads.
  for (const [, url] of html.matchAll(/\s(?:href|src|data-src|data-hls|data-hls-script)="([^"]*)"/g)) {
    t.true(url!.startsWith('./') || url!.startsWith('data:'), url);
  }
  t.false(html.includes('/admin'), 'no admin link');
});

test('the page revalidates: the same ETag gets 304 without a body; HEAD has no body', async (t) => {
  const etag = (await page()).header('etag')!;
  const again = await page({ 'If-None-Match': etag });
  t.is(again.status, 304);
  t.is(again.body.length, 0);
  t.is((await page({ 'If-None-Match': '"other"' })).status, 200);
  const head = await request(await port(), '/', {}, 'HEAD');
  t.is(head.status, 200);
  t.true(Number(head.header('content-length')) > 0);
  t.is(head.body.length, 0);
});

const files = loadPageAssets().files;
const hlsFile = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.light.min.js'));

for (const [name, type, bytes] of [
  ['page.css', 'text/css; charset=utf-8', readFileSync(new URL('../../relay/page/page.css', import.meta.url))],
  ['page.js', 'text/javascript; charset=utf-8', readFileSync(new URL('../../relay/page/page.js', import.meta.url))],
  ['hls.light.min.js', 'text/javascript; charset=utf-8', hlsFile],
] as const) {
  test(`/assets/${name}: ${type}, cached for good under its version, gzip on request`, async (t) => {
    const version = files.get(name)!.version;
    const plain = await request(await port(), `/assets/${name}?v=${version}`);
    t.is(plain.status, 200);
    t.is(plain.header('content-type'), type);
    t.is(plain.header('cache-control'), 'public, max-age=31536000, immutable');
    t.is(plain.header('x-content-type-options'), 'nosniff');
    t.is(plain.header('access-control-allow-origin'), '*');
    t.is(plain.header('content-encoding'), undefined);
    t.true(plain.body.equals(bytes));
    const html = (await request(await port(), '/')).body.toString('utf8');
    t.true(html.includes(`./assets/${name}?v=${version}`), 'the page links this version');

    const unversioned = await request(await port(), `/assets/${name}`);
    t.is(unversioned.header('cache-control'), 'no-cache', 'an old or missing version must revalidate');
    t.is((await request(await port(), `/assets/${name}`, { 'If-None-Match': plain.header('etag')! })).status, 304);

    const zipped = await request(await port(), `/assets/${name}?v=${version}`, { 'Accept-Encoding': 'br, gzip;q=0.8' });
    t.is(zipped.header('content-encoding'), 'gzip');
    t.is(zipped.header('vary'), 'Accept-Encoding');
    t.true(gunzipSync(zipped.body).equals(bytes));
    const refused = await request(await port(), `/assets/${name}`, { 'Accept-Encoding': 'gzip;q=0' });
    t.is(refused.header('content-encoding'), undefined);
  });
}

for (const target of ['/assets/nope.js', '/assets/index.html', '/assets/', '/assets', '/assets/page.js/x', '/assets/PAGE.JS', '/page.js', '/index.html']) {
  test(`unknown page file ${target} is 404`, async (t) => {
    const r = await request(await port(), target);
    t.is(r.status, 404);
  });
}

for (const target of ['/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/..%2fpackage.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/assets/./page.js', '/assets//page.js', '/assets/page.js%00.css']) {
  test(`no way out of the page's files: ${target}`, async (t) => {
    const r = await request(await port(), target);
    t.true(r.status === 400 || r.status === 404, `status ${r.status}`);
    t.false(r.body.toString('utf8').includes('"devDependencies"'));
  });
}

test('a source cannot publish a mount over the page or its files', async (t) => {
  const relay = await relayPort;
  for (const path of ['/', '/assets/page.js', '/ASSETS/x.mp3']) t.like(relay.ctx.registry.admitSource(path, '127.0.0.1'), { ok: false, code: 'RELAY_MOUNT_RESERVED' }, path);
});

test('through a stream link the page and the status show that mount alone, hidden or not', async (t) => {
  const p = await port();
  const link = { 'X-Forwarded-Prefix': '/t/k1.abc.def', 'X-Icegate-Mount': '/secret.mp3', 'X-Icegate-Forward-Key': TEST_FORWARD_KEY };
  const html = (await request(p, '/', link)).body.toString('utf8');
  t.true(html.includes('data-mount="/secret.mp3"'));
  t.false(html.includes('data-mount="/live.mp3"'));
  const api = JSON.parse((await request(p, '/api/v1/status', link)).body.toString('utf8')) as { mounts: Array<{ mount: string; listenUrl: string }> };
  t.deepEqual(api.mounts.map((m) => [m.mount, m.listenUrl]), [['/secret.mp3', 'http://radio.example:8000/t/k1.abc.def/secret.mp3']]);
  const other = JSON.parse((await request(p, '/api/v1/status', { 'X-Icegate-Mount': '/live.mp3', 'X-Icegate-Forward-Key': TEST_FORWARD_KEY })).body.toString('utf8')) as { mounts: Array<{ mount: string }> };
  t.deepEqual(other.mounts.map((m) => m.mount), ['/live.mp3']);
  const encoded = (await request(p, '/', { 'X-Icegate-Mount': '/late%3Anight.aac', 'X-Icegate-Forward-Key': TEST_FORWARD_KEY })).body.toString('utf8');
  t.true(encoded.includes('data-mount="/late:night.aac"'));
  t.false(encoded.includes('data-mount="/live.mp3"'));
});

test('without a stream link every public mount shows and the hidden one never does', async (t) => {
  const api = JSON.parse((await request(await port(), '/api/v1/status')).body.toString('utf8')) as { mounts: Array<{ mount: string }> };
  t.deepEqual(api.mounts.map((m) => m.mount), ['/late:night.aac', '/live.mp3']);
});

test("a link mount from a peer that is not a trusted proxy is ignored", async (t) => {
  const relay = await testRelay({ mounts: MOUNTS, trustedProxies: ['192.0.2.1/32'] });
  t.teardown(() => relay.close());
  const html = (await request(relay.port(), '/', { 'X-Icegate-Mount': '/secret.mp3', 'X-Icegate-Forward-Key': TEST_FORWARD_KEY })).body.toString('utf8');
  t.false(html.includes('secret'));
  t.true(html.includes('data-mount="/live.mp3"'));
  t.true(html.includes('<title>icegate</title>'), 'the default station name');
});
