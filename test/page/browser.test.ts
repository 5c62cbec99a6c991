// The listening page in a real browser (Debian's chromium, headless, driven by playwright-core)
// against a relay core with a real ffmpeg MP3 source: clicking Play plays the progressive stream,
// and with ?hls=1 the HLS playlist through the bundled hls.js; through the gateway a stream link
// opens the page for its mount, and the title the page shows (and gives the lock screen) follows
// the source's. A phone-sized screenshot goes to test/artifacts/page/ (git-ignored).
import test from 'ava';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { StreamTokens } from '../../policies/tokens.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import { guardedGateway, type GuardedGateway } from '../gateway/listener-auth-kit.ts';
import { Shared } from '../gateway/server-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const MOUNT = '/live.mp3';
const KEYS = { k1: 'a-browser-test-signing-key-01' };
const ARTIFACTS = new URL('../artifacts/page/', import.meta.url);
/** Seconds of audio that prove playback, not just a started element. */
const PLAYED = 2;

const shared = new Shared();
let relay: RunningRelay;
let gw: GuardedGateway;
let browser: Browser;
let source: ChildProcess;

const available = existsSync(CHROMIUM);
const browserTest = available ? test.serial : test.skip;
if (!available) test.skip('the listening page in a browser needs the Debian package chromium', (t) => t.fail());

test.before(async () => {
  if (!available) return;
  // Short HLS segments so the HLS check needs only a few seconds of stream.
  relay = await testRelay({ hls: { targetDuration: 1, windowSegments: 4 }, mounts: { [MOUNT]: { streamName: 'The Test Stream' }, '/hidden.mp3': { hidden: true } } }, { station: 'Browser Radio' });
  shared.teardown(() => relay.close());
  source = startSource({ port: relay.port(), mount: MOUNT, codec: 'mp3', password: SECRETS.sourcePassword, noise: true });
  shared.teardown(() => stopProcess(source));
  gw = await guardedGateway(shared, relay, { tokens: { keys: KEYS }, mounts: { [MOUNT]: { auth: 'token' } } });
  // launch() gives every run a fresh temporary profile (user-data-dir) and removes it on close.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
  shared.teardown(() => browser.close());
  await until(() => relay.ctx.registry.get(MOUNT)?.live === true, 15000, 'the source to go live');
});
test.after.always(() => shared.run());

interface Player {
  time: number;
  paused: boolean;
  error: number | null;
  way: string | undefined;
  src: string;
  /** HTMLMediaElement.networkState: NETWORK_EMPTY (0) or NETWORK_NO_SOURCE (3) once it let go of its source. */
  network: number;
  label: string | undefined;
}

const player = (page: Page): Promise<Player> =>
  page.evaluate(() => {
    const a = document.querySelector('audio')!;
    return {
      time: a.currentTime,
      paused: a.paused,
      error: a.error?.code ?? null,
      way: document.body.dataset.way,
      src: a.currentSrc,
      network: a.networkState,
      label: document.querySelector('.play .label')?.textContent ?? undefined,
    };
  });

/** Click Play like a listener, then wait until the audio element has played PLAYED seconds. */
async function clickAndPlay(page: Page, url: string): Promise<Player> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.click('.mount .play');
  const deadline = Date.now() + 20_000;
  let state = await player(page);
  while (state.time < PLAYED) {
    if (Date.now() > deadline) throw new Error(`no playback: ${JSON.stringify(state)} ${errors.join('; ')}`);
    await page.waitForTimeout(200);
    state = await player(page);
  }
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  return state;
}

browserTest('Play plays the progressive stream; a phone-sized screenshot is written', async (t) => {
  t.timeout(60_000);
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  t.teardown(() => page.close());
  const base = `http://127.0.0.1:${relay.port()}/`;
  const state = await clickAndPlay(page, base);
  t.is(state.way, 'progressive');
  t.false(state.paused);
  t.is(state.error, null);
  t.is(state.src, `${base}live.mp3`);
  t.is(state.label, 'Stop');
  t.deepEqual(await page.$$eval('.mount', (els) => els.map((e) => (e as HTMLElement).dataset.mount)), [MOUNT], 'the hidden mount is not listed');

  await mkdir(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS.pathname, 'listening-page-390x844@2x.png');
  await page.screenshot({ path: file });
  const png = await readFile(file);
  t.true(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG');
  t.is(png.toString('latin1', 12, 16), 'IHDR');
  t.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [780, 1688], '390x844 CSS pixels at 2x');

  await page.click('.mount .play');
  const stopped = await player(page);
  t.is(stopped.label, 'Play');
  t.true(stopped.network === 0 || stopped.network === 3, `Stop lets go of the stream (networkState ${stopped.network})`);
  await until(() => relay.ctx.registry.get(MOUNT)!.listenerCount === 0, 5000, 'the listener to leave');
});

browserTest('with ?hls=1 the page plays the HLS playlist through the bundled hls.js', async (t) => {
  t.timeout(60_000);
  const page = await browser.newPage();
  t.teardown(() => page.close());
  const fetched: string[] = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  const state = await clickAndPlay(page, `http://127.0.0.1:${relay.port()}/?hls=1`);
  t.is(state.way, 'hls.js');
  t.true(state.src.startsWith('blob:'), 'Media Source Extensions, not the browser’s own HLS');
  t.false(state.paused);
  t.true(fetched.includes('/assets/hls.light.min.js'));
  t.true(fetched.includes('/hls/live.mp3/live.m3u8'));
  t.true(fetched.some((p) => /^\/hls\/live\.mp3\/[^/]+\.mp3$/.test(p)), 'segments');
  t.false(fetched.some((p) => p === MOUNT), 'the progressive stream was not used');
});

browserTest('a stream link through the gateway opens the page for its mount; titles follow the source', async (t) => {
  t.timeout(60_000);
  const page = await browser.newPage();
  t.teardown(() => page.close());
  const token = new StreamTokens(KEYS).mint({ mount: MOUNT, ttlSeconds: 600 }, Date.now());
  const link = `http://127.0.0.1:${gw.gw.ports().listener}/t/${token}/`;
  // The mount opens with a link only: the page at "/" lists it, but its stream is refused there.
  await page.goto(link);
  const song = `Artist ${Date.now()} - A Song`;
  const admin = await fetch(`http://127.0.0.1:${relay.port()}/admin/metadata?mount=${MOUNT}&mode=updinfo&song=${encodeURIComponent(song)}`, {
    headers: { authorization: `Basic ${Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64')}` },
  });
  t.is(admin.status, 200);
  const state = await clickAndPlay(page, link);
  t.is(state.way, 'progressive');
  t.is(state.src, `${link}live.mp3`);
  const deadline = Date.now() + 10_000;
  let seen = { title: '', session: '', artist: '' };
  while (Date.now() < deadline) {
    seen = await page.evaluate(() => ({
      title: document.querySelector('.mount .title')?.textContent ?? '',
      session: navigator.mediaSession.metadata?.title ?? '',
      artist: navigator.mediaSession.metadata?.artist ?? '',
    }));
    if (seen.title === song) break;
    await page.waitForTimeout(200);
  }
  t.deepEqual(seen, { title: song, session: 'A Song', artist: song.split(' - ')[0]! });
  t.is((await fetch(`http://127.0.0.1:${gw.gw.ports().listener}${MOUNT}`)).status, 403, 'without the link the stream is refused');
});
