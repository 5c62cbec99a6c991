// A link's listening page (docs/links.md) in a real browser (Debian's chromium, headless, through
// playwright-core), through the gateway with a real relay core and a real ffmpeg MP3 source: the
// page opened from the link plays with no further step than Play — the plain stream, and with
// ?hls=1 the HLS playlist and its segments, each fetched through the link — on a mount that
// opens with a link only and a key nobody configured (the generated one). Revoking the link
// stops both: the stream player is cut and the HLS player's next request is refused.
import test from 'ava';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { configSchema } from '../../config/schema.ts';
import { tokenKeyring } from '../../config/secrets.ts';
import type { GatewayLink } from '../../contracts/link-store.ts';
import { newTokenId, StreamTokens, tokenPath } from '../../policies/tokens.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import { guardedGateway, type GuardedGateway } from '../gateway/listener-auth-kit.ts';
import { Shared } from '../gateway/server-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const MOUNT = '/live.mp3';
/** Seconds of audio that prove playback, not just a started element. */
const PLAYED = 2;

const shared = new Shared();
let relay: RunningRelay;
let gw: GuardedGateway;
let browser: Browser;
let source: ChildProcess;

const available = existsSync(CHROMIUM);
const browserTest = available ? test.serial : test.skip;
if (!available) test.skip("a link's listening page in a browser needs the Debian package chromium", (t) => t.fail());

test.before(async () => {
  if (!available) return;
  relay = await testRelay({ hls: { targetDuration: 1, windowSegments: 4 }, mounts: { [MOUNT]: {} } }, { station: 'Link Radio' });
  shared.teardown(() => relay.close());
  source = startSource({ port: relay.port(), mount: MOUNT, codec: 'mp3', password: SECRETS.sourcePassword, noise: true });
  shared.teardown(() => stopProcess(source));
  // No key configured: the gateway signs and verifies with the one it generated.
  gw = await guardedGateway(shared, relay, { mounts: { [MOUNT]: { auth: 'token' } } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  shared.teardown(() => browser.close());
  await until(() => relay.ctx.registry.get(MOUNT)?.live === true, 15000, 'the source to go live');
});
test.after.always(() => shared.run());

/** A link in the gateway's table, as the supervisor sends it; its page URL on the plain listener port. */
async function makeLink(): Promise<{ link: GatewayLink; pageUrl: string }> {
  const tokens = new StreamTokens(await tokenKeyring(configSchema.parse({ stateDir: gw.stateDir })));
  const id = newTokenId();
  const token = tokens.mint({ mount: MOUNT, ttlSeconds: 600, id }, Date.now());
  const link = { id, mount: MOUNT, expiresAt: (Math.floor(Date.now() / 1000) + 600) * 1000, maxListeners: null, revoked: false };
  gw.gw.links.replace([link]);
  return { link, pageUrl: `http://127.0.0.1:${gw.gw.ports().listener}${tokenPath(token, '/')}` };
}

const state = (page: Page) =>
  page.evaluate(() => {
    const a = document.querySelector('audio')!;
    return { time: a.currentTime, paused: a.paused, error: a.error?.code ?? null, way: document.body.dataset.way, src: a.currentSrc };
  });

async function playFrom(page: Page, url: string): Promise<Awaited<ReturnType<typeof state>>> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.click('.mount .play');
  const deadline = Date.now() + 20_000;
  let s = await state(page);
  while (s.time < PLAYED) {
    if (Date.now() > deadline) throw new Error(`no playback: ${JSON.stringify(s)} ${errors.join('; ')}`);
    await page.waitForTimeout(200);
    s = await state(page);
  }
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  return s;
}

/** Waits until the audio element stops advancing (it is cut), polling the page. */
async function stalls(page: Page): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  let last = (await state(page)).time;
  let still = 0;
  while (Date.now() < deadline) {
    await page.waitForTimeout(500);
    const now = (await state(page)).time;
    still = now === last ? still + 1 : 0;
    last = now;
    if (still >= 4) return true;
  }
  return false;
}

browserTest("the page opened from a link plays the stream through it; revoking the link cuts it", async (t) => {
  t.timeout(90_000);
  const { link, pageUrl } = await makeLink();
  const page = await browser.newPage();
  t.teardown(() => page.close());
  const played = await playFrom(page, pageUrl);
  t.is(played.way, 'progressive');
  t.is(played.src, `${pageUrl}live.mp3`);
  t.is(gw.gw.links.usage()[link.id]?.players, 1);
  gw.gw.links.replace([{ ...link, revoked: true }]);
  t.is(gw.gw.links.usage()[link.id]?.players, 0, 'the stream player was cut');
  t.true(await stalls(page), 'the audio stops');
});

browserTest('with ?hls=1 the link carries its token to the HLS playlist and every segment; revoked, HLS stops', async (t) => {
  t.timeout(90_000);
  const { link, pageUrl } = await makeLink();
  const page = await browser.newPage();
  t.teardown(() => page.close());
  const fetched: { path: string; status: number }[] = [];
  page.on('response', (r) => fetched.push({ path: new URL(r.url()).pathname, status: r.status() }));
  const played = await playFrom(page, `${pageUrl}?hls=1`);
  t.is(played.way, 'hls.js');
  const prefix = new URL(pageUrl).pathname;
  const hls = fetched.filter((f) => f.path.includes('/hls/'));
  t.true(hls.some((f) => f.path === `${prefix}hls/live.mp3/live.m3u8` && f.status === 200), 'the playlist through the link');
  t.true(hls.some((f) => f.path.startsWith(`${prefix}hls/live.mp3/`) && f.path.endsWith('.mp3') && f.status === 200), 'segments through the link');
  t.true(hls.every((f) => f.path.startsWith(prefix)), 'nothing HLS without the link');
  gw.gw.links.replace([{ ...link, revoked: true }]);
  t.true(await stalls(page), 'the audio stops');
  t.true(fetched.some((f) => f.path.startsWith(`${prefix}hls/`) && f.status === 403), 'the next HLS request was refused');
});
