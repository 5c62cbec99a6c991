// Playlists that point a player at a mount (docs/icecast-compatibility.md#playlists). The URL carries the scheme and host
// the client actually used (from the gateway's forwarded headers), not Icecast's always-http
// hostname:port (xiph/Icecast-Server#45).
import type { PlaylistKind } from '../stream/paths/playlist.ts';
import { escapeXml } from '../stream/xml.ts';

export { PLAYLIST_SUFFIX, type PlaylistKind } from '../stream/paths/playlist.ts';

/** A Host header value safe to put in a URL: name or address with an optional port. */
export function safeHost(host: string | null): string | null {
  if (!host) return null;
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host) ? host : null;
}

export function playlist(kind: PlaylistKind, url: string, title: string): { contentType: string; body: string } {
  switch (kind) {
    case 'm3u':
      return { contentType: 'audio/x-mpegurl', body: `${url}\r\n` };
    case 'pls':
      return {
        contentType: 'audio/x-scpls',
        body: `[playlist]\r\nNumberOfEntries=1\r\nFile1=${url}\r\nTitle1=${title.replace(/[\r\n]/g, ' ')}\r\nLength1=-1\r\nVersion=2\r\n`,
      };
    case 'xspf':
      return {
        contentType: 'application/xspf+xml; charset=UTF-8',
        body:
          '<?xml version="1.0" encoding="UTF-8"?>\n' +
          '<playlist version="1" xmlns="http://xspf.org/ns/0/">\n' +
          `  <title>${escapeXml(title)}</title>\n` +
          `  <trackList>\n    <track>\n      <location>${escapeXml(url)}</location>\n      <title>${escapeXml(title)}</title>\n    </track>\n  </trackList>\n` +
          '</playlist>\n',
      };
  }
}
