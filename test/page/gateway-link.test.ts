// The listening page through the gateway: at "/" it shows the public mounts; through a stream link
// (/t/<token>/) it, its files and the status it polls are reachable, show the link's mount alone
// (hidden or not), and a forged, expired or revoked link opens nothing. A client cannot claim a
// link's mount itself: the gateway drops X-Icegate-Mount from every request.
import test from 'ava';
import { claimedMount, StreamTokens } from '../../policies/tokens.ts';
import { loadPageAssets } from '../../relay/page/assets.ts';
import { testRelay } from '../helpers/relay.ts';
import { guardedGateway, type GuardedGateway } from '../gateway/listener-auth-kit.ts';
import { Shared } from '../gateway/server-harness.ts';
import { request, type PageReply } from './page-client.ts';

const shared = new Shared();
const KEYS = { k1: 'a-page-test-signing-key-0001' };
const tokens = new StreamTokens(KEYS);
let gw: GuardedGateway;

test.before(async () => {
  const relay = await testRelay({ mounts: { '/live.mp3': {}, '/other.mp3': {}, '/hidden.mp3': { hidden: true } } }, { station: 'Link Radio' });
  shared.teardown(() => relay.close());
  gw = await guardedGateway(shared, relay, { tokens: { keys: KEYS }, mounts: { '/live.mp3': { auth: 'token' }, '/hidden.mp3': { auth: 'token' } } });
});
test.after.always(() => shared.run());

const mint = (mount: string, ttlSeconds = 600, at = Date.now()): string => tokens.mint({ mount, ttlSeconds }, at);
const get = (path: string, headers: Record<string, string> = {}): Promise<PageReply> => request(gw.gw.ports().listener, path, headers);
const mountsOf = (r: PageReply): string[] => [...r.body.toString('utf8').matchAll(/data-mount="([^"]*)"/g)].map((m) => m[1]!);
const codeOf = (r: PageReply): string | undefined => /\((GW_[A-Z_]+), ref [0-9a-f]{8}\)/.exec(r.body.toString('latin1'))?.[1];

test.serial('the page at "/" lists the public mounts and ignores a mount a client claims', async (t) => {
  const r = await get('/');
  t.is(r.status, 200);
  t.true(r.body.toString('utf8').includes('<h1 id="station">Link Radio</h1>'));
  t.deepEqual(mountsOf(r), ['/live.mp3', '/other.mp3']);
  t.deepEqual(mountsOf(await get('/', { 'X-Icegate-Mount': '/hidden.mp3' })), ['/live.mp3', '/other.mp3']);
  const status = JSON.parse((await get('/api/v1/status', { 'X-Icegate-Mount': '/hidden.mp3' })).body.toString('utf8')) as { mounts: Array<{ mount: string }> };
  t.deepEqual(status.mounts.map((m) => m.mount), ['/live.mp3', '/other.mp3']);
});

for (const mount of ['/live.mp3', '/hidden.mp3']) {
  test.serial(`a stream link for ${mount} opens its page, files and status, showing that mount alone`, async (t) => {
    const token = mint(mount);
    const page = await get(`/t/${token}/`);
    t.is(page.status, 200);
    t.deepEqual(mountsOf(page), [mount]);
    for (const file of loadPageAssets().files.values()) {
      const r = await get(`/t/${token}/assets/${file.name}?v=${file.version}`);
      t.is(r.status, 200, file.name);
      t.is(r.header('etag'), file.etag);
    }
    const api = JSON.parse((await get(`/t/${token}/api/v1/status`)).body.toString('utf8')) as { mounts: Array<{ mount: string; listenUrl: string }> };
    t.deepEqual(api.mounts.map((m) => m.mount), [mount]);
    t.true(api.mounts[0]!.listenUrl.endsWith(`/t/${token}${mount}`), api.mounts[0]!.listenUrl);
    const ice = JSON.parse((await get(`/t/${token}/status-json.xsl`)).body.toString('utf8')) as { icestats: { source?: unknown } };
    t.false('source' in ice.icestats, 'no live source on any mount, and no other mount shows');
  });
}

test.serial('a forged, expired or mismatched link opens no page and nothing reaches the relay', async (t) => {
  const good = mint('/live.mp3');
  const forged = `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`;
  for (const [path, code] of [
    [`/t/${forged}/`, 'GW_TOKEN_INVALID'],
    ['/t/not-a-token/', 'GW_TOKEN_INVALID'],
    ['/t/not-a-token/api/v1/status', 'GW_TOKEN_INVALID'],
    [`/t/${mint('/live.mp3', 60, Date.now() - 120_000)}/`, 'GW_TOKEN_EXPIRED'],
    [`/t/${mint('/live.mp3', 60, Date.now() - 120_000)}/assets/page.js`, 'GW_TOKEN_EXPIRED'],
  ] as const) {
    const before = gw.proxy.connections();
    const r = await get(path);
    t.is(r.status, 403, path);
    t.is(codeOf(r), code, path);
    t.is(gw.proxy.connections(), before, `${path}: nothing reached the relay`);
  }
  // A link for one mount does not open another's stream from its page.
  t.is((await get(`/t/${good}/hidden.mp3`)).status, 403);
});

test('the mount a link claims is read for the page, and only a genuine link is believed (above)', (t) => {
  t.is(claimedMount(mint('/hidden.mp3')), '/hidden.mp3');
  for (const bad of ['', 'not-a-token', 'k1.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `k1.${Buffer.from('[1,"nope",1,0,"x"]').toString('base64url')}.${'A'.repeat(43)}`]) {
    t.is(claimedMount(bad), null, bad);
  }
});
