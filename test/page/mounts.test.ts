// What the listening page is made of, as pure functions: which mounts it shows, the relative URLs
// it plays them from, the HTML it renders, and the paths the gateway and the relay reserve for it.
import test from 'ava';
import type { MountStats } from '../../stream/types.ts';
import { pageMounts, relativeHlsUrl, relativeMountUrl } from '../../relay/page/mounts.ts';
import { renderPage } from '../../relay/page/render.ts';
import { loadPageAssets } from '../../relay/page/assets.ts';
import { assetName, isPagePath } from '../../stream/paths/page.ts';
import { isReservedPath } from '../../stream/paths/reserved.ts';
import { targetOf } from '../../policies/classify.ts';
import { idleMountStats } from '../helpers/mount-stats.ts';

const stats = (mount: string, o: Partial<MountStats> = {}): MountStats => idleMountStats(mount, { public: true, ...o });

const ALL = [stats('/z.mp3', { live: true }), stats('/hidden.mp3', { hidden: true, live: true }), stats('/a.aac'), stats('/b/c.ogg', { hidden: true })];

for (const [link, expected] of [
  [null, ['/a.aac', '/z.mp3']],
  ['/z.mp3', ['/z.mp3']],
  ['/hidden.mp3', ['/hidden.mp3']],
  ['/gone.mp3', []],
] as const) {
  test(`page mounts ${link === null ? 'without a link' : `through a link for ${link}`}: ${expected.join(', ') || 'none'}`, (t) => {
    t.deepEqual(pageMounts(ALL, link).map((m) => m.mount), expected);
  });
}

for (const [mount, url, hls] of [
  ['/live.mp3', './live.mp3', './hls/live.mp3/live.m3u8'],
  ['/a/b.aac', './a/b.aac', './hls/a/b.aac/live.m3u8'],
  ['/x:y', './x%3Ay', './hls/x%3Ay/live.m3u8'],
  ['/Rädio #1?', './R%C3%A4dio%20%231%3F', './hls/R%C3%A4dio%20%231%3F/live.m3u8'],
] as const) {
  test(`relative URLs of ${mount}`, (t) => {
    t.is(relativeMountUrl(mount), url);
    t.is(relativeHlsUrl(mount), hls);
    // Resolved against a stream link's page, the token stays in front.
    t.is(new URL(url, 'https://h/t/k.c.m/').pathname, `/t/k.c.m${url.slice(1)}`);
  });
}

const { template } = loadPageAssets();
const view = { station: 'S', css: './assets/page.css?v=1', js: './assets/page.js?v=1', hlsScript: './assets/hls.light.min.js?v=1' };

test('rendered values are escaped, placeholders in them are left alone', (t) => {
  const html = renderPage(template, { ...view, hls: true, mounts: [stats('/m.mp3', { title: '<b>{{station}}</b> & "x"', description: { name: "It's {{mounts}}", extra: {} } })] });
  t.true(html.includes('<p class="title">&lt;b&gt;{{station}}&lt;/b&gt; &amp; &quot;x&quot;</p>'));
  t.true(html.includes('<h2 class="name">It&apos;s {{mounts}}</h2>'));
  t.false(html.includes('<b>'));
  t.true(html.includes('<p class="empty" hidden>'));
});

test('HLS links only when HLS output is on; an empty page says so', (t) => {
  const off = renderPage(template, { ...view, hls: false, mounts: [stats('/m.mp3', { live: true, codec: 'mp3', contentType: 'audio/mpeg' })] });
  t.false(off.includes('data-hls="./'));
  t.true(off.includes('data-hls-output="0"'));
  t.true(off.includes('data-type="audio/mpeg"'));
  t.true(off.includes('data-format="mp3"'));
  t.true(off.includes('On air'));
  const on = renderPage(template, { ...view, hls: true, mounts: [stats('/m.mp3')] });
  t.true(on.includes('data-hls="./hls/m.mp3/live.m3u8"'));
  t.true(on.includes('Off air'));
  const empty = renderPage(template, { ...view, hls: true, mounts: [] });
  t.true(empty.includes('<p class="empty">Nothing to play'));
});

for (const [path, page, reserved, target] of [
  ['/', true, true, 'page'],
  ['/assets/page.js', true, true, 'page'],
  ['/assets/hls.light.min.js', true, true, 'page'],
  ['/assets/page.css', true, true, 'page'],
  ['/assets/x.html', true, true, 'unknown'],
  ['/assets', false, true, 'unknown'],
  ['/ASSETS/page.js', false, true, 'unknown'],
  ['/assets/sub/page.js', true, true, 'unknown'],
  ['/assets.mp3', false, false, 'mount'],
] as const) {
  test(`${path}: page path ${page}, reserved ${reserved}, gateway target ${target}`, (t) => {
    t.is(isPagePath(path), page);
    t.is(isReservedPath(path), reserved);
    t.is(targetOf(path).kind, target);
  });
}

test('asset names are one plain file name', (t) => {
  t.is(assetName('/assets/page.js'), 'page.js');
  for (const bad of ['/assets/', '/assets/.js', '/assets/a/b.js', '/assets/Page.js', '/assets/page.js.map', '/x/page.js']) t.is(assetName(bad), null, bad);
});
