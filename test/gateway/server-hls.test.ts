// HLS through the gateway: the listener port forwards /hls/… to the relay core, a stream link in
// front of the playlist path carries over to the relative segment URIs, and the mount's listener
// authentication applies to HLS as to the stream.
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { StreamTokens, tokenPath } from '../../policies/tokens.ts';
import { FFMPEG } from '../helpers/ffmpeg.ts';
import { until } from '../helpers/relay.ts';
import { guardedGateway, liveRelay, MOUNT, type GuardedGateway, type LiveRelay } from './listener-auth-kit.ts';
import { Shared } from './server-harness.ts';

const run = promisify(execFile);
const shared = new Shared();
const KEYS = { k1: 'the-hls-signing-key-00001' };
const tokens = new StreamTokens(KEYS);
let live: LiveRelay;
let gw: GuardedGateway;

test.before(async () => {
  live = await liveRelay(shared);
  gw = await guardedGateway(shared, live.relay, { tokens: { keys: KEYS }, mounts: { [MOUNT]: { auth: 'token' } } });
  const mount = live.relay.ctx.registry.get(MOUNT)!;
  await until(() => live.relay.hls?.packagerOf(mount)?.serving === true, 15000, 'the first segment');
});
test.after.always(() => shared.run());

const base = (): string => `http://127.0.0.1:${gw.gw.ports().listener}`;
const PLAYLIST = `/hls${MOUNT}/live.m3u8`;

test.serial('without a link, the playlist and the segments of a token mount are refused', async (t) => {
  const before = gw.proxy.connections();
  for (const path of [PLAYLIST, `/hls${MOUNT}/x-0.mp3`]) {
    const res = await fetch(`${base()}${path}`);
    t.is(res.status, 403, path);
    t.regex(await res.text(), /GW_TOKEN_REQUIRED/);
  }
  t.is(gw.proxy.connections(), before, 'nothing reached the relay');
});

test.serial('with a link, the playlist and its relative segments play through the gateway', async (t) => {
  const token = tokens.mint({ mount: MOUNT, ttlSeconds: 600, maxUses: 0 }, Date.now());
  const playlistUrl = `${base()}${tokenPath(token, PLAYLIST)}`;
  t.true(playlistUrl.includes(`/t/${token}/hls${MOUNT}/`), tokenPath(token, PLAYLIST));
  const res = await fetch(playlistUrl, { headers: { 'user-agent': 'gateway-player' } });
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/vnd.apple.mpegurl');
  t.is(res.headers.get('access-control-allow-origin'), '*');
  const uris = (await res.text()).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  t.true(uris.length >= 1);
  for (const uri of uris) {
    // Resolved as a player does (RFC 3986): the token path is kept.
    const url = new URL(uri, playlistUrl);
    t.true(url.pathname.startsWith(`/t/${token}/hls${MOUNT}/`), url.pathname);
    const seg = await fetch(url, { headers: { 'user-agent': 'gateway-player' } });
    const body = Buffer.from(await seg.arrayBuffer());
    t.is(seg.status, 200, url.pathname);
    t.is(seg.headers.get('content-type'), 'audio/mpeg');
    t.is(body.subarray(0, 3).toString('latin1'), 'ID3');
  }
  // The relay counts the player once, by the address the gateway vouches for and its User-Agent.
  const sessions = live.relay.ctx.registry.get(MOUNT)!.listenerStats().filter((l) => l.userAgent === 'gateway-player');
  t.is(sessions.length, 1);
  t.is(sessions[0]!.ip, '127.0.0.1');

  // A second link from the same address and User-Agent is a second player (the link tells them apart).
  const other = tokens.mint({ mount: MOUNT, ttlSeconds: 600, maxUses: 0 }, Date.now());
  t.is((await fetch(`${base()}${tokenPath(other, PLAYLIST)}`, { headers: { 'user-agent': 'gateway-player' } })).status, 200);
  t.is(live.relay.ctx.registry.get(MOUNT)!.listenerStats().filter((l) => l.userAgent === 'gateway-player').length, 2);

  const { stderr } = await run(FFMPEG, ['-hide_banner', '-nostdin', '-v', 'error', '-i', playlistUrl, '-t', '2', '-f', 'null', '-'], { timeout: 30000 });
  t.is(stderr.trim(), '', 'ffmpeg decodes the HLS stream through the gateway, segments and all');
});
