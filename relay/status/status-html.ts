// /status.xsl: Icecast's public status page, reduced to what a person checking a station needs —
// one table per public live mount. Every value comes from a source or a title update, so all of
// it is escaped.
import { escapeXml } from '../../stream/xml.ts';
import type { IceStats } from './icestats.ts';

/** Rows shown per mount: [label, stats field]. */
const ROWS: ReadonlyArray<readonly [string, string]> = [
  ['Stream Name', 'server_name'],
  ['Stream Description', 'server_description'],
  ['Content Type', 'server_type'],
  ['Stream started', 'stream_start'],
  ['Bitrate', 'bitrate'],
  ['Listeners (current)', 'listeners'],
  ['Listeners (peak)', 'listener_peak'],
  ['Genre', 'genre'],
  ['Stream URL', 'server_url'],
  ['Currently playing', 'title'],
];

function mountSection(mount: string, fields: ReadonlyMap<string, string>): string {
  const url = fields.get('listenurl') ?? mount;
  const rows = ROWS.filter(([, key]) => fields.has(key)).map(
    ([label, key]) => `<tr><th scope="row">${label}</th><td>${escapeXml(fields.get(key)!)}</td></tr>`,
  );
  return (
    `<section><h2>Mount Point ${escapeXml(mount)}</h2>` +
    `<p><a href="${escapeXml(url)}.m3u">M3U</a> <a href="${escapeXml(url)}.xspf">XSPF</a></p>` +
    `<table>${rows.join('')}</table></section>`
  );
}

/** `stats` must already be the public tree (hidden mounts removed). */
export function statusHtml(stats: IceStats): string {
  const sections = stats.sources.map((s) => mountSection(s.mount, new Map(s.fields)));
  const body = sections.length > 0 ? sections.join('\n') : '<p>No mount is live.</p>';
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Icecast Streaming Media Server</title></head>' +
    `<body><h1>Icecast Streaming Media Server</h1>\n${body}\n</body></html>\n`
  );
}
