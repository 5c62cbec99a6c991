// The listening page's HTML: index.html with the station's name and its mounts filled in. Every
// value comes from the config, a source or a title update, so all of it is escaped; the page
// carries no inline script or style, so a strict Content-Security-Policy holds (route.ts). Pure.
import type { MountStats } from '../../stream/types.ts';
import { escapeXml } from '../admin/xml.ts';
import { relativeHlsUrl, relativeMountUrl } from './mounts.ts';

export interface PageView {
  station: string;
  mounts: readonly MountStats[];
  /** HLS output is on (relay.hls.enabled) and hls.js is there to play it. */
  hls: boolean;
  /** Relative URLs of the page's files, with their version (assets.ts). */
  css: string;
  js: string;
  hlsScript: string;
}

function mountItem(m: MountStats, hls: boolean): string {
  const name = m.description.name ?? m.mount;
  const attrs: Record<string, string> = {
    'data-mount': m.mount,
    'data-src': relativeMountUrl(m.mount),
    'data-type': m.contentType ?? '',
    'data-format': m.codec ?? '',
    'data-live': m.live ? '1' : '0',
  };
  // The format decides later (page.js): a mount off air now may come back as MP3 or AAC.
  if (hls) attrs['data-hls'] = relativeHlsUrl(m.mount);
  const attributes = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  const e = escapeXml;
  return (
    `<li class="mount"${attributes}>\n` +
    `<button type="button" class="play" data-state="stopped"><span class="icon" aria-hidden="true"></span><span class="label">Play</span><span class="visually-hidden"> ${e(name)}</span></button>\n` +
    `<div class="info"><h2 class="name">${e(name)}</h2>` +
    `<p class="state">${m.live ? 'On air' : 'Off air'}</p>` +
    `<p class="title">${e(m.title)}</p>` +
    `<p class="links"><a href="${e(relativeMountUrl(m.mount))}">Stream URL</a> <a href="${e(relativeMountUrl(m.mount))}.m3u">M3U</a></p></div>\n` +
    `</li>`
  );
}

export function renderPage(template: string, view: PageView): string {
  const values: Record<string, string> = {
    station: escapeXml(view.station),
    css: escapeXml(view.css),
    js: escapeXml(view.js),
    hls: view.hls ? '1' : '0',
    hlsScript: escapeXml(view.hlsScript),
    mounts: view.mounts.map((m) => mountItem(m, view.hls)).join('\n'),
    emptyHidden: view.mounts.length > 0 ? ' hidden' : '',
  };
  // One pass, so a value that looks like a placeholder is never filled in itself.
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}
